//! `mini_rt::fs::File`: reads and writes through the blocking pool, tokio's
//! write buffering (a write returns once its bytes are taken; the error of
//! the background write comes back at flush or at the next operation),
//! seeks and writes after a cancelled read land where the caller believes
//! the position is, and the std conversions.
//!
//! The runtime comes from `MINI_RT_BACKEND` (the suite runs once per backend).

mod support;

use mini_rt::fs::{File, FileTimes, OpenOptions};
use mini_rt::io::{AsyncRead, AsyncReadExt, AsyncSeekExt, AsyncWriteExt, ReadBuf, SeekFrom};
use std::future::poll_fn;
use std::io::IoSlice;
use std::pin::Pin;
use std::task::Poll;
use std::time::{Duration, Instant, SystemTime};
use support::{bounded, TempDir};

/// A file opened for reading and writing, holding `contents`.
async fn read_write(dir: &TempDir, contents: &[u8]) -> File {
    let path = dir.path("file");
    std::fs::write(&path, contents).unwrap();
    let mut opts = OpenOptions::new();
    opts.read(true).write(true);
    bounded(5, opts.open(&path)).await.unwrap()
}

#[mini_rt::test]
async fn writes_are_readable_after_flush() {
    let dir = TempDir::new("file");
    let path = dir.path("big");
    // Bigger than one buffer (2 MiB): several background writes.
    let data: Vec<u8> = (0..5 * 1024 * 1024u32).map(|i| (i % 251) as u8).collect();
    let mut file = bounded(5, File::create(&path)).await.unwrap();
    bounded(10, file.write_all(&data)).await.unwrap();
    bounded(5, file.flush()).await.unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), data);

    let mut file = bounded(5, File::open(&path)).await.unwrap();
    let mut back = Vec::new();
    bounded(10, file.read_to_end(&mut back)).await.unwrap();
    assert_eq!(back, data);
}

#[mini_rt::test]
async fn small_max_buf_size_still_moves_everything() {
    let dir = TempDir::new("file");
    let mut file = read_write(&dir, b"").await;
    file.set_max_buf_size(7);
    assert_eq!(file.max_buf_size(), 7);
    let text = b"a string longer than seven bytes";
    // Each write takes at most 7 bytes.
    assert_eq!(bounded(5, file.write(text)).await.unwrap(), 7);
    bounded(5, file.write_all(&text[7..])).await.unwrap();
    bounded(5, file.rewind()).await.unwrap();
    let mut back = Vec::new();
    bounded(5, file.read_to_end(&mut back)).await.unwrap();
    assert_eq!(back, text);
}

#[mini_rt::test]
async fn vectored_writes_take_every_slice() {
    let dir = TempDir::new("file");
    let mut file = read_write(&dir, b"").await;
    let bufs = [IoSlice::new(b"ab"), IoSlice::new(b""), IoSlice::new(b"cde")];
    assert_eq!(bounded(5, file.write_vectored(&bufs)).await.unwrap(), 5);
    bounded(5, file.flush()).await.unwrap();
    assert_eq!(std::fs::read(dir.path("file")).unwrap(), b"abcde");
}

/// A write to a read-only file is accepted (its bytes are buffered) and
/// fails in the background: flush reports the OS error.
#[mini_rt::test]
async fn write_error_surfaces_at_flush() {
    let dir = TempDir::new("file");
    std::fs::write(dir.path("ro"), b"content").unwrap();
    let mut file = bounded(5, File::open(dir.path("ro"))).await.unwrap();
    assert_eq!(bounded(5, file.write(b"x")).await.unwrap(), 1);
    let err = bounded(5, file.flush()).await.unwrap_err();
    assert_eq!(err.raw_os_error(), Some(libc::EBADF));
    // Reported once: the file is usable again.
    bounded(5, file.flush()).await.unwrap();
}

#[mini_rt::test]
async fn write_error_surfaces_at_the_next_write() {
    let dir = TempDir::new("file");
    std::fs::write(dir.path("ro"), b"content").unwrap();
    let mut file = bounded(5, File::open(dir.path("ro"))).await.unwrap();
    assert_eq!(bounded(5, file.write(b"x")).await.unwrap(), 1);
    let err = bounded(5, file.write(b"y")).await.unwrap_err();
    assert_eq!(err.raw_os_error(), Some(libc::EBADF));
}

