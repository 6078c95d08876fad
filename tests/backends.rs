//! The multiplexing backends: the callback interface (`poll_events`,
//! `Poller`) on every backend, select's fd limit, idle CPU, the
//! `MINI_RT_BACKEND` variable, and a small socket/timer scenario on a runtime
//! per backend. Every wait is bounded, so a lost wakeup fails instead of hanging.

mod support;

use mini_rt::io::{Interest, Ready};
use mini_rt::poller::{poll_events, Events, Poller};
use mini_rt::reactor::PollEvented;
use mini_rt::runtime::{Backend, Builder, Runtime};
use std::io::{self, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::net::UnixStream;
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::cpu_time;

const SHORT: Duration = Duration::from_millis(30);
const LIMIT: Duration = Duration::from_secs(5);

fn runtime(backend: Backend) -> Runtime {
    Builder::new_current_thread()
        .enable_all()
        .backend(backend)
        .build()
        .unwrap()
}

fn pair() -> (UnixStream, UnixStream) {
    let (a, b) = UnixStream::pair().unwrap();
    a.set_nonblocking(true).unwrap();
    b.set_nonblocking(true).unwrap();
    (a, b)
}

#[test]
fn poll_events_reports_only_ready_fds() {
    for backend in support::backends() {
        let (a, mut b) = pair();
        let fds = [(a.as_raw_fd(), Interest::READABLE)];
        let n = poll_events(backend, &fds, Some(SHORT), |fd, r| {
            panic!("{backend}: {fd} {r:?}")
        });
        assert_eq!(n.unwrap(), 0, "{backend}: nothing written yet");

        b.write_all(b"x").unwrap();
        let both = [
            (a.as_raw_fd(), Interest::READABLE),
            (b.as_raw_fd(), Interest::WRITABLE),
        ];
        let mut seen = Vec::new();
        let n = poll_events(backend, &both, Some(LIMIT), |fd, r| seen.push((fd, r))).unwrap();
        seen.sort_by_key(|(fd, _)| *fd);
        assert_eq!(n, 2, "{backend}");
        assert_eq!(
            seen[0],
            (a.as_raw_fd(), Ready::READABLE),
            "{backend}: interest filters bits"
        );
        assert_eq!(seen[1], (b.as_raw_fd(), Ready::WRITABLE), "{backend}");
    }
}

#[test]
fn poller_reports_tokens_with_the_backends_triggering() {
    for backend in support::backends() {
        let poller = Poller::new(backend).unwrap();
        assert_eq!(poller.backend(), backend);
        let mut events = Events::with_capacity(8);
        let (a, mut b) = pair();
        poller.add(a.as_raw_fd(), 7, Interest::READABLE).unwrap();
        assert_eq!(
            poller.wait(&mut events, Some(SHORT)).unwrap(),
            0,
            "{backend}"
        );
        assert!(events.is_empty());

        b.write_all(b"x").unwrap();
        assert_eq!(
            poller.wait(&mut events, Some(LIMIT)).unwrap(),
            1,
            "{backend}"
        );
        let (token, ready) = events.iter().next().unwrap();
        assert_eq!(token, 7, "{backend}");
        assert!(ready.is_readable(), "{backend}: {ready:?}");

        // The byte is still unread: level backends report it again, edge and
        // oneshot do not (oneshot until `modify` re-arms it).
        let again = poller.wait(&mut events, Some(SHORT)).unwrap();
        let level = matches!(
            backend,
            Backend::EpollLevel | Backend::Poll | Backend::Select
        );
        assert_eq!(
            again, level as usize,
            "{backend}: reported again while still ready"
        );
        poller.modify(a.as_raw_fd(), 8, Interest::READABLE).unwrap();
        assert_eq!(
            poller.wait(&mut events, Some(LIMIT)).unwrap(),
            1,
            "{backend}"
        );
        assert_eq!(
            events.iter().next().unwrap().0,
            8,
            "{backend}: modify changes the token"
        );

        poller.delete(a.as_raw_fd()).unwrap();
        b.write_all(b"y").unwrap();
        assert_eq!(
            poller.wait(&mut events, Some(SHORT)).unwrap(),
            0,
            "{backend}: deleted"
        );
        let kind = |r: io::Result<()>| r.unwrap_err().kind();
        assert_eq!(
            kind(poller.delete(a.as_raw_fd())),
            io::ErrorKind::NotFound,
            "{backend}"
        );
        poller.add(b.as_raw_fd(), 1, Interest::WRITABLE).unwrap();
        let twice = poller.add(b.as_raw_fd(), 1, Interest::WRITABLE);
        assert_eq!(kind(twice), io::ErrorKind::AlreadyExists, "{backend}");
    }
}

#[test]
fn notify_and_changes_wake_a_blocked_wait() {
    for backend in support::backends() {
        let poller = Arc::new(Poller::new(backend).unwrap());
        let mut events = Events::with_capacity(8);
        let p = poller.clone();
        let t = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            p.notify().unwrap();
        });
        let start = Instant::now();
        assert_eq!(
            poller.wait(&mut events, Some(LIMIT)).unwrap(),
            0,
            "{backend}"
        );
        assert!(
            start.elapsed() < Duration::from_secs(1),
            "{backend}: notify took {:?}",
            start.elapsed()
        );
        t.join().unwrap();

        // An fd added by another thread during a wait is watched at once
        // (poll and select wait on a snapshot: the change must interrupt it).
        let (a, mut b) = pair();
        b.write_all(b"x").unwrap();
        let p = poller.clone();
        let fd = a.as_raw_fd();
        let t = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            p.add(fd, 9, Interest::READABLE).unwrap();
        });
        let start = Instant::now();
        assert_eq!(
            poller.wait(&mut events, Some(LIMIT)).unwrap(),
            1,
            "{backend}"
        );
        assert_eq!(events.iter().next().unwrap().0, 9, "{backend}");
        assert!(
            start.elapsed() < Duration::from_secs(1),
            "{backend}: add took {:?}",
            start.elapsed()
        );
        t.join().unwrap();
        poller.delete(fd).unwrap();
    }
}

