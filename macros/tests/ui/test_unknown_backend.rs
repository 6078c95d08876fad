#[mini_rt_macros::test(backend = "Epoll")]
async fn wrong_case() {}

fn main() {}