/// A read after a failed background write still reads; the write's error
/// is kept for the next flush.
#[mini_rt::test]
async fn write_error_survives_a_read_until_flush() {
    let dir = TempDir::new("file");
    std::fs::write(dir.path("ro"), b"content").unwrap();
    let mut file = bounded(5, File::open(dir.path("ro"))).await.unwrap();
    bounded(5, file.write(b"x")).await.unwrap();
    let mut buf = [0u8; 4];
    bounded(5, file.read_exact(&mut buf)).await.unwrap();
    assert_eq!(&buf, b"cont");
    let err = bounded(5, file.flush()).await.unwrap_err();
    assert_eq!(err.raw_os_error(), Some(libc::EBADF));
}

#[mini_rt::test]
async fn seeks_from_start_current_and_end() {
    let dir = TempDir::new("file");
    let mut file = read_write(&dir, b"0123456789").await;
    assert_eq!(bounded(5, file.seek(SeekFrom::Start(3))).await.unwrap(), 3);
    let mut two = [0u8; 2];
    bounded(5, file.read_exact(&mut two)).await.unwrap();
    assert_eq!(&two, b"34");
    assert_eq!(
        bounded(5, file.seek(SeekFrom::Current(1))).await.unwrap(),
        6
    );
    assert_eq!(bounded(5, file.seek(SeekFrom::End(-2))).await.unwrap(), 8);
    bounded(5, file.read_exact(&mut two)).await.unwrap();
    assert_eq!(&two, b"89");
    // A write after a seek lands there.
    bounded(5, file.seek(SeekFrom::Start(1))).await.unwrap();
    bounded(5, file.write_all(b"ab")).await.unwrap();
    bounded(5, file.flush()).await.unwrap();
    assert_eq!(std::fs::read(dir.path("file")).unwrap(), b"0ab3456789");
}

/// Polls one read into a 3-byte buffer once (it goes to the pool and is
/// pending) and abandons it, as a cancelled `read` future does.
async fn start_and_cancel_read(file: &mut File) {
    poll_fn(|cx| {
        let mut storage = [0u8; 3];
        let mut buf = ReadBuf::new(&mut storage);
        let first = Pin::new(&mut *file).poll_read(cx, &mut buf);
        assert!(first.is_pending(), "a file read goes through the pool");
        Poll::Ready(())
    })
    .await
}

#[mini_rt::test]
async fn write_after_cancelled_read_lands_at_the_callers_position() {
    let dir = TempDir::new("file");
    let mut file = read_write(&dir, b"abcdef").await;
    start_and_cancel_read(&mut file).await;
    // The read fetched "abc" in the background; the caller never took it.
    bounded(5, file.write_all(b"XY")).await.unwrap();
    bounded(5, file.flush()).await.unwrap();
    assert_eq!(std::fs::read(dir.path("file")).unwrap(), b"XYcdef");
}

#[mini_rt::test]
async fn seek_after_cancelled_read_counts_from_the_callers_position() {
    let dir = TempDir::new("file");
    let mut file = read_write(&dir, b"abcdef").await;
    start_and_cancel_read(&mut file).await;
    assert_eq!(bounded(5, file.stream_position()).await.unwrap(), 0);
    assert_eq!(
        bounded(5, file.seek(SeekFrom::Current(1))).await.unwrap(),
        1
    );
    let mut rest = String::new();
    bounded(5, file.read_to_string(&mut rest)).await.unwrap();
    assert_eq!(rest, "bcdef");
}

#[mini_rt::test]
async fn cancelled_read_is_handed_to_the_next_read() {
    let dir = TempDir::new("file");
    let mut file = read_write(&dir, b"abcdef").await;
    start_and_cancel_read(&mut file).await;
    let mut all = String::new();
    bounded(5, file.read_to_string(&mut all)).await.unwrap();
    assert_eq!(all, "abcdef");
}

