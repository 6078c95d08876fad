//! RESP2 reply encoding, appended to a connection's output buffer.

/// `+OK`.
pub fn ok(out: &mut Vec<u8>) {
    out.extend_from_slice(b"+OK\r\n");
}

/// A status reply: `+{s}`.
pub fn status(out: &mut Vec<u8>, s: &str) {
    out.push(b'+');
    out.extend_from_slice(s.as_bytes());
    out.extend_from_slice(b"\r\n");
}

/// An error reply: `-{msg}`.
pub fn error(out: &mut Vec<u8>, msg: &str) {
    out.push(b'-');
    error_tail(out, msg.as_bytes());
}

/// The rest of an error reply after its `-`: `msg`, with any `\r` or `\n`
/// turned into a space (as redis does) so the reply stays one line.
pub fn error_tail(out: &mut Vec<u8>, msg: &[u8]) {
    out.extend(
        msg.iter()
            .map(|&b| if b == b'\r' || b == b'\n' { b' ' } else { b }),
    );
    out.extend_from_slice(b"\r\n");
}

/// An integer reply: `:{n}`.
pub fn int(out: &mut Vec<u8>, n: i64) {
    out.push(b':');
    push_int(out, n);
    out.extend_from_slice(b"\r\n");
}

/// A bulk string reply: `${len}` and the bytes.
pub fn bulk(out: &mut Vec<u8>, data: &[u8]) {
    out.push(b'$');
    push_int(out, data.len() as i64);
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(data);
    out.extend_from_slice(b"\r\n");
}

/// A bulk string holding a score, formatted as redis formats doubles.
pub fn bulk_double(out: &mut Vec<u8>, d: f64) {
    bulk(out, format_double(d).as_bytes());
}

/// The null bulk string `$-1`, RESP2's "no value".
pub fn nil(out: &mut Vec<u8>) {
    out.extend_from_slice(b"$-1\r\n");
}

/// The null array `*-1`.
pub fn nil_array(out: &mut Vec<u8>) {
    out.extend_from_slice(b"*-1\r\n");
}

/// The header of an array of `len` replies, which the caller appends.
pub fn array(out: &mut Vec<u8>, len: usize) {
    out.push(b'*');
    push_int(out, len as i64);
    out.extend_from_slice(b"\r\n");
}

/// `n` in decimal, without allocating.
pub fn push_int(out: &mut Vec<u8>, n: i64) {
    if (0..10).contains(&n) {
        out.push(b'0' + n as u8);
        return;
    }
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    let mut v = n.unsigned_abs();
    while v > 0 {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
    }
    if n < 0 {
        out.push(b'-');
    }
    out.extend_from_slice(&buf[i..]);
}

/// C's `%.17g`, which redis uses for scores: 17 significant digits,
/// trailing zeros dropped, exponent form below 1e-4 and from 1e17;
/// `inf`/`-inf`; and 0 for negative zero.
pub fn format_double(d: f64) -> String {
    if d.is_infinite() {
        return if d > 0.0 { "inf" } else { "-inf" }.to_string();
    }
    if d == 0.0 {
        return "0".to_string();
    }
    let sci = format!("{d:.16e}"); // "d.dddddddddddddddde-X", correctly rounded
    let (mantissa, exp) = sci.split_once('e').expect("{:e} has an exponent");
    let exp: i32 = exp.parse().expect("{:e}'s exponent is an integer");
    if !(-4..17).contains(&exp) {
        let m = strip_zeros(mantissa);
        let sign = if exp < 0 { '-' } else { '+' };
        return format!("{m}e{sign}{:02}", exp.abs());
    }
    let decimals = (16 - exp) as usize;
    strip_zeros(&format!("{d:.decimals$}")).to_string()
}

fn strip_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}
