//! Integration tests for `mini_rt::net::{UnixListener, UnixStream}` (datagram
//! IO is in `unix_datagram.rs`). Each test runs on every backend that is
//! built; every wait is bounded by `timeout`; socket files live in a unique
//! temp directory that is removed at the end.

mod support;

use mini_rt::io::{AsyncReadExt, AsyncWriteExt};
use mini_rt::net::unix::{OwnedReadHalf, OwnedWriteHalf, ReadHalf, UCred, WriteHalf};
use mini_rt::net::{UnixDatagram, UnixListener, UnixStream};
use mini_rt::sync::mpsc;
use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use support::{on_each_backend, unique, TempDir};

async fn read_all(r: &mut (impl AsyncReadExt + Unpin)) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    r.read_to_end(&mut out).await?;
    Ok(out)
}

/// Echoes everything read from `s` back until EOF, then closes.
async fn echo(mut s: UnixStream) -> io::Result<usize> {
    let (mut buf, mut total) = ([0u8; 4096], 0);
    loop {
        let n = s.read(&mut buf).await?;
        if n == 0 {
            s.shutdown().await?;
            return Ok(total);
        }
        s.write_all(&buf[..n]).await?;
        total += n;
    }
}

#[test]
fn every_type_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<UnixListener>();
    check::<UnixStream>();
    check::<UnixDatagram>();
    check::<OwnedReadHalf>();
    check::<OwnedWriteHalf>();
    check::<ReadHalf<'static>>();
    check::<WriteHalf<'static>>();
    check::<UCred>();
}

#[test]
fn stream_echo_through_a_listener() {
    on_each_backend(|| async {
        let dir = TempDir::new("echo");
        let path = dir.path("echo.sock");
        let listener = UnixListener::bind(&path)?;
        assert_eq!(listener.local_addr()?.as_pathname(), Some(path.as_path()));
        let server = mini_rt::spawn(async move {
            let (stream, peer) = listener.accept().await?;
            assert!(peer.is_unnamed());
            echo(stream).await
        });
        let mut client = UnixStream::connect(&path).await?;
        assert_eq!(client.peer_addr()?.as_pathname(), Some(path.as_path()));
        let msg: Vec<u8> = (0..200_000u32).map(|i| i as u8).collect();
        // Write and read concurrently, or a large echo fills both buffers.
        let (mut rd, mut wr) = client.split();
        let writer = async {
            wr.write_all(&msg).await?;
            wr.shutdown().await
        };
        let (written, echoed) = mini_rt::join!(writer, read_all(&mut rd));
        written?;
        assert!(echoed? == msg, "echo differs");
        assert_eq!(server.await.unwrap()?, msg.len());
        Ok(())
    });
}

#[test]
fn stream_pair_try_read_and_try_write() {
    on_each_backend(|| async {
        let (a, mut b) = UnixStream::pair()?;
        assert!(a.local_addr()?.is_unnamed() && a.peer_addr()?.is_unnamed());
        let mut buf = [0u8; 16];
        assert_eq!(
            b.try_read(&mut buf).unwrap_err().kind(),
            io::ErrorKind::WouldBlock
        );
        let n = loop {
            a.writable().await?;
            match a.try_write(b"pair") {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                res => break res?,
            }
        };
        assert_eq!(n, 4);
        let n = loop {
            b.readable().await?;
            match b.try_read(&mut buf) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                res => break res?,
            }
        };
        assert_eq!(&buf[..n], b"pair");
        drop(a);
        assert_eq!(b.read(&mut buf).await?, 0, "EOF once the peer is gone");
        Ok(())
    });
}

#[test]
fn binding_an_existing_path_is_addr_in_use() {
    on_each_backend(|| async {
        let dir = TempDir::new("inuse");
        let path = dir.path("taken.sock");
        let _listener = UnixListener::bind(&path)?;
        let err = UnixListener::bind(&path).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AddrInUse);
        let err = UnixDatagram::bind(&path).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AddrInUse);
        // Any file, not only a socket, blocks the path.
        let file = dir.path("plain-file");
        std::fs::write(&file, b"x")?;
        assert_eq!(
            UnixListener::bind(&file).unwrap_err().kind(),
            io::ErrorKind::AddrInUse
        );
        Ok(())
    });
}

