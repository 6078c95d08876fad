//! The `poll_*` paths' waker slot (one per direction per IO object): a task
//! is woken once per park, not by every later event, and a waker that is
//! not a mini_rt task's (a combinator's or another executor's) is woken
//! too. Each test runs on every backend.

mod support;

use mini_rt::io::AsyncWriteExt;
use mini_rt::net::{TcpListener, TcpStream};
use mini_rt::task::yield_now;
use std::cell::Cell;
use std::future::{poll_fn, Future};
use std::io;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use support::{bounded, on_each_backend};

async fn pair() -> io::Result<(TcpStream, TcpStream)> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let client = TcpStream::connect(listener.local_addr()?).await?;
    let (server, _) = listener.accept().await?;
    Ok((client, server))
}

/// Polls `stream`'s read readiness on its first poll only, then stays
/// pending without touching the stream again; counts its polls.
struct PollOnce {
    stream: Rc<TcpStream>,
    polls: Rc<Cell<u32>>,
}

impl Future for PollOnce {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.polls.set(self.polls.get() + 1);
        if self.polls.get() == 1 {
            assert!(
                self.stream.poll_read_ready(cx).is_pending(),
                "nothing sent yet"
            );
        }
        Poll::Pending
    }
}

#[test]
fn a_task_is_woken_once_per_park_not_by_every_later_event() {
    on_each_backend(|| async {
        let (reader, mut writer) = pair().await?;
        let (marker, mut marker_writer) = pair().await?;
        let polls = Rc::new(Cell::new(0));
        let task = mini_rt::spawn(PollOnce {
            stream: Rc::new(reader),
            polls: polls.clone(),
        });
        bounded(5, async {
            while polls.get() < 1 {
                yield_now().await;
            }
        })
        .await;

        writer.write_all(b"a").await?;
        bounded(5, async {
            while polls.get() < 2 {
                yield_now().await;
            }
        })
        .await;

        // More data after the wake, the task not parked any more: it must
        // not be woken again. The marker's data is sent after it, so once
        // its reader sees it the driver has seen the stream's event too.
        writer.write_all(b"b").await?;
        marker_writer.write_all(b"m").await?;
        bounded(5, marker.readable()).await?;
        for _ in 0..3 {
            yield_now().await;
        }
        assert_eq!(polls.get(), 2, "woken again without parking again");
        task.abort();
        Ok(())
    });
}

/// Counts its wakes and forwards them to the task's own waker.
struct Counting {
    wakes: AtomicUsize,
    task: Waker,
}

impl Wake for Counting {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }
    fn wake_by_ref(self: &Arc<Self>) {
        self.wakes.fetch_add(1, Ordering::SeqCst);
        self.task.wake_by_ref();
    }
}

#[test]
fn a_waker_that_is_not_a_tasks_own_is_woken_through_poll_read_ready() {
    on_each_backend(|| async {
        let (reader, mut writer) = pair().await?;
        let task_waker = poll_fn(|cx| Poll::Ready(cx.waker().clone())).await;
        let counting = Arc::new(Counting {
            wakes: AtomicUsize::new(0),
            task: task_waker,
        });
        let foreign = Waker::from(counting.clone());
        let mut cx = Context::from_waker(&foreign);
        assert!(reader.poll_read_ready(&mut cx).is_pending());

        writer.write_all(b"x").await?;
        bounded(5, async {
            while counting.wakes.load(Ordering::SeqCst) == 0 {
                yield_now().await;
            }
        })
        .await;
        assert_eq!(counting.wakes.load(Ordering::SeqCst), 1);

        // Ready now, and a task's own waker parks there afterwards as usual.
        bounded(5, poll_fn(|cx| reader.poll_read_ready(cx))).await?;
        Ok(())
    });
}
