//! The chat example end to end: run it as a child process, chat through it,
//! then send SIGINT: it must tell the clients, close them, and exit 0.

mod support;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The chat child, killed if the test fails before it exits: a leftover
/// child would hold the test's output pipe open and hang whoever reads it.
struct Chat(Option<Child>);

impl Drop for Chat {
    fn drop(&mut self) {
        if let Some(child) = &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Chat {
    /// Waits for the child with a bound, so a hang fails the test.
    fn wait_bounded(&mut self, secs: u64) -> std::process::ExitStatus {
        let child = self.0.as_mut().unwrap();
        let status = support::wait_child(child, Duration::from_secs(secs));
        self.0 = None;
        status
    }
}

fn connect(addr: &str) -> (TcpStream, BufReader<TcpStream>) {
    let s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let r = BufReader::new(s.try_clone().unwrap());
    (s, r)
}

fn line(r: &mut BufReader<TcpStream>) -> String {
    let mut l = String::new();
    r.read_line(&mut l).expect("read a line within 5 s");
    l
}

#[test]
fn chat_broadcasts_and_shuts_down_gracefully_on_sigint() {
    let mut child = Command::new(support::example("chat"))
        .arg("127.0.0.1:0")
        .stdout(Stdio::piped())
        .spawn()
        .expect("run the chat example (built by cargo test)");
    let stdout = child.stdout.take().unwrap();
    let pid = child.id();
    let mut chat = Chat(Some(child));
    let mut out = BufReader::new(stdout);
    let mut first = String::new();
    out.read_line(&mut first).unwrap();
    let addr = first.trim().rsplit(' ').next().unwrap().to_string();
    assert!(first.starts_with("chat listening on"), "{first:?}");

    let (mut a, mut ra) = connect(&addr);
    let (mut b, mut rb) = connect(&addr);
    // Chat only once both have joined (a connect returns before the server
    // has accepted): the greeting comes once a client receives broadcasts.
    for (s, r) in [(&a, &mut ra), (&b, &mut rb)] {
        let me = s.local_addr().unwrap();
        assert_eq!(line(r), format!("welcome, {me}\n"));
    }
    a.write_all(b"hello from a\n").unwrap();
    let got = line(&mut rb);
    assert!(got.ends_with(": hello from a\n"), "{got:?}");
    b.write_all(b"hi a\n").unwrap();
    assert!(line(&mut ra).ends_with(": hi a\n"));

    // SIGINT: graceful shutdown.
    let rc = Command::new("kill")
        .arg("-INT")
        .arg(pid.to_string())
        .status()
        .unwrap();
    assert!(rc.success());
    for r in [&mut ra, &mut rb] {
        assert_eq!(line(r), "server shutting down\n");
        assert_eq!(line(r), "", "connection closed after the goodbye");
    }
    let status = chat.wait_bounded(5);
    assert!(status.success(), "chat exited with {status:?}");
    drop((a, b));
}
