//! `use futures::prelude::*;` beside `mini_rt::io::{AsyncReadExt,
//! AsyncWriteExt}` compiles and both work, as with tokio: mini_rt's sockets
//! implement tokio's traits, not futures-io's, so no method is ambiguous
//! (this file once failed with E0034, "multiple applicable items"). The
//! futures-io world is reached through `tokio_util::compat`, as with tokio.

mod support;

use futures::prelude::*;
use mini_rt::io::{AsyncReadExt, AsyncWriteExt};
use support::{bounded, tcp_pair};
use tokio_util::compat::{TokioAsyncReadCompatExt, TokioAsyncWriteCompatExt};

#[mini_rt::test]
async fn futures_prelude_and_mini_rt_io_ext_traits_work_side_by_side() {
    let (mut client, mut server) = tcp_pair().await;
    // tokio's AsyncWriteExt::write_all / AsyncReadExt::read_exact ...
    client.write_all(b"ping").await.unwrap();
    let mut buf = [0u8; 4];
    bounded(5, server.read_exact(&mut buf)).await.unwrap();
    assert_eq!(&buf, b"ping");
    // ... beside futures' StreamExt and FutureExt from the prelude.
    let doubled: Vec<u32> = stream::iter(1..=3).map(|i| i * 2).collect().await;
    assert_eq!(doubled, [2, 4, 6]);
    let echoed = async {
        server.write_all(&buf).await?;
        client.read_exact(&mut buf).await
    }
    .map(|res| res.unwrap())
    .await;
    assert_eq!(echoed, 4);
}

#[mini_rt::test]
async fn compat_bridges_a_mini_rt_socket_to_futures_io_copy() {
    let (client, server) = tcp_pair().await;
    // An echo server written against futures-io: futures::io::copy from the
    // socket's read half back into its write half.
    let echo = mini_rt::spawn(async move {
        let (rd, wr) = server.into_split();
        let mut wr = wr.compat_write();
        let copied = futures::io::copy(rd.compat(), &mut wr).await.unwrap();
        futures::io::AsyncWriteExt::close(&mut wr).await.unwrap();
        copied
    });
    // The client uses futures-io too, through the same adapters.
    let (rd, wr) = client.into_split();
    let (mut rd, mut wr) = (rd.compat(), wr.compat_write());
    let data: Vec<u8> = (0..200_000u32).map(|i| (i % 249) as u8).collect();
    let send = async {
        futures::io::AsyncWriteExt::write_all(&mut wr, &data)
            .await
            .unwrap();
        futures::io::AsyncWriteExt::close(&mut wr).await.unwrap();
    };
    let mut back = Vec::new();
    let recv = futures::io::AsyncReadExt::read_to_end(&mut rd, &mut back);
    let ((), n) = bounded(10, async { mini_rt::join!(send, recv) }).await;
    assert_eq!(n.unwrap(), data.len());
    assert!(back == data);
    assert_eq!(bounded(5, echo).await.unwrap(), data.len() as u64);
}
