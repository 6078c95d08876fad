#[mini_rt_macros::main]
fn main() {}