/// Raises the soft `RLIMIT_NOFILE` to at least `n` (bounded by the hard limit).
fn raise_nofile(n: u64) {
    // SAFETY: an all-zero rlimit is valid; getrlimit only writes into it.
    let mut lim: libc::rlimit = unsafe { std::mem::zeroed() };
    // SAFETY: `lim` is a live, writable rlimit.
    assert_eq!(unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) }, 0);
    if lim.rlim_cur < n as libc::rlim_t {
        lim.rlim_cur = (n as libc::rlim_t).min(lim.rlim_max);
        // SAFETY: `lim` is a live rlimit; raising the soft limit affects nothing else.
        assert_eq!(unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &lim) }, 0);
    }
}

/// A duplicate of `fd` numbered at least `min`.
fn dup_at_least(fd: RawFd, min: RawFd) -> OwnedFd {
    // SAFETY: F_DUPFD_CLOEXEC only reads its arguments and returns a new fd.
    let high = unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, min) };
    assert!(
        high >= min,
        "fcntl(F_DUPFD): {}",
        io::Error::last_os_error()
    );
    // SAFETY: fcntl just returned this fd and nothing else owns it.
    unsafe { OwnedFd::from_raw_fd(high) }
}

#[test]
fn select_refuses_fds_at_or_above_fd_setsize() {
    raise_nofile(2048);
    let (a, _b) = pair();
    let high = dup_at_least(a.as_raw_fd(), 1500);
    let fd = high.as_raw_fd();
    let check = |e: io::Error| {
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput, "{e}");
        let msg = e.to_string();
        assert!(
            msg.contains(&fd.to_string()) && msg.contains("1024"),
            "{msg}"
        );
    };
    check(
        Poller::new(Backend::Select)
            .unwrap()
            .add(fd, 0, Interest::READABLE)
            .unwrap_err(),
    );
    check(
        poll_events(
            Backend::Select,
            &[(fd, Interest::WRITABLE)],
            Some(SHORT),
            |_, _| {},
        )
        .unwrap_err(),
    );

    // The other backends have no such limit.
    for backend in [Backend::EpollEdge, Backend::Poll] {
        let n = poll_events(backend, &[(fd, Interest::WRITABLE)], Some(LIMIT), |_, _| {});
        assert_eq!(n.unwrap(), 1, "{backend}");
    }

    // Through the runtime: registering the fd gives the same clear error.
    let rt = runtime(Backend::Select);
    let res = rt.block_on(async { PollEvented::new(UnixStream::from(high)).map(drop) });
    check(res.unwrap_err());
}

#[test]
fn idle_runtime_uses_no_cpu() {
    for backend in support::backends() {
        let rt = runtime(backend);
        let (a, _b) = pair();
        let cpu = rt.block_on(async {
            // Always writable, never readable: a level backend that armed
            // writability without a writer waiting would spin here.
            let a = PollEvented::new(a).unwrap();
            let waiter =
                mini_rt::spawn(async move { a.readiness(Interest::READABLE).await.map(drop) });
            // Hung up and always writable, waited on once each and then
            // ignored: level backends must disarm them lazily, not spin.
            let (c, d) = pair();
            drop(d);
            let c = PollEvented::new(c).unwrap();
            c.readiness(Interest::READABLE).await.unwrap();
            c.readiness(Interest::WRITABLE).await.unwrap();
            mini_rt::task::yield_now().await;
            let before = cpu_time();
            mini_rt::time::sleep(Duration::from_millis(300)).await;
            let used = cpu_time() - before;
            assert!(
                !waiter.is_finished(),
                "{backend}: nothing was ever readable"
            );
            waiter.abort();
            drop(c);
            used
        });
        assert!(
            cpu < Duration::from_millis(50),
            "{backend}: {cpu:?} of CPU while idle for 300 ms"
        );
    }
}

