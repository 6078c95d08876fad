//! Async IO: tokio's traits and utilities, plus mini_rt's readiness types.
//!
//! The traits ([`AsyncRead`], [`AsyncWrite`], [`AsyncBufRead`],
//! [`AsyncSeek`]), their extension traits ([`AsyncReadExt`],
//! [`AsyncWriteExt`], [`AsyncBufReadExt`], [`AsyncSeekExt`]), [`ReadBuf`] and
//! the utilities ([`BufReader`], [`BufWriter`], [`BufStream`], [`copy`],
//! [`copy_bidirectional`], [`split`], [`duplex`], [`simplex`], [`join`], …)
//! **are tokio's**, re-exported from tokio's runtime-free `io-util` feature:
//! no tokio runtime, reactor or timer comes with them. So every crate written
//! against `tokio::io` (tokio-util's codecs and `compat`, hyper-util's
//! `TokioIo`, tokio-rustls, …) takes mini_rt's sockets unchanged, and
//! `use futures::prelude::*;` beside [`AsyncReadExt`]/[`AsyncWriteExt`]
//! compiles as it does with tokio (the futures-io traits are different
//! traits; bridge to them with `tokio_util::compat`, as with tokio).
//!
//! mini_rt's sockets read into a [`ReadBuf`]'s unfilled part without zeroing
//! it, and take vectored writes (`is_write_vectored()` is `true`).
//!
//! mini_rt's own items here are [`Interest`] and [`Ready`] (tokio only has
//! them with its `net` feature, i.e. its reactor), and the standard streams
//! [`stdin`], [`stdout`] and [`stderr`], which run on the blocking pool as
//! tokio's do.

pub(crate) mod blocking;
mod stdio;

pub use stdio::{stderr, stdin, stdout, Stderr, Stdin, Stdout};

pub use crate::sys::{Interest, Ready};
pub use std::io::{Error, ErrorKind, Result, SeekFrom};
pub use tokio::io::{
    copy, copy_bidirectional, copy_bidirectional_with_sizes, copy_buf, duplex, empty, join, repeat,
    simplex, sink, split, AsyncBufRead, AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncSeek,
    AsyncSeekExt, AsyncWrite, AsyncWriteExt, BufReader, BufStream, BufWriter, Chain, DuplexStream,
    Empty, Join, Lines, ReadBuf, ReadHalf, Repeat, SimplexStream, Sink, Split, Take, WriteHalf,
};
