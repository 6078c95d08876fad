#[mini_rt_macros::main]
async fn main(args: Vec<String>) {
    drop(args);
}
