//! The methods and trait impls that several socket types share word for
//! word, written once. Each socket is a struct with a field
//! `io: PollEvented<S>` (`S` the std socket); the macros expand inside that
//! socket's module, so each type keeps its own inherent methods and docs.
//!
//! * [`readiness_methods!`]: `ready`, `readable`, `writable` (every socket).
//! * [`stream_methods!`] and [`stream_impls!`]: `TcpStream` and `UnixStream`.
//! * [`datagram_methods!`]: `UdpSocket` and `UnixDatagram`.
//! * [`fd_impls!`]: `TryFrom` the std socket, `AsRawFd` and `AsFd`.

/// `ready`, `readable` and `writable`. Invoked inside a socket's `impl`.
macro_rules! readiness_methods {
    () => {
        /// Waits until the socket is ready for `interest` and returns what is
        /// ready. Readiness can be spurious: a following `try_*` call may
        /// still return `WouldBlock`, which clears the stale readiness.
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

/// A connected stream's readiness, `try_*` IO and splitting, plus the
/// crate-private operations its split halves use. Invoked inside the
/// stream's `impl`, in a module where `split`, `split_owned` and the four
/// half types (`ReadHalf`, `WriteHalf`, `OwnedReadHalf`, `OwnedWriteHalf`)
/// are in scope.
macro_rules! stream_methods {
    () => {
        $crate::methods::readiness_methods!();

        /// Reads into `buf` if data is ready, without waiting; `WouldBlock`
        /// otherwise. `Ok(0)` means end of stream (or an empty `buf`).
        pub fn try_read(&self, buf: &mut [u8]) -> ::std::io::Result<usize> {
            self.io
                .try_io(::mini_rt_runtime::io::Interest::READABLE, |mut s| {
                    ::std::io::Read::read(&mut s, buf)
                })
        }

        /// Vectored [`try_read`](Self::try_read).
        pub fn try_read_vectored(
            &self,
            bufs: &mut [::std::io::IoSliceMut<'_>],
        ) -> ::std::io::Result<usize> {
            self.io
                .try_io(::mini_rt_runtime::io::Interest::READABLE, |mut s| {
                    ::std::io::Read::read_vectored(&mut s, bufs)
                })
        }

        /// Writes from `buf` if the socket is writable, without waiting;
        /// `WouldBlock` otherwise.
        pub fn try_write(&self, buf: &[u8]) -> ::std::io::Result<usize> {
            self.io
                .try_io(::mini_rt_runtime::io::Interest::WRITABLE, |mut s| {
                    ::std::io::Write::write(&mut s, buf)
                })
        }

        /// Vectored [`try_write`](Self::try_write).
        pub fn try_write_vectored(
            &self,
            bufs: &[::std::io::IoSlice<'_>],
        ) -> ::std::io::Result<usize> {
            self.io
                .try_io(::mini_rt_runtime::io::Interest::WRITABLE, |mut s| {
                    ::std::io::Write::write_vectored(&mut s, bufs)
                })
        }

        /// Splits into a read half and a write half borrowing this stream,
        /// for reading and writing at once from one task (e.g. with
        /// `join!`). No allocation, no locking.
        pub fn split(&mut self) -> (ReadHalf<'_>, WriteHalf<'_>) {
            split(self)
        }

        /// Splits into owned halves that can move to different tasks; rejoin
        /// them with [`OwnedReadHalf::reunite`]. Dropping the write half
        /// shuts down the write side of the connection, as in tokio.
        pub fn into_split(self) -> (OwnedReadHalf, OwnedWriteHalf) {
            split_owned(self)
        }

        // Shared with the split halves.

        pub(crate) fn poll_read_priv(
            &self,
            cx: &mut ::std::task::Context<'_>,
            buf: &mut ::mini_rt_runtime::io::ReadBuf<'_>,
        ) -> ::std::task::Poll<::std::io::Result<()>> {
            self.io.poll_read(cx, buf)
        }

        pub(crate) fn poll_write_priv(
            &self,
            cx: &mut ::std::task::Context<'_>,
            buf: &[u8],
        ) -> ::std::task::Poll<::std::io::Result<usize>> {
            self.io.poll_write(cx, buf)
        }

        pub(crate) fn poll_write_vectored_priv(
            &self,
            cx: &mut ::std::task::Context<'_>,
            bufs: &[::std::io::IoSlice<'_>],
        ) -> ::std::task::Poll<::std::io::Result<usize>> {
            self.io.poll_write_vectored(cx, bufs)
        }

        pub(crate) fn shutdown_std(&self, how: ::std::net::Shutdown) -> ::std::io::Result<()> {
            self.io.get_ref().shutdown(how)
        }
    };
}

/// A connected stream's `AsyncRead` and `AsyncWrite` (tokio's traits),
/// plus [`fd_impls!`]. `$std` is the std stream type.
macro_rules! stream_impls {
    ($ty:ident, $std:ty) => {
        /// Reads into the unfilled part of the `ReadBuf` without zeroing it.
        impl ::mini_rt_runtime::io::AsyncRead for $ty {
            fn poll_read(
                self: ::std::pin::Pin<&mut Self>,
                cx: &mut ::std::task::Context<'_>,
                buf: &mut ::mini_rt_runtime::io::ReadBuf<'_>,
            ) -> ::std::task::Poll<::std::io::Result<()>> {
                self.poll_read_priv(cx, buf)
            }
        }

        /// Writes go straight to the socket (`writev` for vectored writes);
        /// `poll_shutdown` shuts the write side down: the peer reads EOF.
        impl ::mini_rt_runtime::io::AsyncWrite for $ty {
            fn poll_write(
                self: ::std::pin::Pin<&mut Self>,
                cx: &mut ::std::task::Context<'_>,
                buf: &[u8],
            ) -> ::std::task::Poll<::std::io::Result<usize>> {
                self.poll_write_priv(cx, buf)
            }

            fn poll_write_vectored(
                self: ::std::pin::Pin<&mut Self>,
                cx: &mut ::std::task::Context<'_>,
                bufs: &[::std::io::IoSlice<'_>],
            ) -> ::std::task::Poll<::std::io::Result<usize>> {
                self.poll_write_vectored_priv(cx, bufs)
            }

            fn is_write_vectored(&self) -> bool {
                true
            }

            /// Nothing is buffered in user space: always ready.
            fn poll_flush(
                self: ::std::pin::Pin<&mut Self>,
                _cx: &mut ::std::task::Context<'_>,
            ) -> ::std::task::Poll<::std::io::Result<()>> {
                ::std::task::Poll::Ready(Ok(()))
            }

            /// Shuts down the write side (`shutdown(SHUT_WR)`): the peer reads EOF.
            fn poll_shutdown(
                self: ::std::pin::Pin<&mut Self>,
                _cx: &mut ::std::task::Context<'_>,
            ) -> ::std::task::Poll<::std::io::Result<()>> {
                ::std::task::Poll::Ready(self.shutdown_std(::std::net::Shutdown::Write))
            }
        }

        $crate::methods::fd_impls!($ty, $std);
    };
}

/// A datagram socket's readiness and its `send`/`recv`/`recv_from` family.
/// Invoked inside the socket's `impl`; `$addr` is the sender address type
/// `recv_from` returns. Every operation goes through `async_io` / `poll_io`
/// / `try_io`: a short datagram says nothing about whether more are queued.
/// The async fns wake every task waiting on the socket; the `poll_*`
/// methods keep one waker per direction, as tokio's do.
macro_rules! datagram_methods {
    ($addr:ty) => {
        $crate::methods::readiness_methods!();

        /// Polls for read readiness (as tokio's `poll_recv_ready`).
        pub fn poll_recv_ready(
            &self,
            cx: &mut ::std::task::Context<'_>,
        ) -> ::std::task::Poll<::std::io::Result<()>> {
            self.io
                .poll_ready(cx, ::mini_rt_runtime::io::Interest::READABLE)
                .map_ok(drop)
        }

        /// Polls for write readiness (as tokio's `poll_send_ready`).
        pub fn poll_send_ready(
            &self,
            cx: &mut ::std::task::Context<'_>,
        ) -> ::std::task::Poll<::std::io::Result<()>> {
            self.io
                .poll_ready(cx, ::mini_rt_runtime::io::Interest::WRITABLE)
                .map_ok(drop)
        }

        /// Sends `buf` to the connected peer as one datagram; returns the
        /// bytes sent. Cancel-safe.
        pub async fn send(&self, buf: &[u8]) -> ::std::io::Result<usize> {
            self.io
                .async_io(::mini_rt_runtime::io::Interest::WRITABLE, |s| s.send(buf))
                .await
        }

        /// Polls sending `buf` to the connected peer.
        pub fn poll_send(
            &self,
            cx: &mut ::std::task::Context<'_>,
            buf: &[u8],
        ) -> ::std::task::Poll<::std::io::Result<usize>> {
            self.io
                .poll_io(cx, ::mini_rt_runtime::io::Interest::WRITABLE, |s| {
                    s.send(buf)
                })
        }

        /// Sends to the connected peer if the socket is writable now, else
        /// `WouldBlock`.
        pub fn try_send(&self, buf: &[u8]) -> ::std::io::Result<usize> {
            self.io
                .try_io(::mini_rt_runtime::io::Interest::WRITABLE, |s| s.send(buf))
        }

        /// Receives one datagram from the connected peer into `buf`, returning
        /// its length. A datagram longer than `buf` is truncated as the OS does
        /// it: the first `buf.len()` bytes are returned and the rest is
        /// discarded; the next call returns the next datagram. Cancel-safe.
        pub async fn recv(&self, buf: &mut [u8]) -> ::std::io::Result<usize> {
            self.io
                .async_io(::mini_rt_runtime::io::Interest::READABLE, |s| s.recv(buf))
                .await
        }

        /// Polls receiving one datagram from the connected peer (truncating as
        /// [`recv`](Self::recv)). tokio fills a `ReadBuf` and returns `()`;
        /// this fills `buf` and returns the datagram's (possibly truncated)
        /// length.
        pub fn poll_recv(
            &self,
            cx: &mut ::std::task::Context<'_>,
            buf: &mut [u8],
        ) -> ::std::task::Poll<::std::io::Result<usize>> {
            self.io
                .poll_io(cx, ::mini_rt_runtime::io::Interest::READABLE, |s| {
                    s.recv(buf)
                })
        }

        /// Receives one datagram if one is queued now, else `WouldBlock`.
        pub fn try_recv(&self, buf: &mut [u8]) -> ::std::io::Result<usize> {
            self.io
                .try_io(::mini_rt_runtime::io::Interest::READABLE, |s| s.recv(buf))
        }

        /// Receives one datagram and its sender's address. A datagram longer
        /// than `buf` is truncated as the OS does it (the rest is discarded),
        /// as in [`recv`](Self::recv). Cancel-safe.
        pub async fn recv_from(&self, buf: &mut [u8]) -> ::std::io::Result<(usize, $addr)> {
            self.io
                .async_io(::mini_rt_runtime::io::Interest::READABLE, |s| {
                    s.recv_from(buf)
                })
                .await
        }

        /// Polls receiving one datagram and its sender. tokio returns only the
        /// address (the length is in its `ReadBuf`); this returns both.
        pub fn poll_recv_from(
            &self,
            cx: &mut ::std::task::Context<'_>,
            buf: &mut [u8],
        ) -> ::std::task::Poll<::std::io::Result<(usize, $addr)>> {
            self.io
                .poll_io(cx, ::mini_rt_runtime::io::Interest::READABLE, |s| {
                    s.recv_from(buf)
                })
        }

        /// Receives one datagram and its sender if one is queued now, else
        /// `WouldBlock`.
        pub fn try_recv_from(&self, buf: &mut [u8]) -> ::std::io::Result<(usize, $addr)> {
            self.io
                .try_io(::mini_rt_runtime::io::Interest::READABLE, |s| {
                    s.recv_from(buf)
                })
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

pub(crate) use {datagram_methods, fd_impls, readiness_methods, stream_impls, stream_methods};
