//! Socket system calls used by `mini_rt_net`.
