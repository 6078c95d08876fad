#[mini_rt_macros::main(flavor = "multi_thread")]
async fn main() {}
