#[mini_rt_macros::main(start_paused = true)]
async fn main() {}
