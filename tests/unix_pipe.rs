//! `mini_rt::net::unix::pipe`: anonymous pipes and FIFOs on the reactor, as
//! tokio's. Each test runs on every backend; every wait is bounded.

mod support;

use mini_rt::io::{AsyncReadExt, AsyncWriteExt, Interest};
use mini_rt::net::unix::pipe::{self, OpenOptions, Receiver, Sender};
use std::future::poll_fn;
use std::io::{self, ErrorKind, IoSlice, IoSliceMut, Read, Write};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::task::{Context, Waker};
use support::{bounded, on_each_backend, TempDir};

fn would_block<T: std::fmt::Debug>(res: io::Result<T>) -> bool {
    matches!(res, Err(e) if e.kind() == ErrorKind::WouldBlock)
}

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: `c` is a NUL-terminated path that lives across the call.
    let rc = unsafe { libc::mkfifo(c.as_ptr(), 0o600) };
    assert_eq!(rc, 0, "mkfifo: {}", io::Error::last_os_error());
}

fn is_nonblocking(fd: BorrowedFd<'_>) -> bool {
    // SAFETY: F_GETFL only reads the flags of the live fd `fd`.
    let flags = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_GETFL) };
    assert!(flags >= 0);
    flags & libc::O_NONBLOCK != 0
}

#[test]
fn pipe_carries_bytes_and_ends_when_the_sender_drops() {
    on_each_backend(|| async {
        let (mut tx, mut rx) = pipe::pipe()?;
        let data: Vec<u8> = (0..200_000u32).map(|i| i as u8).collect();
        let writer = async {
            tx.write_all(&data).await?;
            drop(tx);
            io::Result::Ok(())
        };
        let mut got = Vec::new();
        let (w, r) = bounded(10, async {
            mini_rt::join!(writer, rx.read_to_end(&mut got))
        })
        .await;
        w?;
        assert_eq!(r?, data.len());
        assert_eq!(got, data);
        Ok(())
    });
}

#[test]
fn try_read_write_vectored_and_buf() {
    on_each_backend(|| async {
        let (tx, rx) = pipe::pipe()?;
        assert!(would_block(rx.try_read(&mut [0u8; 4])));
        bounded(5, tx.writable()).await?;
        assert_eq!(tx.try_write(b"one")?, 3);
        assert_eq!(
            tx.try_write_vectored(&[IoSlice::new(b"tw"), IoSlice::new(b"o")])?,
            3
        );
        bounded(5, rx.readable()).await?;
        let (mut a, mut b) = ([0u8; 2], [0u8; 2]);
        assert_eq!(
            rx.try_read_vectored(&mut [IoSliceMut::new(&mut a), IoSliceMut::new(&mut b)])?,
            4
        );
        assert_eq!((&a, &b), (b"on", b"et"));
        let mut rest = Vec::with_capacity(8);
        assert_eq!(rx.try_read_buf(&mut rest)?, 2);
        assert_eq!(rest, b"wo");
        assert!(would_block(rx.try_read(&mut [0u8; 4])));
        drop(tx);
        bounded(5, rx.readable()).await?;
        assert_eq!(rx.try_read(&mut [0u8; 4])?, 0, "every writer is gone");
        Ok(())
    });
}

#[test]
fn poll_ready_ready_and_try_io() {
    on_each_backend(|| async {
        let (tx, rx) = pipe::pipe()?;
        let std_rx = std::fs::File::from(rx.as_fd().try_clone_to_owned()?);
        let std_tx = std::fs::File::from(tx.as_fd().try_clone_to_owned()?);
        let mut buf = [0u8; 8];
        assert!(would_block(rx.try_io(|| (&std_rx).read(&mut buf))));
        let mut noop = Context::from_waker(Waker::noop());
        assert!(rx.poll_read_ready(&mut noop).is_pending());
        bounded(5, poll_fn(|cx| tx.poll_write_ready(cx))).await?;
        assert!(tx.ready(Interest::WRITABLE).await?.is_writable());
        assert_eq!(tx.try_io(|| (&std_tx).write(b"io"))?, 2);
        bounded(5, poll_fn(|cx| rx.poll_read_ready(cx))).await?;
        assert!(rx.ready(Interest::READABLE).await?.is_readable());
        assert_eq!(rx.try_io(|| (&std_rx).read(&mut buf))?, 2);
        assert_eq!(&buf[..2], b"io");
        Ok(())
    });
}

#[test]
fn writing_with_the_reader_gone_is_broken_pipe() {
    on_each_backend(|| async {
        let (mut tx, rx) = pipe::pipe()?;
        drop(rx);
        let err = bounded(5, tx.write_all(b"nobody")).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::BrokenPipe, "{err}");
        Ok(())
    });
}

#[test]
fn fifo_open_options() {
    on_each_backend(|| async {
        let dir = TempDir::new("fifo");
        let path = dir.path("fifo");
        mkfifo(&path);
        // No reader yet: a write-only open fails at once (non-blocking).
        let err = OpenOptions::new().open_sender(&path).unwrap_err();
        assert_eq!(err.raw_os_error(), Some(libc::ENXIO), "{err}");
        let mut rx = OpenOptions::new().open_receiver(&path)?;
        let mut tx = OpenOptions::new().open_sender(&path)?;
        tx.write_all(b"fifo").await?;
        drop(tx);
        let mut got = Vec::new();
        bounded(5, rx.read_to_end(&mut got)).await?;
        assert_eq!(got, b"fifo");
        // read_write: a sender needs no reader (it is one); what it writes
        // waits in the FIFO for the receiver opened later.
        let mut tx = OpenOptions::new().read_write(true).open_sender(&path)?;
        bounded(5, tx.write_all(b"rw")).await?;
        let mut rx = OpenOptions::new().open_receiver(&path)?;
        let mut got = [0u8; 2];
        bounded(5, rx.read_exact(&mut got)).await?;
        assert_eq!(&got, b"rw");
        // Anything else than a FIFO is refused unless unchecked.
        let file = dir.path("plain");
        std::fs::write(&file, b"x")?;
        let err = OpenOptions::new().open_receiver(&file).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
        Ok(())
    });
}

#[test]
fn from_owned_fd_checks_kind_and_access_mode() {
    on_each_backend(|| async {
        let (tx, rx) = pipe::pipe()?;
        let (w, r): (OwnedFd, OwnedFd) = (tx.into_blocking_fd()?, rx.into_blocking_fd()?);
        assert!(!is_nonblocking(w.as_fd()) && !is_nonblocking(r.as_fd()));
        // The wrong end for the role.
        let err = Sender::from_owned_fd(r.try_clone()?).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
        let err = Receiver::from_owned_fd(w.try_clone()?).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
        // Not a pipe at all.
        let dir = TempDir::new("notpipe");
        std::fs::write(dir.path("f"), b"x")?;
        let err = Receiver::from_file(std::fs::File::open(dir.path("f"))?).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
        // The right ends work again, switched back to non-blocking.
        let (mut tx, mut rx) = (Sender::from_owned_fd(w)?, Receiver::from_file(r.into())?);
        assert!(is_nonblocking(tx.as_fd()) && is_nonblocking(rx.as_fd()));
        tx.write_all(b"again").await?;
        let mut got = [0u8; 5];
        bounded(5, rx.read_exact(&mut got)).await?;
        assert_eq!(&got, b"again");
        let fd = rx.into_nonblocking_fd()?;
        assert!(is_nonblocking(fd.as_fd()));
        Ok(())
    });
}
