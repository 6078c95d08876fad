#[mini_rt_macros::main(start_paused)]
async fn main() {}
