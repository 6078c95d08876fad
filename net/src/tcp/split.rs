//! `TcpStream`'s split halves: borrowed (`ReadHalf`, `WriteHalf`, from
//! `split`) and owned (`OwnedReadHalf`, `OwnedWriteHalf`, from
//! `into_split`). The read halves also peek, as tokio's.

use super::TcpStream;
use mini_rt_runtime::io::ReadBuf;
use std::io;
use std::net::SocketAddr;
use std::task::{Context, Poll};

crate::split::split_halves!(
    TcpStream,
    SocketAddr,
    "use mini_rt::net::{TcpListener, TcpStream};

let listener = TcpListener::bind(\"127.0.0.1:0\").await?;
let mut stream = TcpStream::connect(listener.local_addr()?).await?;
let (mut peer, _) = listener.accept().await?;"
);

/// `peek` and `poll_peek` on the read halves.
macro_rules! peek {
    ($($ty:ty),*) => {$(
        impl $ty {
            /// Peeks at incoming data; see [`TcpStream::peek`].
            pub async fn peek(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                self.stream().peek(buf).await
            }

            /// Polls a peek; see [`TcpStream::poll_peek`].
            pub fn poll_peek(
                &mut self,
                cx: &mut Context<'_>,
                buf: &mut ReadBuf<'_>,
            ) -> Poll<io::Result<usize>> {
                self.stream().poll_peek(cx, buf)
            }
        }
    )*};
}

peek!(ReadHalf<'_>, OwnedReadHalf);
