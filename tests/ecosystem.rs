//! Crates written for tokio, used on mini_rt unchanged: tokio-util's codecs
//! over mini_rt's sockets, tokio-stream's wrappers around mini_rt's
//! channels, and tokio-util's `CancellationToken` and `TaskTracker` for a
//! graceful shutdown. (The futures prelude and `tokio_util::compat` are in
//! `tests/futures_prelude.rs`.) Every wait is bounded.

mod support;

use bytes::Bytes;
use futures::{SinkExt, StreamExt};
use mini_rt::net::{TcpListener, TcpStream, UnixStream};
use mini_rt::sync::mpsc;
use support::{bounded, tcp_pair};
use tokio_stream::wrappers::{BroadcastStream, ReceiverStream, UnboundedReceiverStream};
use tokio_util::codec::{Framed, FramedRead, FramedWrite, LengthDelimitedCodec, LinesCodec};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

#[mini_rt::test]
async fn framed_lines_echo_over_tcp() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = mini_rt::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        let mut lines = Framed::new(socket, LinesCodec::new());
        let mut echoed = 0;
        while let Some(line) = lines.next().await {
            lines.send(line.unwrap()).await.unwrap();
            echoed += 1;
        }
        echoed
    });
    let socket = bounded(5, TcpStream::connect(addr)).await.unwrap();
    let mut client = Framed::new(socket, LinesCodec::new());
    for word in ["hello", "", "mini_rt ünïcode"] {
        bounded(5, client.send(word)).await.unwrap();
        let back = bounded(5, client.next()).await.unwrap().unwrap();
        assert_eq!(back, word);
    }
    drop(client);
    assert_eq!(bounded(5, server).await.unwrap(), 3);
}

#[mini_rt::test]
async fn framed_read_and_write_over_owned_halves_in_two_tasks() {
    let (client, server) = tcp_pair().await;
    // Server: one task reads lines, another writes them back upper-cased.
    let (rd, wr) = server.into_split();
    let (tx, rx) = mpsc::channel::<String>(4);
    let reader = mini_rt::spawn(async move {
        let mut lines = FramedRead::new(rd, LinesCodec::new());
        while let Some(line) = lines.next().await {
            tx.send(line.unwrap().to_uppercase()).await.unwrap();
        }
    });
    let writer = mini_rt::spawn(async move {
        let mut out = FramedWrite::new(wr, LinesCodec::new());
        let mut rx = ReceiverStream::new(rx).map(Ok);
        out.send_all(&mut rx).await.unwrap();
    });
    let (rd, wr) = client.into_split();
    let mut to_server = FramedWrite::new(wr, LinesCodec::new());
    let mut from_server = FramedRead::new(rd, LinesCodec::new());
    let words: Vec<String> = (0..100).map(|i| format!("line {i}")).collect();
    let send = async {
        for w in &words {
            to_server.send(w.as_str()).await.unwrap();
        }
        drop(to_server); // the owned write half shuts the write side down
    };
    let recv = async {
        let mut got = Vec::new();
        while let Some(line) = from_server.next().await {
            got.push(line.unwrap());
        }
        got
    };
    let ((), got) = bounded(10, async { mini_rt::join!(send, recv) }).await;
    let want: Vec<String> = words.iter().map(|w| w.to_uppercase()).collect();
    assert_eq!(got, want);
    bounded(5, reader).await.unwrap();
    bounded(5, writer).await.unwrap();
}

#[mini_rt::test]
async fn length_delimited_frames_over_a_unix_pair() {
    let (a, b) = UnixStream::pair().unwrap();
    let mut a = Framed::new(a, LengthDelimitedCodec::new());
    let mut b = Framed::new(b, LengthDelimitedCodec::new());
    let frames: Vec<Bytes> = [0usize, 1, 1000, 300_000]
        .iter()
        .map(|&n| (0..n).map(|i| (i % 251) as u8).collect::<Vec<u8>>().into())
        .collect();
    let send = async {
        for f in &frames {
            a.send(f.clone()).await.unwrap();
        }
        a
    };
    let recv = async {
        let mut got = Vec::new();
        for _ in 0..frames.len() {
            got.push(b.next().await.unwrap().unwrap().freeze());
        }
        got
    };
    let (mut a, got) = bounded(10, async { mini_rt::join!(send, recv) }).await;
    assert_eq!(got, frames);
    // And back the other way.
    bounded(5, b.send(Bytes::from_static(b"ack")))
        .await
        .unwrap();
    let ack = bounded(5, a.next()).await.unwrap().unwrap();
    assert_eq!(&ack[..], b"ack");
}

