//! The split halves of a connected stream, written once for `TcpStream` and
//! `UnixStream`: borrowed (`ReadHalf`, `WriteHalf`, from `split`) and owned
//! (`OwnedReadHalf`, `OwnedWriteHalf`, from `into_split`), as tokio's.
//!
//! A stream can be read and written at once without locks: the reactor keeps
//! separate reader and writer wakers per socket, and every operation takes
//! `&Stream`.

/// A doc example of the half types: `split/start.md`, then `$connect`, then
/// `split/<$body>.md`.
macro_rules! example {
    ($connect:literal, $body:literal) => {
        concat!(
            include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/split/start.md")),
            $connect,
            include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/src/split/",
                $body,
                ".md"
            )),
        )
    };
}
pub(crate) use example;

/// Defines, in the invoking module, the four half types of `$stream` (whose
/// addresses are `$addr`), `ReuniteError`, and the crate-private `split` and
/// `split_owned` that the stream's `split` / `into_split` call.
///
/// The types' doc examples are `split/*.md` with `$connect` in between:
/// Rust lines that bring `$stream` into scope and bind `stream` and `peer`,
/// the two ends of one connection (in an async block returning
/// `io::Result<()>`).
macro_rules! split_halves {
    ($stream:ident, $addr:ty, $connect:literal) => {
        #[doc = concat!("The read half of a [`", stringify!($stream), "`], borrowed from [`",
            stringify!($stream), "::split`].")]
        #[doc = ""]
        #[doc = $crate::split::example!($connect, "borrowed")]
        #[derive(Debug)]
        pub struct ReadHalf<'a>(&'a $stream);

        #[doc = concat!("The write half of a [`", stringify!($stream), "`], borrowed from [`",
            stringify!($stream), "::split`]. `poll_shutdown` shuts down the write side of the \
            whole stream.")]
        #[doc = ""]
        #[doc = $crate::split::example!($connect, "borrowed")]
        #[derive(Debug)]
        pub struct WriteHalf<'a>(&'a $stream);

        #[doc = concat!("The read half of a [`", stringify!($stream), "`], owned, from [`",
            stringify!($stream), "::into_split`].")]
        #[doc = ""]
        #[doc = $crate::split::example!($connect, "owned")]
        #[derive(Debug)]
        pub struct OwnedReadHalf {
            inner: ::std::sync::Arc<$stream>,
        }

        #[doc = concat!("The write half of a [`", stringify!($stream), "`], owned, from [`",
            stringify!($stream), "::into_split`].\n\nDropping it shuts down the write side (the \
            peer reads EOF), as tokio's does, unless it was \
            [`forget`](OwnedWriteHalf::forget)-ed.")]
        #[doc = ""]
        #[doc = $crate::split::example!($connect, "owned")]
        #[derive(Debug)]
        pub struct OwnedWriteHalf {
            inner: ::std::sync::Arc<$stream>,
            shutdown_on_drop: bool,
        }

        /// The halves passed to `reunite` came from different streams; both
        /// are given back.
        ///
        #[doc = $crate::split::example!($connect, "reunite")]
        #[derive(Debug)]
        pub struct ReuniteError(pub OwnedReadHalf, pub OwnedWriteHalf);

        impl ::std::fmt::Display for ReuniteError {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str("tried to reunite halves that are not from the same socket")
            }
        }

        impl ::std::error::Error for ReuniteError {}

        pub(crate) fn split(stream: &mut $stream) -> (ReadHalf<'_>, WriteHalf<'_>) {
            (ReadHalf(stream), WriteHalf(stream))
        }

        pub(crate) fn split_owned(stream: $stream) -> (OwnedReadHalf, OwnedWriteHalf) {
            let inner = ::std::sync::Arc::new(stream);
            let write = OwnedWriteHalf {
                inner: inner.clone(),
                shutdown_on_drop: true,
            };
            (OwnedReadHalf { inner }, write)
        }

        $crate::split::split_halves!(@common $stream, $addr,
            ReadHalf<'_>, WriteHalf<'_>, OwnedReadHalf, OwnedWriteHalf);
        $crate::split::split_halves!(@reader $stream, ReadHalf<'_>, OwnedReadHalf);
        $crate::split::split_halves!(@writer $stream, WriteHalf<'_>, OwnedWriteHalf);

        impl ReadHalf<'_> {
            fn stream(&self) -> &$stream {
                self.0
            }
        }

        impl WriteHalf<'_> {
            fn stream(&self) -> &$stream {
                self.0
            }

            fn close(&mut self) -> ::std::io::Result<()> {
                self.0.shutdown_std(::std::net::Shutdown::Write)
            }
        }

        impl OwnedReadHalf {
            fn stream(&self) -> &$stream {
                &self.inner
            }

            #[doc = concat!("Rejoins the halves into the original [`", stringify!($stream),
                "`]; a [`ReuniteError`] (holding both halves back) if they came from \
                different streams.")]
            pub fn reunite(self, other: OwnedWriteHalf) -> Result<$stream, ReuniteError> {
                if !::std::sync::Arc::ptr_eq(&self.inner, &other.inner) {
                    return Err(ReuniteError(self, other));
                }
                other.forget();
                Ok(::std::sync::Arc::into_inner(self.inner)
                    .expect("the two halves were the only owners"))
            }
        }

        impl OwnedWriteHalf {
            fn stream(&self) -> &$stream {
                &self.inner
            }

            fn close(&mut self) -> ::std::io::Result<()> {
                let res = self.inner.shutdown_std(::std::net::Shutdown::Write);
                if res.is_ok() {
                    self.shutdown_on_drop = false;
                }
                res
            }

            /// Rejoins the halves; see [`OwnedReadHalf::reunite`].
            pub fn reunite(self, other: OwnedReadHalf) -> Result<$stream, ReuniteError> {
                other.reunite(self)
            }

            /// Drops this half *without* shutting down the write side.
            pub fn forget(mut self) {
                self.shutdown_on_drop = false;
                drop(self);
            }
        }

        impl Drop for OwnedWriteHalf {
            fn drop(&mut self) {
                if self.shutdown_on_drop {
                    let _ = self.inner.shutdown_std(::std::net::Shutdown::Write);
                }
            }
        }
    };

    // Every half: addresses, readiness, `AsRef<Stream>`.
    (@common $stream:ident, $addr:ty, $($ty:ty),*) => {$(
        impl $ty {
            /// The local address of the connection.
            pub fn local_addr(&self) -> ::std::io::Result<$addr> {
                self.stream().local_addr()
            }

            /// The remote address of the connection.
            pub fn peer_addr(&self) -> ::std::io::Result<$addr> {
                self.stream().peer_addr()
            }

            #[doc = concat!("Waits for any readiness in `interest`; see [`",
                stringify!($stream), "::ready`].")]
            pub async fn ready(
                &self,
                interest: ::mini_rt_runtime::io::Interest,
            ) -> ::std::io::Result<::mini_rt_runtime::io::Ready> {
                self.stream().ready(interest).await
            }
        }

        impl AsRef<$stream> for $ty {
            fn as_ref(&self) -> &$stream {
                self.stream()
            }
        }
    )*};

    // Read halves.
    (@reader $stream:ident, $($ty:ty),*) => {$(
        impl $ty {
            #[doc = concat!("Waits until the stream is readable; see [`",
                stringify!($stream), "::readable`].")]
            pub async fn readable(&self) -> ::std::io::Result<()> {
                self.stream().readable().await
            }

            #[doc = concat!("Reads without waiting; see [`", stringify!($stream),
                "::try_read`].")]
            pub fn try_read(&self, buf: &mut [u8]) -> ::std::io::Result<usize> {
                self.stream().try_read(buf)
            }

            #[doc = concat!("Vectored read without waiting; see [`", stringify!($stream),
                "::try_read_vectored`].")]
            pub fn try_read_vectored(
                &self,
                bufs: &mut [::std::io::IoSliceMut<'_>],
            ) -> ::std::io::Result<usize> {
                self.stream().try_read_vectored(bufs)
            }

            #[doc = concat!("Reads into a `BufMut` without waiting; see [`",
                stringify!($stream), "::try_read_buf`].")]
            pub fn try_read_buf<B: ::bytes::BufMut>(&self, buf: &mut B) -> ::std::io::Result<usize> {
                self.stream().try_read_buf(buf)
            }
        }

        impl ::mini_rt_runtime::io::AsyncRead for $ty {
            #[inline]
            fn poll_read(
                self: ::std::pin::Pin<&mut Self>,
                cx: &mut ::std::task::Context<'_>,
                buf: &mut ::mini_rt_runtime::io::ReadBuf<'_>,
            ) -> ::std::task::Poll<::std::io::Result<()>> {
                self.stream().poll_read_priv(cx, buf)
            }
        }
    )*};

    // Write halves; `poll_shutdown` shuts the stream's write side down.
    (@writer $stream:ident, $($ty:ty),*) => {$(
        impl $ty {
            #[doc = concat!("Waits until the stream is writable; see [`",
                stringify!($stream), "::writable`].")]
            pub async fn writable(&self) -> ::std::io::Result<()> {
                self.stream().writable().await
            }

            #[doc = concat!("Writes without waiting; see [`", stringify!($stream),
                "::try_write`].")]
            pub fn try_write(&self, buf: &[u8]) -> ::std::io::Result<usize> {
                self.stream().try_write(buf)
            }

            #[doc = concat!("Vectored write without waiting; see [`", stringify!($stream),
                "::try_write_vectored`].")]
            pub fn try_write_vectored(
                &self,
                bufs: &[::std::io::IoSlice<'_>],
            ) -> ::std::io::Result<usize> {
                self.stream().try_write_vectored(bufs)
            }
        }

        impl ::mini_rt_runtime::io::AsyncWrite for $ty {
            #[inline]
            fn poll_write(
                self: ::std::pin::Pin<&mut Self>,
                cx: &mut ::std::task::Context<'_>,
                buf: &[u8],
            ) -> ::std::task::Poll<::std::io::Result<usize>> {
                self.stream().poll_write_priv(cx, buf)
            }

            fn poll_write_vectored(
                self: ::std::pin::Pin<&mut Self>,
                cx: &mut ::std::task::Context<'_>,
                bufs: &[::std::io::IoSlice<'_>],
            ) -> ::std::task::Poll<::std::io::Result<usize>> {
                self.stream().poll_write_vectored_priv(cx, bufs)
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

            /// Shuts down the stream's write side; dropping an owned write
            /// half afterwards does nothing more.
            fn poll_shutdown(
                self: ::std::pin::Pin<&mut Self>,
                _cx: &mut ::std::task::Context<'_>,
            ) -> ::std::task::Poll<::std::io::Result<()>> {
                ::std::task::Poll::Ready(self.get_mut().close())
            }
        }
    )*};
}

pub(crate) use split_halves;
