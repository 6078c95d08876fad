//! The kv_lines example end to end: run it as a child process and drive
//! its line protocol from two plain std clients sharing one store.

mod support;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Duration;

/// A client that sends a command line and reads the reply line, each read
/// bounded by a 5 s timeout.
struct Client(TcpStream, BufReader<TcpStream>);

impl Client {
    fn connect(addr: &str) -> Client {
        let s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let r = BufReader::new(s.try_clone().unwrap());
        Client(s, r)
    }

    fn ask(&mut self, command: &[u8]) -> String {
        // One write per line: a second small write would wait for the
        // delayed ACK of the first (Nagle).
        self.0.write_all(&[command, b"\n"].concat()).unwrap();
        let mut reply = String::new();
        self.1.read_line(&mut reply).expect("a reply within 5 s");
        assert!(reply.ends_with('\n'), "{reply:?}");
        reply.pop();
        reply
    }
}

#[test]
fn kv_lines_sets_gets_and_deletes_across_connections() {
    let mut child = Command::new(support::example("kv_lines"))
        .arg("127.0.0.1:0")
        .stdout(Stdio::piped())
        .spawn()
        .expect("run the kv_lines example (built by cargo test)");
    let stdout = child.stdout.take().unwrap();
    let _server = support::KillOnDrop(child);
    let mut first = String::new();
    BufReader::new(stdout).read_line(&mut first).unwrap();
    assert!(first.starts_with("kv_lines listening on "), "{first:?}");
    let addr = first.trim().rsplit(' ').next().unwrap().to_string();

    let mut a = Client::connect(&addr);
    let mut b = Client::connect(&addr);
    assert_eq!(a.ask(b"GET greeting"), "NOT_FOUND");
    assert_eq!(a.ask(b"SET greeting hello world"), "OK");
    assert_eq!(b.ask(b"GET greeting"), "VALUE hello world", "shared store");
    assert_eq!(b.ask(b"SET greeting hi"), "OK");
    assert_eq!(a.ask(b"GET greeting"), "VALUE hi");
    assert_eq!(a.ask(b"DEL greeting"), "DELETED");
    assert_eq!(b.ask(b"DEL greeting"), "NOT_FOUND");
    assert_eq!(b.ask(b"GET greeting"), "NOT_FOUND");

    assert_eq!(a.ask(b"SET lonely"), "ERR usage: SET key value");
    assert_eq!(a.ask(b"GET two words"), "ERR usage: GET key");
    assert!(a.ask(b"PUT x 1").starts_with("ERR unknown command"));
    assert_eq!(a.ask(b"SET crlf value\r"), "OK", "CRLF lines work too");
    assert_eq!(a.ask(b"GET crlf"), "VALUE value");
    // An over-long line is refused, and the connection keeps working.
    let long = vec![b'x'; 100 * 1024];
    assert_eq!(a.ask(&long), "ERR line too long");
    assert_eq!(a.ask(b"GET crlf"), "VALUE value");
}
