#[mini_rt_macros::main(backend = "kqueue")]
async fn main() {}
