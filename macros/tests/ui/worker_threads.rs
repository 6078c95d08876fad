#[mini_rt_macros::main(worker_threads = 4)]
async fn main() {}
