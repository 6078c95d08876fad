//! The echo example end to end on the multi-thread runtime: run it as a
//! child process with `--workers 2` and check that every connection, handed
//! from the accepting task to a worker, echoes every byte.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Duration;

/// Starts `echo 127.0.0.1:0 EXTRA...` and returns it with its address.
fn start_echo(extra: &[&str]) -> (support::KillOnDrop, String) {
    let mut child = Command::new(support::example("echo"))
        .arg("127.0.0.1:0")
        .args(extra)
        .stdout(Stdio::piped())
        .spawn()
        .expect("run the echo example (built by cargo test)");
    let stdout = child.stdout.take().unwrap();
    let server = support::KillOnDrop(child);
    let mut first = String::new();
    BufReader::new(stdout).read_line(&mut first).unwrap();
    assert!(first.starts_with("echo server listening on "), "{first:?}");
    let addr = first.trim().rsplit(' ').next().unwrap().to_string();
    (server, addr)
}

/// Opens `conns` connections and sends `messages` messages of `size` bytes
/// on each, in turn, checking every echo (reads bounded by 5 s).
fn check_echoes(addr: &str, conns: usize, messages: usize, size: usize) {
    let mut sockets: Vec<TcpStream> = (0..conns)
        .map(|_| {
            let s = TcpStream::connect(addr).unwrap();
            s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            s.set_nodelay(true).unwrap();
            s
        })
        .collect();
    for m in 0..messages {
        for (c, s) in sockets.iter_mut().enumerate() {
            let sent: Vec<u8> = (0..size).map(|i| (i + 7 * c + 13 * m) as u8).collect();
            s.write_all(&sent).unwrap();
            let mut got = vec![0u8; size];
            s.read_exact(&mut got).expect("the echo within 5 s");
            assert_eq!(got, sent, "connection {c}, message {m}");
        }
    }
}

#[test]
fn echo_example_with_two_workers_echoes_every_byte() {
    let (_server, addr) = start_echo(&["--workers", "2"]);
    check_echoes(&addr, 16, 20, 1000);
}

#[test]
fn echo_example_with_two_workers_and_exact_framing_echoes_every_byte() {
    let (_server, addr) = start_echo(&["--workers", "2", "--exact", "64"]);
    check_echoes(&addr, 16, 20, 64);
}

#[test]
fn echo_example_without_workers_flag_still_echoes_on_one_thread() {
    let (_server, addr) = start_echo(&[]);
    check_echoes(&addr, 4, 10, 1000);
}
