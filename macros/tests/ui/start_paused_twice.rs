#[mini_rt_macros::test(start_paused = true, start_paused = false)]
async fn paused() {}

fn main() {}
