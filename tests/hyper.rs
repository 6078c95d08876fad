//! hyper 1.x on mini_rt through `mini_rt::hyper::{Io, Executor, Timer}`:
//! a hyper client against a hyper server, both on the test's runtime, over
//! HTTP/1.1 and HTTP/2. The services hold an `Rc`, so their futures are
//! `!Send`: HTTP/2 spawns them through `Executor`. Every wait is bounded.

mod support;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::client::conn::{http1 as client1, http2 as client2};
use hyper::server::conn::{http1 as server1, http2 as server2};
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use mini_rt::hyper::{Executor, Io, Timer};
use mini_rt::io::{AsyncReadExt, AsyncWriteExt};
use mini_rt::net::{TcpListener, TcpStream};
use mini_rt::time::{Duration, Instant};
use std::cell::Cell;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::rc::Rc;
use support::bounded;

type Reply = Result<Response<Full<Bytes>>, Infallible>;

/// What the test servers answer: `POST /echo` returns the request body,
/// anything else `hello <n>`, where n counts the requests served on this
/// connection (kept in an `Rc`, which makes the service future `!Send`).
async fn handle(req: Request<Incoming>, served: Rc<Cell<u32>>) -> Reply {
    served.set(served.get() + 1);
    if req.method() == Method::POST && req.uri().path() == "/echo" {
        let body = req.into_body().collect().await.expect("request body");
        return Ok(Response::new(Full::new(body.to_bytes())));
    }
    let text = format!("hello {}", served.get());
    Ok(Response::new(Full::new(Bytes::from(text))))
}

/// Binds a listener and serves every connection with `handle`, over
/// HTTP/1.1 (with `Timer` and the given header read timeout) or HTTP/2.
/// Returns the address and the number of connections accepted so far.
async fn server(http2: bool, header_timeout: Option<Duration>) -> (SocketAddr, Rc<Cell<u32>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let accepted = Rc::new(Cell::new(0));
    let count = accepted.clone();
    mini_rt::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            count.set(count.get() + 1);
            let served = Rc::new(Cell::new(0));
            let service = service_fn(move |req| handle(req, served.clone()));
            let io = Io::new(stream);
            mini_rt::spawn(async move {
                // A client hanging up mid-exchange is not the server's failure.
                let _ = if http2 {
                    server2::Builder::new(Executor::new())
                        .serve_connection(io, service)
                        .await
                } else {
                    let mut builder = server1::Builder::new();
                    builder.timer(Timer::new());
                    if let Some(timeout) = header_timeout {
                        builder.header_read_timeout(timeout);
                    }
                    builder.serve_connection(io, service).await
                };
            });
        }
    });
    (addr, accepted)
}

/// An HTTP/1.1 client connection to `addr`, its connection task spawned.
async fn client_http1(addr: SocketAddr) -> client1::SendRequest<Full<Bytes>> {
    let stream = TcpStream::connect(addr).await.unwrap();
    let (sender, conn) = client1::handshake(Io::new(stream)).await.unwrap();
    mini_rt::spawn(conn);
    sender
}

/// Sends `req` and returns the status and the whole body.
async fn exchange<S>(sender: &mut S, req: Request<Full<Bytes>>) -> (StatusCode, Bytes)
where
    S: Sender,
{
    let resp = sender.send(req).await;
    let status = resp.status();
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    (status, body)
}

/// The two client handles, so `exchange` serves both protocols.
trait Sender {
    async fn send(&mut self, req: Request<Full<Bytes>>) -> Response<Incoming>;
}

impl Sender for client1::SendRequest<Full<Bytes>> {
    async fn send(&mut self, req: Request<Full<Bytes>>) -> Response<Incoming> {
        self.ready().await.unwrap();
        self.send_request(req).await.unwrap()
    }
}

impl Sender for client2::SendRequest<Full<Bytes>> {
    async fn send(&mut self, req: Request<Full<Bytes>>) -> Response<Incoming> {
        self.ready().await.unwrap();
        self.send_request(req).await.unwrap()
    }
}

fn get(path: &str) -> Request<Full<Bytes>> {
    Request::get(path)
        .header("host", "localhost")
        .body(Full::default())
        .unwrap()
}