#[test]
fn abstract_namespace_bind_and_connect() {
    on_each_backend(|| async {
        let name = unique("abstract");
        let path = format!("\0{name}");
        let listener = UnixListener::bind(&path)?;
        assert_eq!(
            listener.local_addr()?.as_abstract_name(),
            Some(name.as_bytes())
        );
        assert!(!Path::new(&name).exists() && !std::env::temp_dir().join(&name).exists());
        let err = UnixListener::bind(&path).unwrap_err();
        assert_eq!(err.raw_os_error(), Some(libc::EADDRINUSE), "{err:?}");
        let server = mini_rt::spawn(async move { echo(listener.accept().await?.0).await });
        let mut client = UnixStream::connect(&path).await?;
        assert_eq!(
            client.peer_addr()?.as_abstract_name(),
            Some(name.as_bytes())
        );
        client.write_all(b"abstract").await?;
        client.shutdown().await?;
        assert_eq!(read_all(&mut client).await?, b"abstract");
        assert_eq!(server.await.unwrap()?, 8);
        // The name went away with the listener (moved into the server task).
        drop(UnixListener::bind(&path)?);

        let dname = unique("abstract-dgram");
        let dpath = format!("\0{dname}");
        let d = UnixDatagram::bind(&dpath)?;
        let sender = UnixDatagram::unbound()?;
        sender.send_to(b"hey", &dpath).await?;
        let mut buf = [0u8; 8];
        assert_eq!(d.recv(&mut buf).await?, 3);
        sender.connect(&dpath)?;
        assert_eq!(
            sender.peer_addr()?.as_abstract_name(),
            Some(dname.as_bytes())
        );
        Ok(())
    });
}

#[test]
fn peer_cred_is_our_own_process() {
    on_each_backend(|| async {
        // /proc/self belongs to our effective uid and gid.
        let me = std::fs::metadata("/proc/self")?;
        let (uid, gid) = (me.uid(), me.gid());
        let pid = std::process::id() as mini_rt::net::unix::pid_t;
        let (a, b) = UnixStream::pair()?;
        for s in [&a, &b] {
            let cred = s.peer_cred()?;
            assert_eq!((cred.uid(), cred.gid(), cred.pid()), (uid, gid, Some(pid)));
        }
        let dir = TempDir::new("cred");
        let listener = UnixListener::bind(dir.path("cred.sock"))?;
        let client = UnixStream::connect(dir.path("cred.sock")).await?;
        let (server, _) = listener.accept().await?;
        assert_eq!(server.peer_cred()?.pid(), Some(pid));
        assert_eq!(client.peer_cred()?.uid(), uid);
        Ok(())
    });
}

#[test]
fn listener_path_is_left_behind_and_can_be_cleaned_up() {
    on_each_backend(|| async {
        let dir = TempDir::new("cleanup");
        let path = dir.path("srv.sock");
        let listener = UnixListener::bind(&path)?;
        assert!(path.exists());
        drop(listener);
        // As tokio and std: dropping does not unlink, so a rebind fails...
        assert!(path.exists(), "the socket file must survive the listener");
        assert_eq!(
            UnixListener::bind(&path).unwrap_err().kind(),
            io::ErrorKind::AddrInUse
        );
        // ...until the caller removes the file.
        std::fs::remove_file(&path)?;
        let listener = UnixListener::bind(&path)?;
        let std_listener = listener.into_std()?;
        assert_eq!(
            std_listener.local_addr()?.as_pathname(),
            Some(path.as_path())
        );
        drop(std_listener);
        let root = dir.0.clone();
        drop(dir);
        assert!(!root.exists(), "temp dir removed");
        Ok(())
    });
}

