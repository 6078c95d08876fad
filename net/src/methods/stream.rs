//! The methods and trait impls `TcpStream` and `UnixStream` share.

/// A connected stream's readiness, `try_*` IO, `try_io`/`async_io` and
/// splitting, plus the crate-private operations its split halves use.
/// Invoked inside the stream's `impl`; `$halves` names the module (in scope)
/// that [`split_halves!`](crate::split::split_halves) expanded in, holding
/// the half types and the `split` / `split_owned` functions.
macro_rules! stream_methods {
    ($halves:ident) => {
        $crate::methods::readiness_methods!();
        $crate::methods::io_methods!();

        /// Polls for read readiness. As with tokio's `poll_*` methods, only
        /// the waker of the last task to poll is kept (per direction); use
        /// [`readable`](Self::readable) to wait from several tasks.
        pub fn poll_read_ready(
            &self,
            cx: &mut ::std::task::Context<'_>,
        ) -> ::std::task::Poll<::std::io::Result<()>> {
            self.io
                .poll_ready(cx, ::mini_rt_runtime::io::Interest::READABLE)
                .map_ok(drop)
        }

        /// Polls for write readiness; one waker, as
        /// [`poll_read_ready`](Self::poll_read_ready).
        pub fn poll_write_ready(
            &self,
            cx: &mut ::std::task::Context<'_>,
        ) -> ::std::task::Poll<::std::io::Result<()>> {
            self.io
                .poll_ready(cx, ::mini_rt_runtime::io::Interest::WRITABLE)
                .map_ok(drop)
        }

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

        /// Reads into `buf`'s spare capacity (`BufMut::chunk_mut`, not
        /// zeroed first) if data is ready, without waiting, and advances
        /// `buf` past the bytes read; `WouldBlock` otherwise. A `Vec` with no
        /// spare capacity grows. `Ok(0)` means end of stream (or no room).
        pub fn try_read_buf<B: ::bytes::BufMut>(&self, buf: &mut B) -> ::std::io::Result<usize> {
            self.io
                .try_io(::mini_rt_runtime::io::Interest::READABLE, |s| {
                    ::mini_rt_runtime::__net::read_buf::with_buf_mut(buf, |rb| {
                        ::mini_rt_runtime::__net::read_buf::read(::std::os::fd::AsFd::as_fd(s), rb)
                    })
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

        /// Vectored [`try_write`](Self::try_write): one `writev`.
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
        pub fn split(&mut self) -> ($halves::ReadHalf<'_>, $halves::WriteHalf<'_>) {
            $halves::split(self)
        }

        /// Splits into owned halves that can move to different tasks; rejoin
        /// them with `OwnedReadHalf::reunite`. Dropping the write half
        /// shuts down the write side of the connection, as in tokio.
        pub fn into_split(self) -> ($halves::OwnedReadHalf, $halves::OwnedWriteHalf) {
            $halves::split_owned(self)
        }

        // Shared with the split halves.

        #[inline]
        pub(crate) fn poll_read_priv(
            &self,
            cx: &mut ::std::task::Context<'_>,
            buf: &mut ::mini_rt_runtime::io::ReadBuf<'_>,
        ) -> ::std::task::Poll<::std::io::Result<()>> {
            self.io.poll_read(cx, buf)
        }

        #[inline]
        pub(crate) fn poll_write_priv(
            &self,
            cx: &mut ::std::task::Context<'_>,
            buf: &[u8],
        ) -> ::std::task::Poll<::std::io::Result<usize>> {
            self.io.poll_send(cx, buf)
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
/// `AsRef<Self>`, plus [`fd_impls!`](super::fd_impls). `$std` is the std
/// stream type.
macro_rules! stream_impls {
    ($ty:ident, $std:ty) => {
        /// Reads into the unfilled part of the `ReadBuf` without zeroing it.
        impl ::mini_rt_runtime::io::AsyncRead for $ty {
            #[inline]
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
            #[inline]
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

        impl AsRef<$ty> for $ty {
            fn as_ref(&self) -> &$ty {
                self
            }
        }

        $crate::methods::fd_impls!($ty, $std);
    };
}

pub(crate) use {stream_impls, stream_methods};
