//! tokio's IO traits and `io-util` (which `mini_rt::io` re-exports) on
//! mini_rt's sockets: reads into uninitialised `ReadBuf`s, vectored writes,
//! shutdown, buffering, cancel safety, proxying and cross-thread pipes.
//! Every wait is bounded, so a lost wakeup fails instead of hanging.

mod support;

use bytes::BytesMut;
use futures::FutureExt;
use mini_rt::io::{
    copy_bidirectional, duplex, split, AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite,
    AsyncWriteExt, BufReader, BufWriter, ErrorKind, ReadBuf,
};
use mini_rt::net::UnixStream;
use std::future::poll_fn;
use std::io::IoSlice;
use std::mem::MaybeUninit;
use std::pin::Pin;
use support::{bounded, tcp_pair};

/// One `poll_read` (after waiting for data) into a fresh uninitialised
/// buffer: what arrived is filled, and only that is marked initialised, so
/// the rest of the buffer was neither zeroed nor touched.
async fn read_uninit<R: AsyncRead + Unpin>(r: &mut R, expect: &[u8]) {
    let mut storage = [MaybeUninit::<u8>::uninit(); 4096];
    let mut buf = ReadBuf::uninit(&mut storage);
    bounded(5, poll_fn(|cx| Pin::new(&mut *r).poll_read(cx, &mut buf)))
        .await
        .unwrap();
    assert_eq!(buf.filled(), expect);
    assert_eq!(buf.initialized().len(), expect.len(), "buffer was zeroed");
}

#[mini_rt::test]
async fn stream_reads_fill_a_read_buf_without_zeroing_it() {
    let (mut client, mut server) = tcp_pair().await;
    client.write_all(b"tcp").await.unwrap();
    read_uninit(&mut server, b"tcp").await;
    {
        let (mut rd, _wr) = server.split();
        client.write_all(b"borrowed half").await.unwrap();
        read_uninit(&mut rd, b"borrowed half").await;
    }
    let (mut rd, _wr) = server.into_split();
    client.write_all(b"owned half").await.unwrap();
    read_uninit(&mut rd, b"owned half").await;

    let (mut a, mut b) = UnixStream::pair().unwrap();
    a.write_all(b"unix").await.unwrap();
    read_uninit(&mut b, b"unix").await;
    let (mut rd, _wr) = b.into_split();
    a.write_all(b"unix owned half").await.unwrap();
    read_uninit(&mut rd, b"unix owned half").await;
}

#[mini_rt::test]
async fn read_buf_appends_into_a_bytes_mut() {
    let (mut client, mut server) = tcp_pair().await;
    client.write_all(b"abcdef").await.unwrap();
    let mut bytes = BytesMut::with_capacity(64);
    while bytes.len() < 6 {
        assert_ne!(bounded(5, server.read_buf(&mut bytes)).await.unwrap(), 0);
    }
    assert_eq!(&bytes[..], b"abcdef");
}

/// `w` takes vectored writes and sends every slice in one call (the
/// trait's default would send only the first non-empty one).
async fn vectored_write<W: AsyncWrite + Unpin, R: AsyncRead + Unpin>(w: &mut W, peer: &mut R) {
    assert!(w.is_write_vectored());
    let slices = [
        IoSlice::new(b"ab"),
        IoSlice::new(b""),
        IoSlice::new(b"cd"),
        IoSlice::new(b"ef"),
    ];
    assert_eq!(w.write_vectored(&slices).await.unwrap(), 6);
    let mut got = [0u8; 6];
    bounded(5, peer.read_exact(&mut got)).await.unwrap();
    assert_eq!(&got, b"abcdef");
}

#[mini_rt::test]
async fn vectored_writes_send_every_slice_at_once() {
    let (mut client, mut server) = tcp_pair().await;
    vectored_write(&mut client, &mut server).await;
    {
        let (_rd, mut wr) = client.split();
        vectored_write(&mut wr, &mut server).await;
    }
    let (_rd, mut wr) = client.into_split();
    vectored_write(&mut wr, &mut server).await;

    let (mut a, mut b) = UnixStream::pair().unwrap();
    vectored_write(&mut a, &mut b).await;
    {
        let (_rd, mut wr) = a.split();
        vectored_write(&mut wr, &mut b).await;
    }
    let (_rd, mut wr) = a.into_split();
    vectored_write(&mut wr, &mut b).await;
}

#[mini_rt::test]
async fn shutdown_sends_eof_and_the_stream_still_reads() {
    let (mut client, mut server) = tcp_pair().await;
    client.write_all(b"last words").await.unwrap();
    client.shutdown().await.unwrap();
    let mut got = Vec::new();
    bounded(5, server.read_to_end(&mut got)).await.unwrap();
    assert_eq!(got, b"last words");
    server.write_all(b"bye").await.unwrap();
    drop(server);
    let mut back = Vec::new();
    bounded(5, client.read_to_end(&mut back)).await.unwrap();
    assert_eq!(back, b"bye");

    let (a, mut b) = UnixStream::pair().unwrap();
    let (mut rd, mut wr) = a.into_split();
    wr.shutdown().await.unwrap();
    let mut got = Vec::new();
    bounded(5, b.read_to_end(&mut got)).await.unwrap();
    assert!(got.is_empty());
    b.write_all(b"still open").await.unwrap();
    let mut back = [0u8; 10];
    bounded(5, rd.read_exact(&mut back)).await.unwrap();
    assert_eq!(&back, b"still open");
    drop(wr); // already shut down: dropping it does nothing more
}

