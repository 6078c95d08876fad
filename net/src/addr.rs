//! `ToSocketAddrs`: what `bind` and `connect` accept as an address.
//!
//! IP literals resolve at once; host names are resolved with
//! `std::net::ToSocketAddrs` on the blocking pool (`spawn_blocking`), so a
//! slow DNS lookup never blocks the runtime thread.

use mini_rt_runtime::task::{spawn_blocking, JoinHandle};
use std::future::Future;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::{option, vec};

/// Types that can be turned into one or more socket addresses, as tokio's
/// `ToSocketAddrs`: `SocketAddr`, `SocketAddrV4/V6`, `(IpAddr, u16)`,
/// `(Ipv4Addr, u16)`, `(Ipv6Addr, u16)`, `(&str, u16)`, `(String, u16)`,
/// `&str` and `String` (`"host:port"`), `&[SocketAddr]`, and `&T` for any of
/// these.
///
/// The trait is sealed: its method is private, and it cannot be implemented
/// outside mini_rt. Host names are looked up on the blocking pool, so the
/// runtime thread never blocks; IP literals need no lookup.
///
/// ```
/// # mod mini_rt { pub use mini_rt_runtime::*; pub mod net { pub use mini_rt_net::*; } }
/// # mini_rt::runtime::Runtime::new().unwrap().block_on(async {
/// use mini_rt::net::{ToSocketAddrs, UdpSocket};
/// use std::net::{Ipv4Addr, SocketAddr};
///
/// async fn bind_local<A: ToSocketAddrs>(addr: A) -> std::io::Result<SocketAddr> {
///     UdpSocket::bind(addr).await?.local_addr()
/// }
///
/// assert!(bind_local("127.0.0.1:0").await?.ip().is_loopback());
/// assert!(bind_local((Ipv4Addr::LOCALHOST, 0)).await?.ip().is_loopback());
/// assert!(bind_local(String::from("127.0.0.1:0")).await?.ip().is_loopback());
/// # Ok::<(), std::io::Error>(())
/// # }).unwrap();
/// ```
pub trait ToSocketAddrs: sealed::ToSocketAddrsPriv {}

/// Resolves `host` (anything [`ToSocketAddrs`] takes, e.g. `"localhost:80"`)
/// to its socket addresses, as tokio's `lookup_host`: a host name is looked
/// up on the blocking pool, an IP literal needs no lookup.
///
/// ```
/// # mod mini_rt { pub use mini_rt_runtime::*; pub mod net { pub use mini_rt_net::*; } }
/// # fn main() -> std::io::Result<()> {
/// # mini_rt::runtime::Runtime::new()?.block_on(async {
/// let addrs: Vec<_> = mini_rt::net::lookup_host("127.0.0.1:80").await?.collect();
/// assert_eq!(addrs, ["127.0.0.1:80".parse().unwrap()]);
/// # Ok(())
/// # })
/// # }
/// ```
pub async fn lookup_host<T: ToSocketAddrs>(
    host: T,
) -> io::Result<impl Iterator<Item = SocketAddr>> {
    to_socket_addrs(host).await
}

/// Resolves `addr` to its socket addresses.
pub(crate) async fn to_socket_addrs<T: ToSocketAddrs>(addr: T) -> io::Result<Addrs> {
    addr.to_socket_addrs(sealed::Internal).await
}

pub(crate) mod sealed {
    use super::MaybeReady;

    /// Proof that the caller is inside this crate.
    #[derive(Debug)]
    pub struct Internal;

    /// The sealed half of [`ToSocketAddrs`](super::ToSocketAddrs).
    pub trait ToSocketAddrsPriv {
        /// Starts resolving.
        fn to_socket_addrs(&self, _: Internal) -> MaybeReady;
    }
}

use sealed::{Internal, ToSocketAddrsPriv};

/// Resolved addresses, in the order they should be tried (unnameable
/// outside this crate).
#[derive(Debug)]
pub enum Addrs {
    /// A single address.
    One(option::IntoIter<SocketAddr>),
    /// Several addresses.
    More(vec::IntoIter<SocketAddr>),
}

impl Iterator for Addrs {
    type Item = SocketAddr;
    fn next(&mut self) -> Option<SocketAddr> {
        match self {
            Addrs::One(it) => it.next(),
            Addrs::More(it) => it.next(),
        }
    }
}

