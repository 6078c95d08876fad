//! The methods `UdpSocket` and `UnixDatagram` share.

/// A datagram socket's readiness, `try_io`/`async_io` and its
/// `send`/`recv`/`recv_from` family (with the `poll_*`, `try_*` and `*_buf`
/// variants). Invoked inside the socket's `impl`; `$addr` is the sender
/// address type, and `$recv_from` a function
/// `(BorrowedFd, &mut ReadBuf) -> io::Result<(usize, $addr)>` receiving one
/// datagram and its sender.
///
/// Every operation goes through `async_io` / `poll_io` / `try_io`, never a
/// stream read: a short datagram says nothing about whether more are queued,
/// so readiness is cleared only when the OS answers `WouldBlock`. A datagram
/// longer than the buffer is truncated as the OS does it: the buffer is
/// filled and the rest of that datagram is discarded.
macro_rules! datagram_methods {
    ($addr:ty, $recv_from:path) => {
        $crate::methods::readiness_methods!();
        $crate::methods::io_methods!();

        /// Polls for read readiness (one waker per direction, as tokio's
        /// `poll_*` methods).
        pub fn poll_recv_ready(
            &self,
            cx: &mut ::std::task::Context<'_>,
        ) -> ::std::task::Poll<::std::io::Result<()>> {
            self.io
                .poll_ready(cx, ::mini_rt_runtime::io::Interest::READABLE)
                .map_ok(drop)
        }

        /// Polls for write readiness (one waker per direction).
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

        /// Polls receiving one datagram from the connected peer into `buf`'s
        /// unfilled part (not zeroed first), as tokio's: the datagram, truncated
        /// to the room left, is filled in.
        pub fn poll_recv(
            &self,
            cx: &mut ::std::task::Context<'_>,
            buf: &mut ::mini_rt_runtime::io::ReadBuf<'_>,
        ) -> ::std::task::Poll<::std::io::Result<()>> {
            self.io
                .poll_io(cx, ::mini_rt_runtime::io::Interest::READABLE, |s| {
                    ::mini_rt_runtime::__net::read_buf::read(::std::os::fd::AsFd::as_fd(s), buf)
                })
                .map_ok(drop)
        }

        /// Receives one datagram if one is queued now, else `WouldBlock`.
        pub fn try_recv(&self, buf: &mut [u8]) -> ::std::io::Result<usize> {
            self.io
                .try_io(::mini_rt_runtime::io::Interest::READABLE, |s| s.recv(buf))
        }

        /// Receives one datagram from the connected peer into `buf`'s spare
        /// capacity (`BufMut::chunk_mut`: a full `Vec` grows by at least 64
        /// bytes, nothing is zeroed) and advances `buf` past it; returns its
        /// length. Truncates as [`recv`](Self::recv). Cancel-safe.
        pub async fn recv_buf<B: ::bytes::BufMut>(&self, buf: &mut B) -> ::std::io::Result<usize> {
            self.io
                .async_io(::mini_rt_runtime::io::Interest::READABLE, |s| {
                    ::mini_rt_runtime::__net::read_buf::with_buf_mut(buf, |rb| {
                        ::mini_rt_runtime::__net::read_buf::read(::std::os::fd::AsFd::as_fd(s), rb)
                    })
                })
                .await
        }

        /// [`recv_buf`](Self::recv_buf) if a datagram is queued now, else
        /// `WouldBlock`.
        pub fn try_recv_buf<B: ::bytes::BufMut>(&self, buf: &mut B) -> ::std::io::Result<usize> {
            self.io
                .try_io(::mini_rt_runtime::io::Interest::READABLE, |s| {
                    ::mini_rt_runtime::__net::read_buf::with_buf_mut(buf, |rb| {
                        ::mini_rt_runtime::__net::read_buf::read(::std::os::fd::AsFd::as_fd(s), rb)
                    })
                })
        }

        /// Receives one datagram and its sender's address. A datagram longer
        /// than `buf` is truncated as the OS does it (the rest is discarded),
        /// as in [`recv`](Self::recv). Cancel-safe.
        pub async fn recv_from(&self, buf: &mut [u8]) -> ::std::io::Result<(usize, $addr)> {
            self.io
                .async_io(::mini_rt_runtime::io::Interest::READABLE, |s| {
                    let mut rb = ::mini_rt_runtime::io::ReadBuf::new(&mut *buf);
                    $recv_from(::std::os::fd::AsFd::as_fd(s), &mut rb)
                })
                .await
        }

        /// Polls receiving one datagram into `buf`'s unfilled part (truncated
        /// to the room left) and returns its sender, as tokio's.
        pub fn poll_recv_from(
            &self,
            cx: &mut ::std::task::Context<'_>,
            buf: &mut ::mini_rt_runtime::io::ReadBuf<'_>,
        ) -> ::std::task::Poll<::std::io::Result<$addr>> {
            self.io
                .poll_io(cx, ::mini_rt_runtime::io::Interest::READABLE, |s| {
                    $recv_from(::std::os::fd::AsFd::as_fd(s), buf)
                })
                .map_ok(|(_, from)| from)
        }

        /// Receives one datagram and its sender if one is queued now, else
        /// `WouldBlock`.
        pub fn try_recv_from(&self, buf: &mut [u8]) -> ::std::io::Result<(usize, $addr)> {
            self.io
                .try_io(::mini_rt_runtime::io::Interest::READABLE, |s| {
                    let mut rb = ::mini_rt_runtime::io::ReadBuf::new(buf);
                    $recv_from(::std::os::fd::AsFd::as_fd(s), &mut rb)
                })
        }

        /// Receives one datagram into `buf`'s spare capacity, as
        /// [`recv_buf`](Self::recv_buf), and returns its length and sender.
        /// Cancel-safe.
        pub async fn recv_buf_from<B: ::bytes::BufMut>(
            &self,
            buf: &mut B,
        ) -> ::std::io::Result<(usize, $addr)> {
            self.io
                .async_io(::mini_rt_runtime::io::Interest::READABLE, |s| {
                    ::mini_rt_runtime::__net::read_buf::with_buf_mut(buf, |rb| {
                        $recv_from(::std::os::fd::AsFd::as_fd(s), rb)
                    })
                })
                .await
        }

        /// [`recv_buf_from`](Self::recv_buf_from) if a datagram is queued
        /// now, else `WouldBlock`.
        pub fn try_recv_buf_from<B: ::bytes::BufMut>(
            &self,
            buf: &mut B,
        ) -> ::std::io::Result<(usize, $addr)> {
            self.io
                .try_io(::mini_rt_runtime::io::Interest::READABLE, |s| {
                    ::mini_rt_runtime::__net::read_buf::with_buf_mut(buf, |rb| {
                        $recv_from(::std::os::fd::AsFd::as_fd(s), rb)
                    })
                })
        }
    };
}

pub(crate) use datagram_methods;
