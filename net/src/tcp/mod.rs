//! TCP: [`TcpListener`], [`TcpStream`], [`TcpSocket`], and the stream's split
//! halves ([`ReadHalf`], [`WriteHalf`], [`OwnedReadHalf`], [`OwnedWriteHalf`]),
//! as in tokio's `tokio::net` and `tokio::net::tcp`.

mod listener;
mod socket;
mod split;
mod stream;

pub use listener::TcpListener;
pub use socket::TcpSocket;
pub use split::{OwnedReadHalf, OwnedWriteHalf, ReadHalf, ReuniteError, WriteHalf};
pub use stream::TcpStream;