/// Either already resolved, or resolving on the blocking pool.
#[derive(Debug)]
pub enum MaybeReady {
    /// Resolved without a lookup.
    Ready(Option<io::Result<Addrs>>),
    /// A host name lookup running on the blocking pool.
    Blocking(JoinHandle<io::Result<vec::IntoIter<SocketAddr>>>),
}

impl MaybeReady {
    fn one(addr: SocketAddr) -> MaybeReady {
        MaybeReady::Ready(Some(Ok(Addrs::One(Some(addr).into_iter()))))
    }

    fn lookup<T>(query: T) -> MaybeReady
    where
        T: std::net::ToSocketAddrs + Send + 'static,
    {
        MaybeReady::Blocking(spawn_blocking(move || {
            std::net::ToSocketAddrs::to_socket_addrs(&query)
                .map(|it| it.collect::<Vec<_>>().into_iter())
        }))
    }
}

impl Future for MaybeReady {
    type Output = io::Result<Addrs>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<Addrs>> {
        match self.get_mut() {
            MaybeReady::Ready(res) => {
                Poll::Ready(res.take().expect("MaybeReady polled after completion"))
            }
            MaybeReady::Blocking(handle) => Pin::new(handle).poll(cx).map(|res| match res {
                Ok(res) => res.map(Addrs::More),
                Err(e) => Err(io::Error::other(format!("address lookup failed: {e}"))),
            }),
        }
    }
}

macro_rules! ready_impls {
    ($($ty:ty),*) => {$(
        impl ToSocketAddrs for $ty {}
        impl ToSocketAddrsPriv for $ty {
            fn to_socket_addrs(&self, _: Internal) -> MaybeReady {
                MaybeReady::one(SocketAddr::from(*self))
            }
        }
    )*};
}

ready_impls!(
    SocketAddr,
    SocketAddrV4,
    SocketAddrV6,
    (IpAddr, u16),
    (Ipv4Addr, u16),
    (Ipv6Addr, u16)
);

impl ToSocketAddrs for (&str, u16) {}
impl ToSocketAddrsPriv for (&str, u16) {
    fn to_socket_addrs(&self, _: Internal) -> MaybeReady {
        let (host, port) = *self;
        match host.parse::<IpAddr>() {
            Ok(ip) => MaybeReady::one(SocketAddr::new(ip, port)),
            Err(_) => MaybeReady::lookup((host.to_owned(), port)),
        }
    }
}

impl ToSocketAddrs for (String, u16) {}
impl ToSocketAddrsPriv for (String, u16) {
    fn to_socket_addrs(&self, i: Internal) -> MaybeReady {
        (self.0.as_str(), self.1).to_socket_addrs(i)
    }
}

impl ToSocketAddrs for str {}
impl ToSocketAddrsPriv for str {
    fn to_socket_addrs(&self, _: Internal) -> MaybeReady {
        match self.parse::<SocketAddr>() {
            Ok(addr) => MaybeReady::one(addr),
            Err(_) => MaybeReady::lookup(self.to_owned()),
        }
    }
}

impl ToSocketAddrs for String {}
impl ToSocketAddrsPriv for String {
    fn to_socket_addrs(&self, i: Internal) -> MaybeReady {
        self.as_str().to_socket_addrs(i)
    }
}

impl ToSocketAddrs for &[SocketAddr] {}
impl ToSocketAddrsPriv for &[SocketAddr] {
    // The addresses must outlive the borrow: `connect` may await between tries.
    #[allow(clippy::unnecessary_to_owned)]
    fn to_socket_addrs(&self, _: Internal) -> MaybeReady {
        MaybeReady::Ready(Some(Ok(Addrs::More(self.to_vec().into_iter()))))
    }
}

impl<T: ToSocketAddrs + ?Sized> ToSocketAddrs for &T {}
impl<T: ToSocketAddrsPriv + ?Sized> ToSocketAddrsPriv for &T {
    fn to_socket_addrs(&self, i: Internal) -> MaybeReady {
        (**self).to_socket_addrs(i)
    }
}

/// The error when an address resolved to nothing.
pub(crate) fn no_addresses() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        "could not resolve to any address",
    )
}
