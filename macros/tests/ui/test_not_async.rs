#[mini_rt_macros::test]
fn not_async() {}

fn main() {}
