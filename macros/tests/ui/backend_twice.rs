#[mini_rt_macros::main(backend = "poll", backend = "select")]
async fn main() {}
