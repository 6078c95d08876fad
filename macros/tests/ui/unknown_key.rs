#[mini_rt_macros::main(start_pause = true)]
async fn main() {}
