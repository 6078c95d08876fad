//! The seed's two-address client without async: readiness callbacks from
//! `mini_rt::poller::{poll_events, Poller}` drive "connect → write → done", on
//! every backend in turn or on the one named by the first argument.
//!
//! ```text
//! cargo run --example poll_events             # every backend
//! cargo run --example poll_events -- select   # epoll, epoll-lt, epoll-oneshot, poll, select, io-uring
//! ```
//!
//! Two local listeners stand in for 127.0.0.1:1234 and 127.0.0.1:4321. A
//! server thread serves both with one `Poller` (accept, read to EOF), obeying
//! the backend's triggering: drain until `WouldBlock` (edge: epoll, io-uring), re-arm with
//! `modify` (oneshot). The client, on the main thread, connects a
//! non-blocking `std::net::TcpStream` to each and calls `poll_events` until
//! each is writable, then writes "46" or "3" from the callback and closes.
//! std has no non-blocking connect, so the streams connect first (instant on
//! loopback) and wait for writability as a non-blocking connect would.
//! Try `strace -f -c` on it to compare the backends' system calls.

use mini_rt::io::Interest;
use mini_rt::poller::{poll_events, Events, Poller};
use mini_rt::runtime::Backend;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(5);

fn timed_out(what: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::TimedOut,
        format!("nothing ready for 5 s while {what}"),
    )
}

/// The server thread: serves both listeners until each got one whole message.
fn serve(poller: Poller, listeners: Vec<TcpListener>) -> io::Result<Vec<String>> {
    let oneshot = poller.backend() == Backend::EpollOneshot;
    // Token i < 2: listener i. Token 2 + i: the connection accepted by listener i.
    let mut conns: Vec<Option<TcpStream>> = vec![None, None];
    let mut received = vec![Vec::new(), Vec::new()];
    let mut done = [false, false];
    let mut events = Events::with_capacity(8);
    while !done.iter().all(|d| *d) {
        if poller.wait(&mut events, Some(LIMIT))? == 0 {
            return Err(timed_out("serving"));
        }
        for (token, _ready) in events.iter() {
            let (i, is_listener) = (token % 2, token < 2);
            if is_listener {
                // Accept until WouldBlock: edge-triggered epoll reports once.
                loop {
                    match listeners[i].accept() {
                        Ok((s, _)) => {
                            s.set_nonblocking(true)?;
                            poller.add(s.as_raw_fd(), 2 + i, Interest::READABLE)?;
                            conns[i] = Some(s);
                        }
                        Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                        Err(e) => return Err(e),
                    }
                }
                if oneshot {
                    poller.modify(listeners[i].as_raw_fd(), i, Interest::READABLE)?;
                }
                continue;
            }
            let Some(conn) = conns[i].as_mut() else {
                continue;
            };
            let mut buf = [0; 64];
            let eof = loop {
                match conn.read(&mut buf) {
                    Ok(0) => break true,
                    Ok(n) => received[i].extend_from_slice(&buf[..n]),
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => break false,
                    Err(e) => return Err(e),
                }
            };
            if eof {
                poller.delete(conn.as_raw_fd())?;
                conns[i] = None; // closes it, after `delete`
                done[i] = true;
            } else if oneshot {
                poller.modify(conn.as_raw_fd(), token, Interest::READABLE)?;
            }
        }
    }
    for l in &listeners {
        poller.delete(l.as_raw_fd())?;
    }
    Ok(received
        .into_iter()
        .map(|r| String::from_utf8_lossy(&r).into_owned())
        .collect())
}

/// The client: `poll_events` until each stream is writable, write, close.
fn send_all(backend: Backend, targets: &[(SocketAddr, &'static str)]) -> io::Result<()> {
    let mut pending = Vec::new();
    for &(addr, message) in targets {
        let stream = TcpStream::connect(addr)?;
        stream.set_nonblocking(true)?;
        pending.push((stream, message));
    }
    while !pending.is_empty() {
        let fds: Vec<_> = pending
            .iter()
            .map(|(s, _)| (s.as_raw_fd(), Interest::WRITABLE))
            .collect();
        let mut result = Ok(());
        let mut finished = Vec::new();
        let n = poll_events(backend, &fds, Some(LIMIT), |fd, _ready| {
            let (stream, message) = pending
                .iter_mut()
                .find(|(s, _)| s.as_raw_fd() == fd)
                .unwrap();
            // Writable after a connect: it succeeded unless an error is pending.
            if result.is_ok() {
                result = match stream.take_error() {
                    Ok(Some(e)) | Err(e) => Err(e),
                    Ok(None) => stream.write_all(message.as_bytes()),
                };
            }
            finished.push(fd);
        })?;
        result?;
        if n == 0 {
            return Err(timed_out("connecting"));
        }
        // Dropping a stream closes it: the server reads EOF.
        pending.retain(|(s, _)| !finished.contains(&s.as_raw_fd()));
    }
    Ok(())
}

fn run(backend: Backend) -> io::Result<()> {
    let listeners = vec![
        TcpListener::bind("127.0.0.1:0")?,
        TcpListener::bind("127.0.0.1:0")?,
    ];
    let poller = Poller::new(backend)?;
    let mut addrs = Vec::new();
    for (token, l) in listeners.iter().enumerate() {
        l.set_nonblocking(true)?;
        poller.add(l.as_raw_fd(), token, Interest::READABLE)?;
        addrs.push(l.local_addr()?);
    }
    let server = std::thread::spawn(move || serve(poller, listeners));
    send_all(backend, &[(addrs[0], "46"), (addrs[1], "3")])?;
    let received = server.join().expect("the server thread panicked")?;
    for (addr, got) in addrs.iter().zip(&received) {
        println!("[{backend:>13}] listener {addr} received {got:?}");
    }
    if received != ["46", "3"] {
        return Err(io::Error::other(format!(
            "{backend}: expected [\"46\", \"3\"], got {received:?}"
        )));
    }
    Ok(())
}

fn main() -> io::Result<()> {
    let backends = match std::env::args().nth(1) {
        Some(name) => vec![Backend::from_name(&name)?],
        None => Backend::ALL.to_vec(),
    };
    for backend in backends {
        match run(backend) {
            // Every backend in turn: say which one this kernel refuses.
            Err(e) if e.kind() == io::ErrorKind::Unsupported && std::env::args().len() == 1 => {
                println!("[{backend:>13}] skipped: {e}");
            }
            res => res?,
        }
    }
    Ok(())
}