#[test]
fn into_split_halves_in_two_tasks() {
    on_each_backend(|| async {
        let (client, server) = UnixStream::pair()?;
        // Server: one task reads, hands chunks to another that writes them back.
        let (srv_rd, srv_wr) = server.into_split();
        let (tx, mut rx) = mpsc::unbounded_channel::<Vec<u8>>();
        let reader = mini_rt::spawn(async move {
            let mut rd = srv_rd;
            let mut buf = [0u8; 1024];
            loop {
                let n = rd.read(&mut buf).await?;
                if n == 0 {
                    return io::Result::Ok(rd);
                }
                tx.send(buf[..n].to_vec()).unwrap();
            }
        });
        let writer = mini_rt::spawn(async move {
            let mut wr = srv_wr;
            while let Some(chunk) = rx.recv().await {
                wr.write_all(&chunk).await?;
            }
            io::Result::Ok(wr)
        });
        // Client: its halves in two more tasks.
        let (cli_rd, mut cli_wr) = client.into_split();
        let msg: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
        let expected = msg.clone();
        let sender = mini_rt::spawn(async move {
            cli_wr.write_all(&msg).await?;
            drop(cli_wr); // shuts the write side down: the server reads EOF
            io::Result::Ok(())
        });
        let receiver = mini_rt::spawn(async move {
            let mut rd = cli_rd;
            let mut got = Vec::new();
            let mut buf = [0u8; 4096];
            while got.len() < expected.len() {
                let n = rd.read(&mut buf).await?;
                assert!(n > 0, "early EOF after {} bytes", got.len());
                got.extend_from_slice(&buf[..n]);
            }
            assert!(got == expected, "echo differs");
            io::Result::Ok(rd)
        });
        sender.await.unwrap()?;
        let cli_rd = receiver.await.unwrap()?;
        let srv_rd = reader.await.unwrap()?;
        let srv_wr = writer.await.unwrap()?;
        // Reunite: the right pair works, a mismatched one is refused.
        let (other_rd, other_wr) = UnixStream::pair()?.0.into_split();
        let err = cli_rd.reunite(other_wr).unwrap_err();
        let (cli_rd, other_wr) = (err.0, err.1);
        assert!(other_rd.reunite(other_wr).is_ok());
        drop(cli_rd);
        let server = srv_rd.reunite(srv_wr).map_err(io::Error::other)?;
        assert!(server.peer_addr()?.is_unnamed());
        Ok(())
    });
}

/// The `flags:` line of /proc/self/fdinfo/<fd>, in octal as the kernel prints it.
fn fd_flags(fd: std::os::fd::RawFd) -> u32 {
    let info = std::fs::read_to_string(format!("/proc/self/fdinfo/{fd}")).unwrap();
    let line = info.lines().find(|l| l.starts_with("flags:")).unwrap();
    u32::from_str_radix(line["flags:".len()..].trim(), 8).unwrap()
}

#[test]
fn accepted_stream_is_nonblocking_and_cloexec() {
    use std::os::fd::AsRawFd;
    const O_NONBLOCK: u32 = 0o4000;
    const O_CLOEXEC: u32 = 0o2000000;
    on_each_backend(|| async {
        let dir = TempDir::new("flags");
        let listener = UnixListener::bind(dir.path("f.sock"))?;
        let client = UnixStream::connect(dir.path("f.sock")).await?;
        let (server, _) = std::future::poll_fn(|cx| listener.poll_accept(cx)).await?;
        for fd in [server.as_raw_fd(), client.as_raw_fd(), listener.as_raw_fd()] {
            let flags = fd_flags(fd);
            assert_eq!(
                flags & (O_NONBLOCK | O_CLOEXEC),
                O_NONBLOCK | O_CLOEXEC,
                "fd {fd}: {flags:o}"
            );
        }
        // into_std keeps it non-blocking; from_std registers it again.
        let std_server = server.into_std()?;
        let mut buf = [0u8; 4];
        let err = std::io::Read::read(&mut &std_server, &mut buf).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::WouldBlock);
        let mut server = UnixStream::from_std(std_server)?;
        let mut client = client;
        client.write_all(b"back").await?;
        server.read_exact(&mut buf).await?;
        assert_eq!(&buf, b"back");
        Ok(())
    });
}
