//! `File`'s `AsyncRead`, `AsyncWrite` and `AsyncSeek`: one job on the
//! blocking pool at a time, as tokio's.

use super::{File, Operation, State};
use crate::io::blocking::{self, Buf};
use std::cmp;
use std::io::{self, IoSlice, Seek, SeekFrom};
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use tokio::io::{AsyncRead, AsyncSeek, AsyncWrite, ReadBuf};

impl AsyncRead for File {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        dst: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let me = self.get_mut();
        let inner = me.inner.get_mut();
        loop {
            match &mut inner.state {
                State::Idle(cell) => {
                    let buf = cell.get_or_insert_with(Buf::default);
                    if !buf.is_empty() || dst.remaining() == 0 {
                        buf.copy_to(dst);
                        return Poll::Ready(Ok(()));
                    }
                    let mut buf = cell.take().expect("just filled");
                    let std = me.std.clone();
                    let max = cmp::min(dst.remaining(), me.max_buf_size);
                    inner.state = State::Busy(blocking::spawn(move || {
                        let res = buf.read_from(&mut &*std, max);
                        (Operation::Read(res), buf)
                    }));
                }
                State::Busy(_) => match ready!(inner.poll_job(cx))? {
                    Operation::Read(Ok(_)) => {
                        if let State::Idle(Some(buf)) = &mut inner.state {
                            buf.copy_to(dst);
                        }
                        return Poll::Ready(Ok(()));
                    }
                    Operation::Read(Err(e)) => return Poll::Ready(Err(e)),
                    Operation::Write(Ok(())) => {}
                    // Kept for the next write or flush; the read goes on.
                    Operation::Write(Err(e)) => inner.last_write_err = Some(e),
                    Operation::Seek(res) => {
                        if let Ok(pos) = res {
                            inner.pos = pos;
                        }
                    }
                },
            }
        }
    }
}

impl AsyncSeek for File {
    fn start_seek(self: Pin<&mut Self>, mut pos: SeekFrom) -> io::Result<()> {
        let me = self.get_mut();
        let inner = me.inner.get_mut();
        let State::Idle(cell) = &mut inner.state else {
            return Err(io::Error::other(
                "other file operation is pending, call poll_complete before start_seek",
            ));
        };
        let mut buf = cell.take().unwrap_or_default();
        // Bytes read ahead and not taken: the caller's position is behind
        // the file's by that much.
        let mut extra = None;
        if !buf.is_empty() {
            let back = buf.discard_read();
            if let SeekFrom::Current(offset) = &mut pos {
                match offset.checked_add(back) {
                    Some(sum) => *offset = sum,
                    None => extra = Some(SeekFrom::Current(back)),
                }
            }
        }
        let std = me.std.clone();
        inner.state = State::Busy(blocking::spawn(move || {
            let res = match extra {
                Some(extra) => (&*std).seek(extra).and_then(|_| (&*std).seek(pos)),
                None => (&*std).seek(pos),
            };
            (Operation::Seek(res), buf)
        }));
        Ok(())
    }

    fn poll_complete(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        let inner = self.get_mut().inner.get_mut();
        loop {
            if let State::Idle(_) = inner.state {
                return Poll::Ready(Ok(inner.pos));
            }
            match ready!(inner.poll_job(cx))? {
                Operation::Read(_) | Operation::Write(Ok(())) => {}
                Operation::Write(Err(e)) => inner.last_write_err = Some(e),
                Operation::Seek(res) => {
                    if let Ok(pos) = res {
                        inner.pos = pos;
                    }
                    return Poll::Ready(res);
                }
            }
        }
    }
}

impl File {
    /// A write: waits for the operation in flight (returning a write error
    /// it had), copies bytes with `fill` and hands them to a pool thread.
    /// The job is mandatory: accepted bytes are written even if the `File`
    /// is dropped at once.
    fn poll_write_with(
        &mut self,
        cx: &mut Context<'_>,
        fill: impl FnOnce(&mut Buf, usize) -> usize,
    ) -> Poll<io::Result<usize>> {
        let inner = self.inner.get_mut();
        if let Some(e) = inner.last_write_err.take() {
            return Poll::Ready(Err(e));
        }
        loop {
            match &mut inner.state {
                State::Idle(cell) => {
                    let mut buf = cell.take().unwrap_or_default();
                    // Give back bytes read ahead, so the write lands where
                    // the caller believes the position is.
                    let seek = (!buf.is_empty()).then(|| SeekFrom::Current(buf.discard_read()));
                    let n = fill(&mut buf, self.max_buf_size);
                    let std = self.std.clone();
                    inner.state = State::Busy(blocking::spawn_mandatory(move || {
                        let res = match seek {
                            Some(seek) => (&*std).seek(seek).map(drop),
                            None => Ok(()),
                        };
                        let res = res.and_then(|()| buf.write_to(&mut &*std));
                        (Operation::Write(res), buf)
                    }));
                    return Poll::Ready(Ok(n));
                }
                State::Busy(_) => match ready!(inner.poll_job(cx))? {
                    Operation::Write(res) => res?,
                    Operation::Read(_) | Operation::Seek(_) => {}
                },
            }
        }
    }
}

impl AsyncWrite for File {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        src: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.get_mut()
            .poll_write_with(cx, |buf, max| buf.copy_from(src, max))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.get_mut()
            .poll_write_with(cx, |buf, max| buf.copy_from_bufs(bufs, max))
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_mut().inner.get_mut().poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.poll_flush(cx)
    }
}