const CHILD_VAR: &str = "MINI_RT_BACKENDS_TEST_CHILD";

#[test]
fn unknown_backend_in_env_is_a_build_error() {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "child_build_with_bogus_backend",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("MINI_RT_BACKEND", "bogus")
        .env(CHILD_VAR, "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "child failed: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("1 passed"), "{stdout}");
    assert!(stdout.contains("checked bogus backend"), "{stdout}");
}

/// Runs only as the child of the test above (with `MINI_RT_BACKEND=bogus`).
#[test]
fn child_build_with_bogus_backend() {
    if std::env::var_os(CHILD_VAR).is_none() {
        return;
    }
    let err = Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("bogus"), "{msg}");
    for b in Backend::ALL {
        assert!(msg.contains(b.name()), "{msg} should list {}", b.name());
    }
    // An explicit backend wins over the variable.
    Builder::new_current_thread()
        .backend(Backend::Poll)
        .build()
        .unwrap();
    println!("checked bogus backend: {msg}");
}

async fn read_some(s: &PollEvented<UnixStream>, buf: &mut [u8]) -> io::Result<usize> {
    let mut buf = mini_rt::io::ReadBuf::new(buf);
    std::future::poll_fn(|cx| s.poll_read(cx, &mut buf)).await?;
    Ok(buf.filled().len())
}

async fn write_all(s: &PollEvented<UnixStream>, mut buf: &[u8]) -> io::Result<()> {
    while !buf.is_empty() {
        let n = std::future::poll_fn(|cx| s.poll_write(cx, buf)).await?;
        buf = &buf[n..];
    }
    Ok(())
}

/// Tasks, timers, cross-thread wakes and a socket pair on the runtime.
async fn scenario(backend: Backend) -> io::Result<()> {
    let (a, b) = pair();
    let (a, b) = (PollEvented::new(a)?, PollEvented::new(b)?);
    // A ticking timer beside the IO.
    let ticker = mini_rt::spawn(async {
        let mut interval = mini_rt::time::interval(Duration::from_millis(5));
        for _ in 0..10 {
            interval.tick().await;
        }
    });
    // Ping-pong: readable must be re-armed each round on level/oneshot backends.
    let pong = mini_rt::spawn(async move {
        let mut buf = [0; 1];
        for _ in 0..100 {
            assert_eq!(read_some(&b, &mut buf).await?, 1);
            write_all(&b, &buf).await?;
        }
        // Then a bulk transfer larger than the socket buffer: writes wait for space.
        mini_rt::time::sleep(Duration::from_millis(10)).await;
        let data: Vec<u8> = (0..512 * 1024).map(|i| (i % 251) as u8).collect();
        write_all(&b, &data).await?;
        Ok::<_, io::Error>(data)
    });
    let mut buf = [0u8; 8192];
    for i in 0..100u8 {
        write_all(&a, &[i]).await?;
        assert_eq!(read_some(&a, &mut buf[..1]).await?, 1);
        assert_eq!(buf[0], i, "{backend}");
    }
    let mut got = Vec::new();
    while got.len() < 512 * 1024 {
        let n = read_some(&a, &mut buf).await?;
        assert!(n > 0, "{backend}: early EOF");
        got.extend_from_slice(&buf[..n]);
    }
    assert!(pong.await.unwrap()? == got, "{backend}: bulk data differs");
    // Cross-thread wakes, twice: the notifier must stay armed.
    for i in 0..2 {
        let v = mini_rt::task::spawn_blocking(move || {
            std::thread::sleep(Duration::from_millis(20));
            i
        });
        assert_eq!(v.await.unwrap(), i, "{backend}");
    }
    ticker.await.unwrap();
    Ok(())
}

#[test]
fn sockets_timers_and_tasks_on_every_backend() {
    for backend in support::backends() {
        let rt = runtime(backend);
        assert_eq!(rt.backend(), backend);
        let res = rt.block_on(mini_rt::time::timeout(LIMIT, scenario(backend)));
        res.unwrap_or_else(|_| panic!("{backend}: scenario timed out"))
            .unwrap();
    }
}
