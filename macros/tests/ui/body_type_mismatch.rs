// Errors inside the body point at the user's code, not at the attribute.
mod rt {
    pub mod runtime {
        pub struct Builder;
        pub struct Runtime;
        impl Builder {
            pub fn new_current_thread() -> Builder {
                Builder
            }
            pub fn enable_all(&mut self) -> &mut Self {
                self
            }
            pub fn build(&mut self) -> std::io::Result<Runtime> {
                Ok(Runtime)
            }
        }
        impl Runtime {
            pub fn block_on<F: std::future::Future>(&self, _: F) -> F::Output {
                unimplemented!()
            }
        }
    }
}

#[mini_rt_macros::main(crate = "crate::rt")]
async fn main() -> Result<(), String> {
    let n: u32 = "1".parse().map_err(|_| "not a number")?;
    Ok(n)
}
