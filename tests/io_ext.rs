//! `mini_rt::io`'s extension traits and helpers, used through the public API
//! over in-memory `duplex` pipes (no sockets involved).
//!
//! Run with `cargo test --test io_ext`.

use mini_rt::io::{
    copy, copy_bidirectional, duplex, split, AsyncBufReadExt, AsyncReadExt, AsyncWriteExt,
    BufReader, BufWriter, ErrorKind,
};

#[mini_rt::test]
async fn write_all_then_read_exact() {
    let (mut a, mut b) = duplex(1024);
    a.write_all(b"hello world").await.unwrap();
    let mut buf = [0u8; 5];
    assert_eq!(b.read_exact(&mut buf).await.unwrap(), 5);
    assert_eq!(&buf, b"hello");
    let mut buf = [0u8; 16];
    let n = b.read(&mut buf).await.unwrap();
    assert_eq!(&buf[..n], b" world");
}

#[mini_rt::test]
async fn read_exact_fails_with_unexpected_eof_when_the_peer_closes_early() {
    let (mut a, mut b) = duplex(1024);
    a.write_all(b"abc").await.unwrap();
    a.shutdown().await.unwrap();
    let mut buf = [0u8; 4];
    let err = b.read_exact(&mut buf).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnexpectedEof);
}

#[mini_rt::test]
async fn integers_round_trip_in_both_byte_orders() {
    let (mut a, mut b) = duplex(1024);
    a.write_u8(7).await.unwrap();
    a.write_u16(0x0102).await.unwrap();
    a.write_u32_le(0x0102_0304).await.unwrap();
    a.write_i64(-42).await.unwrap();
    assert_eq!(b.read_u8().await.unwrap(), 7);
    let mut two = [0u8; 2];
    b.read_exact(&mut two).await.unwrap();
    assert_eq!(two, [1, 2]);
    assert_eq!(b.read_u32_le().await.unwrap(), 0x0102_0304);
    assert_eq!(b.read_i64().await.unwrap(), -42);
}

#[mini_rt::test]
async fn lines_strip_lf_and_crlf() {
    let (mut a, b) = duplex(1024);
    a.write_all(b"one\r\ntwo\nthree").await.unwrap();
    drop(a);
    let mut lines = BufReader::new(b).lines();
    assert_eq!(lines.next_line().await.unwrap().as_deref(), Some("one"));
    assert_eq!(lines.next_line().await.unwrap().as_deref(), Some("two"));
    assert_eq!(lines.next_line().await.unwrap().as_deref(), Some("three"));
    assert_eq!(lines.next_line().await.unwrap(), None);
}

#[mini_rt::test]
async fn read_line_and_read_to_string() {
    let (mut a, b) = duplex(1024);
    a.write_all(b"first\nthe rest").await.unwrap();
    a.shutdown().await.unwrap();
    let mut r = BufReader::new(b);
    let mut line = String::new();
    assert_eq!(r.read_line(&mut line).await.unwrap(), 6);
    assert_eq!(line, "first\n");
    let mut rest = String::new();
    r.read_to_string(&mut rest).await.unwrap();
    assert_eq!(rest, "the rest");
}

#[mini_rt::test]
async fn buf_writer_sends_on_flush() {
    let (a, mut b) = duplex(1024);
    let mut w = BufWriter::new(a);
    w.write_all(b"buffered").await.unwrap();
    assert_eq!(w.buffer(), b"buffered");
    w.flush().await.unwrap();
    let mut buf = [0u8; 8];
    b.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"buffered");
}

#[mini_rt::test]
async fn copy_moves_everything_until_eof() {
    let (mut src_w, mut src_r) = duplex(64 * 1024);
    let (mut dst_w, mut dst_r) = duplex(64 * 1024);
    let data: Vec<u8> = (0..50_000u32).map(|i| i as u8).collect();
    src_w.write_all(&data).await.unwrap();
    drop(src_w);
    assert_eq!(
        copy(&mut src_r, &mut dst_w).await.unwrap(),
        data.len() as u64
    );
    drop(dst_w);
    let mut out = Vec::new();
    dst_r.read_to_end(&mut out).await.unwrap();
    assert!(out == data);
}

#[mini_rt::test]
async fn copy_bidirectional_passes_data_and_eof_both_ways() {
    let (mut client_a, mut proxy_a) = duplex(1024);
    let (mut client_b, mut proxy_b) = duplex(1024);
    client_a.write_all(b"to b").await.unwrap();
    client_a.shutdown().await.unwrap();
    client_b.write_all(b"to a!").await.unwrap();
    client_b.shutdown().await.unwrap();
    let counts = copy_bidirectional(&mut proxy_a, &mut proxy_b)
        .await
        .unwrap();
    assert_eq!(counts, (4, 5));
    let mut s = String::new();
    client_b.read_to_string(&mut s).await.unwrap();
    assert_eq!(s, "to b");
    s.clear();
    client_a.read_to_string(&mut s).await.unwrap();
    assert_eq!(s, "to a!");
}

#[mini_rt::test]
async fn split_halves_reunite() {
    let (a, mut b) = duplex(1024);
    let (mut rd, mut wr) = split(a);
    wr.write_all(b"ping").await.unwrap();
    let mut buf = [0u8; 4];
    b.read_exact(&mut buf).await.unwrap();
    b.write_all(b"pong").await.unwrap();
    rd.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"pong");
    let _a = rd.unsplit(wr);
}

#[mini_rt::test]
async fn small_pipe_applies_backpressure_to_a_spawned_writer() {
    let (mut a, mut b) = duplex(16);
    let data: Vec<u8> = (0..10_000u32).map(|i| (i % 251) as u8).collect();
    let expected = data.clone();
    let writer = mini_rt::spawn(async move {
        a.write_all(&data).await.unwrap();
        a.shutdown().await.unwrap();
    });
    let mut out = Vec::new();
    b.read_to_end(&mut out).await.unwrap();
    writer.await.unwrap();
    assert!(out == expected);
}
