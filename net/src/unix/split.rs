//! `UnixStream`'s split halves: borrowed (`ReadHalf`, `WriteHalf`, from
//! `split`) and owned (`OwnedReadHalf`, `OwnedWriteHalf`, from
//! `into_split`), each owned half movable into its own task.

use super::{SocketAddr, UnixStream};

crate::split::split_halves!(
    UnixStream,
    SocketAddr,
    "use mini_rt::net::UnixStream;

let (mut stream, mut peer) = UnixStream::pair()?;"
);
