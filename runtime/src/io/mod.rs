//! Async IO traits and utilities.
//!
//! The traits are the [`futures-io`](https://docs.rs/futures-io) ones
//! ([`AsyncRead`], [`AsyncWrite`], [`AsyncBufRead`], [`AsyncSeek`]),
//! re-exported, so every type of the futures ecosystem works unchanged. On top
//! of them this module offers tokio's vocabulary: the extension traits
//! [`AsyncReadExt`], [`AsyncWriteExt`] and [`AsyncBufReadExt`] carry tokio's
//! method names and semantics (`read_exact`, `write_all`, `shutdown`,
//! `read_line`, `lines`, …), and the helpers ([`BufReader`], [`BufWriter`],
//! [`copy`], [`copy_bidirectional`], [`split`], [`duplex`], …) mirror
//! `tokio::io`'s.
//!
//! Differences from tokio, all forced by the futures-io traits:
//! * `poll_read` fills a `&mut [u8]` rather than a `ReadBuf`, and
//!   `AsyncWrite::poll_close` plays the part of tokio's `poll_shutdown`
//!   ([`AsyncWriteExt::shutdown`] calls it).
//! * [`AsyncReadExt::read_buf`] takes a `Vec<u8>` instead of any `BufMut`.
//!
//! Every future returned by an extension method is a named type (see
//! [`futures`]) that is `Unpin` (it only holds `&mut` borrows), so it can be
//! polled by hand or put in a `select!` without pinning. None allocates per
//! call except where the result is an allocation (`lines`, `split`) or
//! needs one (`copy`'s buffer, `read_to_end`'s growth).

pub use crate::sys::{Interest, Ready};
pub use futures_io::{AsyncBufRead, AsyncRead, AsyncSeek, AsyncWrite};
pub use std::io::{Error, ErrorKind, Result};

mod buf_read_ext;
mod buf_reader;
mod buf_split;
mod buf_writer;
mod copy;
mod copy_bidirectional;
mod duplex;
mod empty;
mod lines;
mod read_ext;
mod read_int;
mod read_to_end;
mod repeat;
mod sink;
mod split;
mod take;
mod write_ext;
mod write_int;

#[cfg(test)]
mod test_support;

pub use buf_read_ext::AsyncBufReadExt;
pub use buf_reader::BufReader;
pub use buf_split::Split;
pub use buf_writer::BufWriter;
pub use copy::{copy, copy_buf};
pub use copy_bidirectional::{copy_bidirectional, copy_bidirectional_with_sizes};
pub use duplex::{duplex, DuplexStream};
pub use empty::{empty, Empty};
pub use lines::Lines;
pub use read_ext::AsyncReadExt;
pub use repeat::{repeat, Repeat};
pub use sink::{sink, Sink};
pub use split::{split, ReadHalf, WriteHalf};
pub use take::Take;
pub use write_ext::AsyncWriteExt;

pub mod futures {
    //! The future types returned by the extension traits' methods and by
    //! [`copy`](super::copy) and friends.
    //!
    //! They are nameable (for struct fields and hand-written `poll`s) but kept
    //! out of `mini_rt::io` itself, as tokio does, so that `use
    //! mini_rt::io::*` does not shadow names such as the `Copy` trait.
    pub use super::buf_read_ext::{FillBuf, ReadLine, ReadUntil};
    pub use super::buf_split::NextSegment;
    pub use super::copy::{Copy, CopyBuf};
    pub use super::copy_bidirectional::CopyBidirectional;
    pub use super::lines::NextLine;
    pub use super::read_ext::{Read, ReadBufVec, ReadExact};
    pub use super::read_int::{
        ReadF32, ReadF32Le, ReadF64, ReadF64Le, ReadI128, ReadI128Le, ReadI16, ReadI16Le, ReadI32,
        ReadI32Le, ReadI64, ReadI64Le, ReadI8, ReadU128, ReadU128Le, ReadU16, ReadU16Le, ReadU32,
        ReadU32Le, ReadU64, ReadU64Le, ReadU8,
    };
    pub use super::read_to_end::{ReadToEnd, ReadToString};
    pub use super::write_ext::{Flush, Shutdown, Write, WriteAll, WriteVectored};
    pub use super::write_int::{
        WriteF32, WriteF32Le, WriteF64, WriteF64Le, WriteI128, WriteI128Le, WriteI16, WriteI16Le,
        WriteI32, WriteI32Le, WriteI64, WriteI64Le, WriteI8, WriteU128, WriteU128Le, WriteU16,
        WriteU16Le, WriteU32, WriteU32Le, WriteU64, WriteU64Le, WriteU8,
    };
}

/// The buffer size used by [`BufReader`], [`BufWriter`] and [`copy`] unless
/// told otherwise (the same as tokio's and std's).
pub(crate) const DEFAULT_BUF_SIZE: usize = 8 * 1024;
