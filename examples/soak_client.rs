//! The soak test's client: opens C connections to an echo server, keeps them
//! all open at once, and on each sends M messages of varying length (1 to
//! 1000 bytes, a pattern unique to the connection and message), checking
//! every echoed byte. Exits non-zero on any mismatch, error or stall.
//!
//! ```text
//! cargo run --release --example soak_client -- 127.0.0.1:7000 1000 100
//! ```
//! Written with std threads and blocking sockets (one thread per 50
//! connections, round-robin), so it tests the server, not itself.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

fn byte(conn: usize, msg: usize, i: usize) -> u8 {
    (conn.wrapping_mul(31) ^ msg.wrapping_mul(131) ^ i.wrapping_mul(7)) as u8
}

fn len(conn: usize, msg: usize) -> usize {
    1 + (conn * 7919 + msg * 104_729) % 1000
}

fn main() {
    let mut args = std::env::args().skip(1);
    let addr = args
        .next()
        .expect("usage: soak_client ADDR [CONNECTIONS] [MESSAGES]");
    let conns: usize = args.next().map_or(1000, |n| n.parse().unwrap());
    let msgs: usize = args.next().map_or(100, |n| n.parse().unwrap());
    let per_thread = 50;
    let t0 = Instant::now();

    // Connect everything first: all C connections are open at once.
    let streams: Vec<TcpStream> = (0..conns)
        .map(|c| {
            let s = TcpStream::connect(&addr).unwrap_or_else(|e| panic!("connect {c}: {e}"));
            s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
            s.set_nodelay(true).unwrap();
            s
        })
        .collect();
    println!(
        "soak_client: {conns} connections open after {:?}",
        t0.elapsed()
    );

    let mut groups: Vec<Vec<(usize, TcpStream)>> = Vec::new();
    for (c, s) in streams.into_iter().enumerate() {
        if c % per_thread == 0 {
            groups.push(Vec::new());
        }
        groups.last_mut().unwrap().push((c, s));
    }
    let threads: Vec<_> = groups
        .into_iter()
        .map(|group| {
            std::thread::spawn(move || {
                let mut bytes = 0u64;
                let mut buf = vec![0u8; 1000];
                for m in 0..msgs {
                    // One message on every connection of the group, then the echoes.
                    for (c, s) in &group {
                        let msg: Vec<u8> = (0..len(*c, m)).map(|i| byte(*c, m, i)).collect();
                        (&*s)
                            .write_all(&msg)
                            .unwrap_or_else(|e| panic!("write {c}/{m}: {e}"));
                    }
                    for (c, s) in &group {
                        let n = len(*c, m);
                        (&*s)
                            .read_exact(&mut buf[..n])
                            .unwrap_or_else(|e| panic!("read {c}/{m}: {e}"));
                        for (i, b) in buf[..n].iter().enumerate() {
                            assert_eq!(*b, byte(*c, m, i), "connection {c} message {m} byte {i}");
                        }
                        bytes += n as u64;
                    }
                }
                for (c, s) in group {
                    s.shutdown(std::net::Shutdown::Write).unwrap();
                    let mut rest = Vec::new();
                    (&s).read_to_end(&mut rest).unwrap();
                    assert!(
                        rest.is_empty(),
                        "connection {c}: {} unexpected bytes",
                        rest.len()
                    );
                }
                bytes
            })
        })
        .collect();
    let mut total = 0;
    for t in threads {
        total += t.join().expect("a client thread failed");
    }
    println!(
        "soak_client: OK {conns} connections x {msgs} messages, {total} bytes verified in {:?}",
        t0.elapsed()
    );
}