#[mini_rt::test]
async fn set_len_sync_and_metadata() {
    let dir = TempDir::new("file");
    let mut file = read_write(&dir, b"").await;
    bounded(5, file.write_all(b"0123456789")).await.unwrap();
    // set_len and the syncs wait for the write in flight first.
    bounded(5, file.set_len(4)).await.unwrap();
    assert_eq!(bounded(5, file.metadata()).await.unwrap().len(), 4);
    bounded(5, file.set_len(6)).await.unwrap();
    bounded(5, file.sync_all()).await.unwrap();
    bounded(5, file.sync_data()).await.unwrap();
    assert_eq!(std::fs::read(dir.path("file")).unwrap(), b"0123\0\0");
    // The position stayed after the write.
    assert_eq!(bounded(5, file.stream_position()).await.unwrap(), 10);
}

#[mini_rt::test]
async fn set_permissions_and_times_on_an_open_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TempDir::new("file");
    let file = read_write(&dir, b"x").await;
    let perm = std::fs::Permissions::from_mode(0o640);
    bounded(5, file.set_permissions(perm)).await.unwrap();
    let when = SystemTime::UNIX_EPOCH + Duration::from_secs(1_234_567_890);
    bounded(5, file.set_times(FileTimes::new().set_accessed(when)))
        .await
        .unwrap();
    bounded(5, file.set_modified(when)).await.unwrap();
    let meta = std::fs::metadata(dir.path("file")).unwrap();
    assert_eq!(meta.permissions().mode() & 0o777, 0o640);
    assert_eq!(meta.modified().unwrap(), when);
    assert_eq!(meta.accessed().unwrap(), when);
}

#[mini_rt::test]
async fn std_conversions_and_try_clone() {
    use std::io::{Read, Seek};
    let dir = TempDir::new("file");
    let std = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(dir.path("file"))
        .unwrap();
    let mut file = File::from_std(std);
    bounded(5, file.write_all(b"hello")).await.unwrap();
    bounded(5, file.flush()).await.unwrap();
    let clone = bounded(5, file.try_clone()).await.unwrap();
    let mut std = file.try_into_std().expect("nothing in flight after flush");
    std.rewind().unwrap();
    let mut back = String::new();
    std.read_to_string(&mut back).unwrap();
    assert_eq!(back, "hello");
    // The clone shares the position (std moved it to the end).
    let mut clone_std = bounded(5, clone.into_std()).await;
    assert_eq!(clone_std.stream_position().unwrap(), 5);
}

/// tokio's writes are mandatory blocking jobs: one the caller was told is
/// done still happens when the runtime shuts down before a pool thread
/// picked it up (the pool keeps it through shutdown).
#[test]
fn accepted_write_survives_runtime_shutdown() {
    let dir = TempDir::new("file");
    let path = dir.path("f");
    let std = std::fs::File::create(&path).unwrap();
    let rt = mini_rt::runtime::Builder::new_current_thread()
        .enable_all()
        .max_blocking_threads(1)
        .build()
        .unwrap();
    let (started_tx, started_rx) = std::sync::mpsc::channel();
    let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
    rt.block_on(async {
        // Hold the pool's one thread, so the write waits in the queue.
        drop(mini_rt::task::spawn_blocking(move || {
            started_tx.send(()).unwrap();
            let _ = release_rx.recv_timeout(Duration::from_secs(10));
        }));
        started_rx.recv_timeout(Duration::from_secs(5)).unwrap();
        let mut file = File::from_std(std);
        file.write_all(b"data").await.unwrap();
    });
    drop(rt);
    assert_eq!(
        std::fs::read(&path).unwrap(),
        b"",
        "the write ran too early"
    );
    release_tx.send(()).unwrap();
    // Nothing reports the pool's progress after shutdown: check until a
    // deadline.
    let deadline = Instant::now() + Duration::from_secs(5);
    while std::fs::read(&path).unwrap() != b"data" {
        assert!(Instant::now() < deadline, "the accepted write was lost");
        std::thread::sleep(Duration::from_millis(5));
    }
}
