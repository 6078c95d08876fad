//! A small RESP2 client for the tests: sends raw bytes or encoded
//! commands, reads one reply at a time, and renders replies as text in the
//! style of redis-cli so the expected replies read well.

use mini_rt::io::{AsyncReadExt, AsyncWriteExt};
use mini_rt::net::TcpStream;
use std::io;
use std::net::SocketAddr;

/// One connection to the server under test.
pub struct Client {
    stream: TcpStream,
    /// Bytes read but not yet returned as a reply.
    buf: Vec<u8>,
}

impl Client {
    /// Connects to `addr`.
    pub async fn connect(addr: SocketAddr) -> io::Result<Client> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(Client {
            stream,
            buf: Vec::new(),
        })
    }

    /// Writes `data` as it is.
    pub async fn send(&mut self, data: &[u8]) -> io::Result<()> {
        self.stream.write_all(data).await
    }

    /// The next complete reply, raw. Fails if the server closes first.
    pub async fn reply(&mut self) -> io::Result<Vec<u8>> {
        loop {
            if let Some(n) = reply_len(&self.buf) {
                return Ok(self.buf.drain(..n).collect());
            }
            let mut chunk = [0u8; 16 * 1024];
            let n = self.stream.read(&mut chunk).await?;
            if n == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!(
                        "closed before a whole reply; have {:?}",
                        self.buf.escape_ascii().to_string()
                    ),
                ));
            }
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }

    /// Sends the command `args` (multibulk) and renders its reply.
    pub async fn call(&mut self, args: &[&[u8]]) -> io::Result<String> {
        self.send(&encode(args)).await?;
        Ok(render(&self.reply().await?))
    }

    /// [`Client::call`] with the arguments given as one space-separated line.
    pub async fn line(&mut self, line: &str) -> io::Result<String> {
        let words: Vec<&[u8]> = line.split(' ').map(str::as_bytes).collect();
        self.call(&words).await
    }

    /// Reads until the server closes the connection; fails if anything but
    /// the close comes first. A reset counts as closed: the server closes
    /// with unread input, which the kernel answers with a reset.
    pub async fn expect_closed(&mut self) -> io::Result<()> {
        let mut chunk = [0u8; 1024];
        loop {
            match self.stream.read(&mut chunk).await {
                Ok(0) => break,
                Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
                Err(e) if e.kind() == io::ErrorKind::ConnectionReset => break,
                Err(e) => return Err(e),
            }
        }
        if !self.buf.is_empty() {
            let extra = self.buf.escape_ascii().to_string();
            return Err(io::Error::other(format!(
                "unexpected bytes before the close: {extra}"
            )));
        }
        Ok(())
    }
}

/// A command as a multibulk request.
pub fn encode(args: &[&[u8]]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", args.len()).into_bytes();
    for a in args {
        out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// The length of the first complete reply in `buf`, if it holds one.
pub fn reply_len(buf: &[u8]) -> Option<usize> {
    let eol = buf.windows(2).position(|w| w == b"\r\n")?;
    let after = eol + 2;
    let n = || -> i64 {
        std::str::from_utf8(&buf[1..eol])
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                panic!(
                    "bad length in {:?}",
                    buf[..after].escape_ascii().to_string()
                )
            })
    };
    match buf[0] {
        b'+' | b'-' | b':' => Some(after),
        b'$' if n() < 0 => Some(after),
        b'$' => {
            let end = after + n() as usize + 2;
            (buf.len() >= end).then_some(end)
        }
        b'*' => {
            let mut pos = after;
            for _ in 0..n().max(0) {
                pos += reply_len(&buf[pos..])?;
            }
            Some(pos)
        }
        other => panic!("not a RESP2 reply: starts with {:?}", other as char),
    }
}

/// A reply as text: `OK` (status), `(error) ERR …`, `(integer) 5`,
/// `"bulk"` (escaped), `(nil)`, `(nil array)`, `[a, b]`.
pub fn render(raw: &[u8]) -> String {
    let eol = raw
        .windows(2)
        .position(|w| w == b"\r\n")
        .expect("a reply line");
    let line = String::from_utf8_lossy(&raw[1..eol]).into_owned();
    let after = eol + 2;
    match raw[0] {
        b'+' => line,
        b'-' => format!("(error) {line}"),
        b':' => format!("(integer) {line}"),
        b'$' if line == "-1" => "(nil)".to_string(),
        b'$' => {
            let len: usize = line.parse().expect("a bulk length");
            format!("\"{}\"", raw[after..after + len].escape_ascii())
        }
        b'*' if line == "-1" => "(nil array)".to_string(),
        b'*' => {
            let mut items = Vec::new();
            let mut pos = after;
            for _ in 0..line.parse::<usize>().expect("an array length") {
                let len = reply_len(&raw[pos..]).expect("a whole reply");
                items.push(render(&raw[pos..pos + len]));
                pos += len;
            }
            format!("[{}]", items.join(", "))
        }
        other => panic!("not a RESP2 reply: starts with {:?}", other as char),
    }
}
