//! The request parser: RESP2 multibulk (`*2\r\n$3\r\nGET\r\n$1\r\nk\r\n`)
//! and inline (`GET k\r\n`) requests, with redis's rules and error messages.
//!
//! The parser is resumable: fed the bytes of one connection from the start
//! of its current request, it returns `Ok(None)` until the request is
//! complete and remembers how far it got, so a request that arrives in
//! many reads is scanned once. Arguments are ranges into the caller's
//! buffer (multibulk) or into the parser's own buffer (inline, whose quotes
//! and escapes must be decoded), so a request is never copied.

/// redis's `PROTO_INLINE_MAX_SIZE`: the longest inline request, and the
/// longest `*N` or `$N` header line, before the connection is refused.
pub const MAX_LINE: usize = 64 * 1024;

/// A protocol error: the reply is `-ERR Protocol error: {0}` and the
/// connection is closed after it.
#[derive(Debug, PartialEq)]
pub struct ProtocolError(pub String);

fn err<T>(msg: &str) -> Result<T, ProtocolError> {
    Err(ProtocolError(msg.to_string()))
}

/// The arguments of one parsed request, borrowed from where they lie.
#[derive(Clone, Copy)]
pub struct Args<'a> {
    src: &'a [u8],
    ranges: &'a [(usize, usize)],
}

impl<'a> Args<'a> {
    /// How many arguments there are (the command name included).
    pub fn len(&self) -> usize {
        self.ranges.len()
    }

    /// Argument `i` (0 is the command name).
    pub fn get(&self, i: usize) -> &'a [u8] {
        let (start, end) = self.ranges[i];
        &self.src[start..end]
    }

    /// Arguments `from..` in order.
    pub fn iter_from(&self, from: usize) -> impl Iterator<Item = &'a [u8]> + 'a {
        let src = self.src;
        self.ranges[from..].iter().map(move |&(s, e)| &src[s..e])
    }
}

/// Where a multibulk request stands between reads.
#[derive(Default)]
struct Multibulk {
    /// Arguments announced by `*N`; 0 while the header is not parsed yet.
    count: usize,
    /// Offset of the next unparsed byte, from the start of the request.
    pos: usize,
    /// Length announced by the current `$N` header, once it is parsed.
    bulk: Option<usize>,
}

/// One connection's parser; see the module docs.
#[derive(Default)]
pub struct Parser {
    ranges: Vec<(usize, usize)>,
    /// Decoded inline arguments (the ranges point here for inline requests).
    inline: Vec<u8>,
    is_inline: bool,
    state: Multibulk,
}

impl Parser {
    /// Parses the request at the start of `buf`. `Ok(Some(n))`: a whole
    /// request of `n` bytes, whose arguments [`Parser::args`] returns (none
    /// for an empty request, which gets no reply); `Ok(None)`: more bytes
    /// are needed (`buf` must start at the same request next time, with
    /// more bytes after it); `Err`: the connection must be closed.
    pub fn parse(
        &mut self,
        buf: &[u8],
        max_bulk_len: usize,
    ) -> Result<Option<usize>, ProtocolError> {
        if self.state.count == 0 {
            self.ranges.clear();
            self.is_inline = false;
            match buf.first() {
                None => return Ok(None),
                Some(b'*') => {}
                Some(_) => return self.parse_inline(buf),
            }
            let Some((line, next)) = header_line(buf, 1)? else {
                return if buf.len() > MAX_LINE {
                    err("too big mbulk count string")
                } else {
                    Ok(None)
                };
            };
            match parse_int(line) {
                Some(n) if n <= 0 => return Ok(Some(next)),
                Some(n) if n <= i32::MAX as i64 => {
                    self.state = Multibulk {
                        count: n as usize,
                        pos: next,
                        bulk: None,
                    };
                    // Bounded: each argument takes at least 6 bytes of the
                    // request, which the connection's buffer limit caps.
                    self.ranges.reserve(self.state.count.min(1024));
                }
                _ => return err("invalid multibulk length"),
            }
        }
        self.parse_bulks(buf, max_bulk_len)
    }

    /// The arguments of the request the last `parse` completed.
    pub fn args<'a>(&'a self, buf: &'a [u8]) -> Args<'a> {
        let src = if self.is_inline {
            &self.inline[..]
        } else {
            buf
        };
        Args {
            src,
            ranges: &self.ranges,
        }
    }

    /// The fewest bytes the current request can still occupy, counted from
    /// its start (known once a bulk header is parsed): the caller grows its
    /// buffer to this in one step rather than doubling up to it.
    pub fn needed(&self) -> usize {
        match self.state.bulk {
            Some(len) => self.state.pos + len + 2,
            None => 0,
        }
    }

