//! The methods and trait impls that several socket types share word for
//! word, written once. Each socket is a struct with a field
//! `io: PollEvented<S>` (`S` the std socket); the macros expand inside that
//! socket's module, so each type keeps its own inherent methods and docs.
//!
//! * [`readiness_methods!`]: `ready`, `readable`, `writable` (every socket).
//! * [`io_methods!`]: `try_io` and `async_io` (connected streams and
//!   datagram sockets).
//! * [`stream_methods!`] and [`stream_impls!`] (in `stream.rs`): `TcpStream`
//!   and `UnixStream`.
//! * [`datagram_methods!`] (in `datagram.rs`): `UdpSocket` and `UnixDatagram`.
//! * [`fd_impls!`]: `TryFrom` the std socket, `AsRawFd` and `AsFd`.
//!
//! The async fns wait with `PollEvented::readiness` / `async_io`, which wake
//! every task waiting on the socket; the `poll_*` methods use `poll_ready` /
//! `poll_io`, which keep one waker per direction (the last task to poll), as
//! tokio documents for its `poll_*` methods.

mod datagram;
mod stream;

/// `ready`, `readable` and `writable`. Invoked inside a socket's `impl`.
macro_rules! readiness_methods {
    () => {
        /// Waits until the socket is ready for `interest` and returns what is
        /// ready. Readiness can be spurious: a following `try_*` call may
        /// still return `WouldBlock`, which clears the stale readiness.
        /// Every task waiting on the socket is woken. Cancel-safe.
        pub async fn ready(
            &self,
            interest: ::mini_rt_runtime::io::Interest,
        ) -> ::std::io::Result<::mini_rt_runtime::io::Ready> {
            Ok(self.io.readiness(interest).await?.ready)
        }

        /// Waits until the socket is readable (or closed, or errored),
        /// usually before a `try_*` read.
        pub async fn readable(&self) -> ::std::io::Result<()> {
            self.ready(::mini_rt_runtime::io::Interest::READABLE)
                .await
                .map(drop)
        }

        /// Waits until the socket is writable (or closed, or errored),
        /// usually before a `try_*` write.
        pub async fn writable(&self) -> ::std::io::Result<()> {
            self.ready(::mini_rt_runtime::io::Interest::WRITABLE)
                .await
                .map(drop)
        }
    };
}

/// `try_io` and `async_io`, as tokio's: run the caller's own operation on
/// the socket's fd under the reactor's readiness. Invoked inside a socket's
/// `impl`.
macro_rules! io_methods {
    () => {
        /// Runs `f`, an operation on this socket's fd (say through
        /// `AsFd`), if the cached readiness matches `interest`; otherwise
        /// returns `WouldBlock` without calling it. A `WouldBlock` from `f`
        /// clears that readiness, so the next wait really waits: `f` must
        /// return `WouldBlock` only when the OS did (the fd is non-blocking).
        pub fn try_io<R>(
            &self,
            interest: ::mini_rt_runtime::io::Interest,
            f: impl FnOnce() -> ::std::io::Result<R>,
        ) -> ::std::io::Result<R> {
            self.io.try_io(interest, |_| f())
        }

        /// Waits until the socket is ready for `interest`, then runs `f`; on
        /// `WouldBlock` from `f`, clears the readiness and waits again
        /// (tokio's `async_io`). Every task waiting on the socket is woken
        /// when the readiness comes. `f`'s `WouldBlock` rule is
        /// [`try_io`](Self::try_io)'s.
        pub async fn async_io<R>(
            &self,
            interest: ::mini_rt_runtime::io::Interest,
            mut f: impl FnMut() -> ::std::io::Result<R>,
        ) -> ::std::io::Result<R> {
            self.io.async_io(interest, |_| f()).await
        }
    };
}

/// `TryFrom<$std>` (same as `from_std`), `AsRawFd` and `AsFd` for a socket
/// type wrapping the std socket `$std`.
macro_rules! fd_impls {
    ($ty:ident, $std:ty) => {
        impl TryFrom<$std> for $ty {
            type Error = ::std::io::Error;

            #[doc = concat!("Same as [`", stringify!($ty), "::from_std`].")]
            fn try_from(socket: $std) -> ::std::io::Result<$ty> {
                $ty::from_std(socket)
            }
        }

        impl ::std::os::fd::AsRawFd for $ty {
            fn as_raw_fd(&self) -> ::std::os::fd::RawFd {
                ::std::os::fd::AsRawFd::as_raw_fd(&self.io)
            }
        }

        impl ::std::os::fd::AsFd for $ty {
            fn as_fd(&self) -> ::std::os::fd::BorrowedFd<'_> {
                ::std::os::fd::AsFd::as_fd(&self.io)
            }
        }
    };
}

pub(crate) use datagram::datagram_methods;
pub(crate) use stream::{stream_impls, stream_methods};
pub(crate) use {fd_impls, io_methods, readiness_methods};
