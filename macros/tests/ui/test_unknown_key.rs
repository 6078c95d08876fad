#[mini_rt_macros::test(flavor = "current_thread", threads = 2)]
async fn unknown() {}

fn main() {}