#[mini_rt::test]
async fn http1_get() {
    let (addr, _) = server(false, None).await;
    let mut sender = bounded(5, client_http1(addr)).await;
    let (status, body) = bounded(5, exchange(&mut sender, get("/"))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(&body[..], b"hello 1");
}

#[mini_rt::test]
async fn http1_post_of_1_mib_is_echoed_intact() {
    let (addr, _) = server(false, None).await;
    let mut sender = bounded(5, client_http1(addr)).await;
    // Not one repeated byte: a lost, doubled or reordered chunk shows.
    let sent: Bytes = (0..1 << 20).map(|i: u32| (i % 251) as u8).collect();
    let req = Request::post("/echo")
        .header("host", "localhost")
        .body(Full::new(sent.clone()))
        .unwrap();
    let (status, body) = bounded(10, exchange(&mut sender, req)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body.len(), sent.len());
    assert!(body == sent, "the echoed body differs from the one sent");
}

#[mini_rt::test]
async fn http1_keep_alive_serves_100_requests_on_one_connection() {
    let (addr, accepted) = server(false, None).await;
    let mut sender = bounded(5, client_http1(addr)).await;
    for n in 1..=100 {
        let (status, body) = bounded(5, exchange(&mut sender, get("/"))).await;
        assert_eq!(status, StatusCode::OK);
        // The server's per-connection count: the same connection each time.
        assert_eq!(body, format!("hello {n}"));
    }
    assert_eq!(
        accepted.get(),
        1,
        "requests went over more than one connection"
    );
}

#[mini_rt::test]
async fn http1_header_read_timeout_closes_an_idle_connection() {
    let timeout = Duration::from_millis(200);
    let (addr, _) = server(false, Some(timeout)).await;

    // A connection that sends a request in time is answered.
    let mut sender = bounded(5, client_http1(addr)).await;
    let (status, _) = bounded(5, exchange(&mut sender, get("/"))).await;
    assert_eq!(status, StatusCode::OK);

    // One that sends half a request head and then nothing is closed by the
    // server once the timeout passes (hyper's Timer drives it), not before.
    let mut idle = TcpStream::connect(addr).await.unwrap();
    let start = Instant::now();
    idle.write_all(b"GET / HTTP/1.1\r\n").await.unwrap();
    let mut rest = Vec::new();
    let read = bounded(5, idle.read_to_end(&mut rest)).await;
    let waited = start.elapsed();
    // hyper closes it without a reply; it had read the half head, so the
    // close is a plain end of stream.
    assert_eq!(read.unwrap(), 0);
    assert!(
        rest.is_empty(),
        "unexpected reply: {:?}",
        String::from_utf8_lossy(&rest)
    );
    assert!(
        waited >= timeout,
        "closed after {waited:?}, before the timeout"
    );
}

#[mini_rt::test]
async fn http2_exchange() {
    let (addr, _) = server(true, None).await;
    let stream = bounded(5, TcpStream::connect(addr)).await.unwrap();
    let (mut sender, conn) = bounded(5, client2::handshake(Executor::new(), Io::new(stream)))
        .await
        .unwrap();
    mini_rt::spawn(conn);
    let req = Request::post("http://localhost/echo")
        .body(Full::new(Bytes::from_static(b"over h2")))
        .unwrap();
    let (status, body) = bounded(5, exchange(&mut sender, req)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(&body[..], b"over h2");
    let resp = bounded(5, sender.send(get("http://localhost/"))).await;
    assert_eq!(resp.version(), hyper::Version::HTTP_2);
}

#[mini_rt::test]
async fn timer_reset_moves_the_deadline_in_place() {
    let timer = Timer::new();
    let mut sleep = hyper::rt::Timer::sleep(&timer, Duration::from_secs(3600));
    // Registered in the runtime's timers: the reset has to move that entry.
    assert!(futures::poll!(sleep.as_mut()).is_pending());
    let soon = std::time::Instant::now() + Duration::from_millis(20);
    hyper::rt::Timer::reset(&timer, &mut sleep, soon);
    let ours = sleep.as_mut().downcast_mut_pin::<mini_rt::time::Sleep>();
    assert_eq!(
        ours.expect("reset replaced the sleep")
            .deadline()
            .into_std(),
        soon
    );
    bounded(5, sleep).await;
    assert!(std::time::Instant::now() >= soon);
}

#[mini_rt::test]
async fn io_turns_hyper_io_back_into_tokio_io() {
    let (a, b) = support::tcp_pair().await;
    // Io<Io<_>>: tokio's traits -> hyper's -> tokio's again, so every byte
    // goes through both read-buffer bridges.
    let (mut a, mut b) = (Io::new(Io::new(a)), Io::new(Io::new(b)));
    assert!(mini_rt::io::AsyncWrite::is_write_vectored(&a));
    let sent: Vec<u8> = (0..256 * 1024).map(|i: u32| (i % 251) as u8).collect();
    let writer = mini_rt::spawn(async move {
        a.write_all(&sent).await.unwrap();
        a.shutdown().await.unwrap();
        sent
    });
    let mut got = Vec::new();
    bounded(5, b.read_to_end(&mut got)).await.unwrap();
    let sent = bounded(5, writer).await.unwrap();
    assert!(
        got == sent,
        "{} bytes read, {} sent, or they differ",
        got.len(),
        sent.len()
    );
}

// hyper-util's TokioExecutor and TokioTimer call tokio's runtime, which
// mini_rt does not run: they panic with tokio's message (the one the README
// quotes), and async-compat is the way out.

const NO_TOKIO: &str =
    "there is no reactor running, must be called from the context of a Tokio 1.x runtime";

fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    match payload.downcast::<String>() {
        Ok(text) => *text,
        Err(payload) => payload.downcast_ref::<&str>().unwrap_or(&"?").to_string(),
    }
}

#[mini_rt::test]
async fn hyper_util_tokio_timer_and_executor_panic_on_mini_rt() {
    use hyper::rt::{Executor as _, Timer as _};
    use hyper_util::rt::{TokioExecutor, TokioTimer};
    let timer = mini_rt::spawn(async {
        drop(TokioTimer::new().sleep(Duration::from_millis(1)));
    });
    let err = bounded(5, timer).await.unwrap_err();
    assert_eq!(panic_message(err.into_panic()), NO_TOKIO);
    let executor = mini_rt::spawn(async { TokioExecutor::new().execute(async {}) });
    let err = bounded(5, executor).await.unwrap_err();
    assert_eq!(panic_message(err.into_panic()), NO_TOKIO);
}

#[mini_rt::test]
async fn async_compat_runs_hyper_util_tokio_timer_and_executor_on_mini_rt() {
    use hyper::rt::{Executor as _, Timer as _};
    use hyper_util::rt::{TokioExecutor, TokioTimer};
    let start = Instant::now();
    let (tx, rx) = mini_rt::sync::oneshot::channel();
    bounded(
        5,
        async_compat::Compat::new(async {
            TokioTimer::new().sleep(Duration::from_millis(20)).await;
            TokioExecutor::new().execute(async move { tx.send("spawned on tokio").unwrap() });
        }),
    )
    .await;
    assert!(start.elapsed() >= Duration::from_millis(20));
    assert_eq!(bounded(5, rx).await.unwrap(), "spawned on tokio");
}

/// A reader that breaks the `ReadBuf` contract in safe code: it swaps the
/// buffer it was given for one of its own and fills that.
struct SwapsTheBuffer;

impl mini_rt::io::AsyncRead for SwapsTheBuffer {
    fn poll_read(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
        buf: &mut mini_rt::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        let other: &'static mut [u8] = Box::leak(vec![7u8; 64].into_boxed_slice());
        *buf = mini_rt::io::ReadBuf::new(other);
        buf.advance(64);
        std::task::Poll::Ready(Ok(()))
    }
}

#[test]
fn io_refuses_a_reader_that_swaps_the_read_buf() {
    // Trusting its filled count would mark 64 bytes of hyper's
    // (uninitialised) buffer as read: Io must panic instead.
    let mut io = Io::new(SwapsTheBuffer);
    let mut memory = [std::mem::MaybeUninit::<u8>::uninit(); 16];
    let mut buf = hyper::rt::ReadBuf::uninit(&mut memory);
    let waker = futures::task::noop_waker();
    let mut cx = std::task::Context::from_waker(&waker);
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        hyper::rt::Read::poll_read(std::pin::Pin::new(&mut io), &mut cx, buf.unfilled())
    }));
    let message = panic_message(result.expect_err("the swapped buffer was accepted"));
    assert!(message.contains("replaced the ReadBuf"), "{message}");
    assert!(buf.filled().is_empty());
}
