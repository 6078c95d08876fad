//! A hello-world HTTP/1.1 server on hyper and mini_rt: every request gets
//! `Hello, World!`, and connections are kept alive between requests.
//! `examples/hyper_server_tokio.rs` is the same program on tokio's
//! current-thread runtime with hyper-util; `benches/http.sh` runs both
//! under `wrk`.
//!
//! Run it (the listen address is optional, default `127.0.0.1:3000`):
//! ```text
//! cargo run --release --features hyper --example hyper_server -- 127.0.0.1:3000
//! curl http://127.0.0.1:3000/
//! ```
//! The only mini_rt-specific line is `Io::new(stream)`, where tokio code
//! writes hyper-util's `TokioIo::new(stream)`. To time out slow request
//! heads, give the builder a timer: `.timer(mini_rt::hyper::Timer::new())`.
//! Pick the readiness backend with `MINI_RT_BACKEND=epoll|epoll-lt|epoll-oneshot|poll|select`.

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use mini_rt::hyper::Io;
use mini_rt::net::TcpListener;
use std::convert::Infallible;

async fn hello(_: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    Ok(Response::new(Full::new(Bytes::from_static(
        b"Hello, World!",
    ))))
}

#[mini_rt::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:3000".into());
    let listener = TcpListener::bind(&addr).await?;
    println!("listening on http://{}", listener.local_addr()?);

    loop {
        let (stream, _) = listener.accept().await?;
        stream.set_nodelay(true)?;
        mini_rt::spawn(async move {
            let conn = http1::Builder::new().serve_connection(Io::new(stream), service_fn(hello));
            if let Err(err) = conn.await {
                eprintln!("connection error: {err}");
            }
        });
    }
}
