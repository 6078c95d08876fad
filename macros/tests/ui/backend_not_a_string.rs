#[mini_rt_macros::main(backend = poll)]
async fn main() {}
