//! echo_raw: the floor for an echo server, without async: level-triggered
//! epoll through `mini_rt::poller::Poller`, and for each readable event one
//! read and one write of what was read, nothing else. What any runtime's
//! echo server pays on top of this is the runtime's cost.
//!
//! ```text
//! cargo build --release --example echo_raw
//! target/release/examples/echo_raw 127.0.0.1:7001
//! ```
//! A write the socket cannot take whole (large messages) keeps the rest and
//! waits for writability before reading that connection again.

use mini_rt::io::Interest;
use mini_rt::poller::{Events, Poller};
use mini_rt::runtime::Backend;
use std::io::{self, ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::fd::AsRawFd;

const LISTENER: usize = usize::MAX;

struct Conn {
    stream: TcpStream,
    /// Read but not yet written back (only after a short write).
    pending: Vec<u8>,
}

/// The rest of a write that `write` did not take whole (`result`): retries
/// it, and keeps what the socket will not take in `pending`, arming
/// writability (and nothing else) until it is flushed.
#[cold]
fn write_rest(
    poller: &Poller,
    token: usize,
    c: &mut Conn,
    data: &[u8],
    mut result: io::Result<usize>,
) -> io::Result<()> {
    let mut done = 0;
    loop {
        match result {
            Ok(n) => done += n,
            Err(e) if e.kind() == ErrorKind::WouldBlock => break,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
        if done == data.len() {
            return Ok(());
        }
        result = c.stream.write(&data[done..]);
    }
    c.pending.extend_from_slice(&data[done..]);
    poller.modify(c.stream.as_raw_fd(), token, Interest::WRITABLE)
}

/// Handles one event on a connection; `Ok(false)` when it is finished.
#[inline]
fn serve(poller: &Poller, token: usize, c: &mut Conn, buf: &mut [u8]) -> io::Result<bool> {
    if !c.pending.is_empty() {
        let pending = std::mem::take(&mut c.pending);
        write_rest(poller, token, c, &pending, Ok(0))?;
        if c.pending.is_empty() {
            poller.modify(c.stream.as_raw_fd(), token, Interest::READABLE)?;
        }
        return Ok(true);
    }
    match c.stream.read(buf) {
        Ok(0) => Ok(false),
        // The floor: one read, one write.
        Ok(n) => match c.stream.write(&buf[..n]) {
            Ok(w) if w == n => Ok(true),
            other => write_rest(poller, token, c, &buf[..n], other).map(|()| true),
        },
        Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::Interrupted) => Ok(true),
        Err(_) => Ok(false),
    }
}

fn main() -> io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:7001".into());
    let listener = TcpListener::bind(&addr)?;
    listener.set_nonblocking(true)?;
    let poller = Poller::new(Backend::EpollLevel)?;
    poller.add(listener.as_raw_fd(), LISTENER, Interest::READABLE)?;
    let mut conns: Vec<Option<Conn>> = Vec::new();
    let mut free: Vec<usize> = Vec::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut events = Events::with_capacity(1024);
    loop {
        poller.wait(&mut events, None)?;
        for (token, _) in events.iter() {
            if token == LISTENER {
                loop {
                    let stream = match listener.accept() {
                        Ok((s, _)) => s,
                        Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                        Err(e) if e.kind() == ErrorKind::ConnectionAborted => continue,
                        Err(e) => return Err(e),
                    };
                    stream.set_nonblocking(true)?;
                    stream.set_nodelay(true)?;
                    let slot = free.pop().unwrap_or(conns.len());
                    poller.add(stream.as_raw_fd(), slot, Interest::READABLE)?;
                    let conn = Some(Conn {
                        stream,
                        pending: Vec::new(),
                    });
                    if slot == conns.len() {
                        conns.push(conn);
                    } else {
                        conns[slot] = conn;
                    }
                }
                continue;
            }
            let Some(c) = conns[token].as_mut() else {
                continue;
            };
            if !serve(&poller, token, c, &mut buf)? {
                poller.delete(c.stream.as_raw_fd())?;
                conns[token] = None; // closes it, after `delete`
                free.push(token);
            }
        }
    }
}