#[mini_rt::test]
async fn receiver_streams_wrap_mini_rt_channels() {
    let (tx, rx) = mpsc::channel(8);
    mini_rt::spawn(async move {
        for i in 0..50 {
            tx.send(i).await.unwrap();
        }
    });
    let got: Vec<u32> = bounded(5, ReceiverStream::new(rx).collect()).await;
    assert_eq!(got, (0..50).collect::<Vec<_>>());

    let (tx, rx) = mpsc::unbounded_channel();
    for i in 0..5 {
        tx.send(i).unwrap();
    }
    drop(tx);
    let evens: Vec<u32> = bounded(
        5,
        UnboundedReceiverStream::new(rx)
            .filter(|i| std::future::ready(i % 2 == 0))
            .collect(),
    )
    .await;
    assert_eq!(evens, [0, 2, 4]);

    let (tx, rx) = mini_rt::sync::broadcast::channel(4);
    let stream = BroadcastStream::new(rx);
    tx.send("a").unwrap();
    tx.send("b").unwrap();
    drop(tx);
    let got: Vec<_> = bounded(5, stream.map(Result::unwrap).collect()).await;
    assert_eq!(got, ["a", "b"]);
}

/// One connection of the graceful-shutdown server: echoes lines until the
/// client leaves or shutdown is requested; on shutdown it says goodbye.
async fn serve(socket: TcpStream, shutdown: CancellationToken) {
    let mut lines = Framed::new(socket, LinesCodec::new());
    loop {
        mini_rt::select! {
            line = lines.next() => match line {
                Some(Ok(line)) => lines.send(line).await.unwrap(),
                _ => return,
            },
            _ = shutdown.cancelled() => {
                let _ = lines.send("goodbye").await;
                return;
            }
        }
    }
}

#[mini_rt::test]
async fn cancellation_token_and_task_tracker_shut_a_server_down_gracefully() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let shutdown = CancellationToken::new();
    let tracker = TaskTracker::new();
    let acceptor = {
        let (shutdown, tracker) = (shutdown.clone(), tracker.clone());
        mini_rt::spawn(async move {
            loop {
                mini_rt::select! {
                    accepted = listener.accept() => {
                        let (socket, _) = accepted.unwrap();
                        mini_rt::spawn(tracker.track_future(serve(socket, shutdown.child_token())));
                    }
                    _ = shutdown.cancelled() => return,
                }
            }
        })
    };
    let mut clients = Vec::new();
    for i in 0..3 {
        let socket = bounded(5, TcpStream::connect(addr)).await.unwrap();
        let mut client = Framed::new(socket, LinesCodec::new());
        bounded(5, client.send(format!("hi {i}"))).await.unwrap();
        let back = bounded(5, client.next()).await.unwrap().unwrap();
        assert_eq!(back, format!("hi {i}"));
        clients.push(client);
    }
    assert_eq!(tracker.len(), 3);

    shutdown.cancel();
    tracker.close();
    bounded(5, tracker.wait()).await;
    bounded(5, acceptor).await.unwrap();
    assert!(tracker.is_empty());
    for mut client in clients {
        let bye = bounded(5, client.next()).await.unwrap().unwrap();
        assert_eq!(bye, "goodbye");
        assert!(bounded(5, client.next()).await.is_none(), "then EOF");
    }
    let refused = bounded(5, TcpStream::connect(addr)).await.unwrap_err();
    assert_eq!(refused.raw_os_error(), Some(libc::ECONNREFUSED));
}