    fn parse_bulks(&mut self, buf: &[u8], max: usize) -> Result<Option<usize>, ProtocolError> {
        let st = &mut self.state;
        while self.ranges.len() < st.count {
            let len = match st.bulk {
                Some(len) => len,
                None => {
                    let Some(&first) = buf.get(st.pos) else {
                        return Ok(None);
                    };
                    if first != b'$' {
                        let got = String::from_utf8_lossy(&[first]).into_owned();
                        st.count = 0;
                        return Err(ProtocolError(format!("expected '$', got '{got}'")));
                    }
                    let Some((line, next)) = header_line(buf, st.pos + 1)? else {
                        if buf.len() - st.pos > MAX_LINE {
                            st.count = 0;
                            return err("too big bulk count string");
                        }
                        return Ok(None);
                    };
                    match parse_int(line) {
                        Some(n) if n >= 0 && n as u64 <= max as u64 => {
                            st.pos = next;
                            st.bulk = Some(n as usize);
                            n as usize
                        }
                        _ => {
                            st.count = 0;
                            return err("invalid bulk length");
                        }
                    }
                }
            };
            // As redis: the two bytes after the data are taken to be "\r\n".
            if buf.len() < st.pos + len + 2 {
                return Ok(None);
            }
            self.ranges.push((st.pos, st.pos + len));
            st.pos += len + 2;
            st.bulk = None;
        }
        let used = st.pos;
        *st = Multibulk::default();
        Ok(Some(used))
    }

    fn parse_inline(&mut self, buf: &[u8]) -> Result<Option<usize>, ProtocolError> {
        let Some(nl) = buf.iter().position(|&b| b == b'\n') else {
            return if buf.len() > MAX_LINE {
                err("too big inline request")
            } else {
                Ok(None)
            };
        };
        let mut line = &buf[..nl];
        if let [rest @ .., b'\r'] = line {
            line = rest;
        }
        self.is_inline = true;
        self.inline.clear();
        split_args(line, &mut self.inline, &mut self.ranges)?;
        Ok(Some(nl + 1))
    }
}

/// The header line starting at `from` (after its `*` or `$`): its digits and
/// the offset after its line end. As redis, the line ends at the first `\r`,
/// which must be followed by one more byte (taken to be `\n`).
fn header_line(buf: &[u8], from: usize) -> Result<Option<(&[u8], usize)>, ProtocolError> {
    let rest = &buf[from.min(buf.len())..];
    match rest.iter().position(|&b| b == b'\r') {
        Some(cr) if cr + 1 < rest.len() => Ok(Some((&rest[..cr], from + cr + 2))),
        _ => Ok(None),
    }
}

/// redis's `string2ll`: an optional `-`, then digits without a leading zero
/// (except "0" itself), nothing else, in `i64` range.
pub fn parse_int(s: &[u8]) -> Option<i64> {
    let (neg, digits) = match s {
        [b'-', rest @ ..] => (true, rest),
        _ => (false, s),
    };
    if digits.is_empty() || digits.len() > 19 || (digits[0] == b'0' && (digits.len() > 1 || neg)) {
        return None;
    }
    let mut v: u64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
    }
    if neg {
        if v <= i64::MAX as u64 + 1 {
            Some((v as i64).wrapping_neg())
        } else {
            None
        }
    } else {
        i64::try_from(v).ok()
    }
}

/// redis's `sdssplitargs`: words separated by blanks; `"..."` with `\n`,
/// `\r`, `\t`, `\b`, `\a`, `\xHH` and `\<any>` escapes; `'...'` with only
/// `\'`; a closing quote must be followed by a blank or the end. As in C,
/// a NUL byte ends the line.
fn split_args(
    line: &[u8],
    out: &mut Vec<u8>,
    ranges: &mut Vec<(usize, usize)>,
) -> Result<(), ProtocolError> {
    let line = match line.iter().position(|&b| b == 0) {
        Some(nul) => &line[..nul],
        None => line,
    };
    // C's isspace, which skips blanks between words and must follow a quote.
    let blank = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r');
    let unbalanced = || err("unbalanced quotes in request");
    let mut i = 0;
    loop {
        while i < line.len() && blank(line[i]) {
            i += 1;
        }
        if i == line.len() {
            return Ok(());
        }
        let start = out.len();
        let mut quote = None;
        loop {
            let Some(&c) = line.get(i) else {
                if quote.is_some() {
                    return unbalanced();
                }
                break;
            };
            i += 1;
            match quote {
                None => match c {
                    b' ' | b'\n' | b'\r' | b'\t' => break,
                    b'"' | b'\'' => quote = Some(c),
                    _ => out.push(c),
                },
                Some(q) if c == q => {
                    // The closing quote ends the word.
                    if line.get(i).is_some_and(|&b| !blank(b)) {
                        return unbalanced();
                    }
                    break;
                }
                Some(b'"') if c == b'\\' && i < line.len() => match &line[i..] {
                    [b'x', h, l, ..] if hex(*h).is_some() && hex(*l).is_some() => {
                        out.push(hex(*h).unwrap() * 16 + hex(*l).unwrap());
                        i += 3;
                    }
                    [e, ..] => {
                        out.push(match e {
                            b'n' => b'\n',
                            b'r' => b'\r',
                            b't' => b'\t',
                            b'b' => 8,
                            b'a' => 7,
                            other => *other,
                        });
                        i += 1;
                    }
                    [] => unreachable!("guarded by i < line.len()"),
                },
                Some(_) if c == b'\\' && line.get(i) == Some(&b'\'') => {
                    out.push(b'\'');
                    i += 1;
                }
                Some(_) => out.push(c),
            }
        }
        ranges.push((start, out.len()));
    }
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}
