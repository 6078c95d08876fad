//! mini_rt's sockets: TCP, UDP and Unix-domain, registered with the reactor
//! of the runtime they are created on. Re-exported as `mini_rt::net`.
#![forbid(unsafe_code)]

mod accept;
mod addr;
mod methods;
mod split;
pub mod tcp;
mod udp;
pub mod unix;

pub use addr::{lookup_host, ToSocketAddrs};
pub use tcp::{TcpListener, TcpSocket, TcpStream};
pub use udp::UdpSocket;
pub use unix::{UnixDatagram, UnixListener, UnixSocket, UnixStream};