#[mini_rt::test]
async fn buf_writer_holds_small_writes_until_flush() {
    let (client, mut server) = tcp_pair().await;
    let mut writer = BufWriter::new(client);
    writer.write_all(b"abc").await.unwrap();
    let mut got = [0u8; 3];
    // Nothing left user space: the peer has nothing to read.
    assert_eq!(
        server.try_read(&mut got).unwrap_err().kind(),
        ErrorKind::WouldBlock
    );
    writer.flush().await.unwrap();
    bounded(5, server.read_exact(&mut got)).await.unwrap();
    assert_eq!(&got, b"abc");
}

#[mini_rt::test]
async fn next_line_is_cancel_safe_on_a_socket() {
    let (mut client, server) = tcp_pair().await;
    let mut lines = BufReader::new(server).lines();
    client.write_all(b"hel").await.unwrap();
    bounded(5, lines.get_ref().get_ref().readable())
        .await
        .unwrap();
    // One poll reads the partial line, then the future is dropped.
    assert!(lines.next_line().now_or_never().is_none());
    client.write_all(b"lo\r\nworld\n").await.unwrap();
    let line = bounded(5, lines.next_line()).await.unwrap();
    assert_eq!(line.as_deref(), Some("hello"));
    let line = bounded(5, lines.next_line()).await.unwrap();
    assert_eq!(line.as_deref(), Some("world"));
    drop(client);
    assert_eq!(bounded(5, lines.next_line()).await.unwrap(), None);
}

#[mini_rt::test]
async fn read_until_keeps_partial_data_across_cancellation() {
    let (mut client, server) = tcp_pair().await;
    let mut reader = BufReader::new(server);
    let mut record = Vec::new();
    client.write_all(b"par").await.unwrap();
    bounded(5, reader.get_ref().readable()).await.unwrap();
    assert!(reader
        .read_until(b';', &mut record)
        .now_or_never()
        .is_none());
    assert_eq!(record, b"par");
    client.write_all(b"tial;next").await.unwrap();
    let n = bounded(5, reader.read_until(b';', &mut record))
        .await
        .unwrap();
    assert_eq!((n, &record[..]), (5, &b"partial;"[..]));
}

#[mini_rt::test]
async fn copy_bidirectional_proxies_between_two_connections() {
    let (mut user, mut inbound) = tcp_pair().await;
    let (mut outbound, mut upstream) = tcp_pair().await;
    let proxy =
        mini_rt::spawn(async move { copy_bidirectional(&mut inbound, &mut outbound).await });
    let echo = mini_rt::spawn(async move {
        let (mut rd, mut wr) = upstream.split();
        mini_rt::io::copy(&mut rd, &mut wr).await
    });
    let data: Vec<u8> = (0..256 * 1024u32).map(|i| (i % 251) as u8).collect();
    let (mut rd, mut wr) = user.split();
    let send = async {
        wr.write_all(&data).await.unwrap();
        wr.shutdown().await.unwrap();
    };
    let mut back = Vec::new();
    let (_, got) = bounded(10, async {
        mini_rt::join!(send, rd.read_to_end(&mut back))
    })
    .await;
    assert_eq!(got.unwrap(), data.len());
    assert!(back == data);
    let n = data.len() as u64;
    assert_eq!(bounded(5, echo).await.unwrap().unwrap(), n);
    assert_eq!(bounded(5, proxy).await.unwrap().unwrap(), (n, n));
}

#[mini_rt::test]
async fn io_split_halves_of_a_socket_work_in_two_tasks() {
    let (client, mut server) = tcp_pair().await;
    let (mut rd, mut wr) = split(client);
    let reader = mini_rt::spawn(async move {
        let mut got = [0u8; 4];
        rd.read_exact(&mut got).await.unwrap();
        (rd, got)
    });
    wr.write_all(b"ping").await.unwrap();
    server.write_all(b"pong").await.unwrap();
    let mut got = [0u8; 4];
    bounded(5, server.read_exact(&mut got)).await.unwrap();
    assert_eq!(&got, b"ping");
    let (rd, got) = bounded(5, reader).await.unwrap();
    assert_eq!(&got, b"pong");
    let _client = rd.unsplit(wr);
}

#[mini_rt::test]
async fn duplex_backpressure_across_threads() {
    let (mut a, mut b) = duplex(64);
    let data: Vec<u8> = (0..100_000u32).map(|i| (i % 253) as u8).collect();
    let expected = data.clone();
    let writer = std::thread::spawn(move || {
        futures::executor::block_on(async {
            a.write_all(&data).await.unwrap();
            a.shutdown().await.unwrap();
        })
    });
    let mut got = Vec::new();
    bounded(10, b.read_to_end(&mut got)).await.unwrap();
    writer.join().unwrap();
    assert!(got == expected);
}
