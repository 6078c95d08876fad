//! Paused time (`time::pause`, `resume`, `advance`, `start_paused`): virtual
//! hours in milliseconds of wall time, timers at exact virtual instants, IO
//! still delivered while paused, and the misuse panics.
//!
//! The `#[mini_rt::test]`s run on the backend `MINI_RT_BACKEND` names.

mod support;

use mini_rt::runtime::Builder;
use mini_rt::sync::oneshot;
use mini_rt::task::yield_now;
use mini_rt::time::{
    self, interval, interval_at, sleep, sleep_until, timeout, timeout_at, Duration, Instant,
    MissedTickBehavior,
};
use std::cell::RefCell;
use std::future::pending;
use std::io::{self, Write};
use std::rc::Rc;
use support::LIMIT;

const HOUR: Duration = Duration::from_secs(3600);

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

#[mini_rt::test(start_paused = true)]
async fn an_hour_of_sleeps_takes_milliseconds_of_wall_time() {
    let wall = std::time::Instant::now();
    let start = Instant::now();
    // One task sleeping 3600 x 1 s, beside ten sleeping 360 x 10 s each.
    let others: Vec<_> = (0..10)
        .map(|_| {
            mini_rt::spawn(async {
                for _ in 0..360 {
                    sleep(secs(10)).await;
                }
                Instant::now()
            })
        })
        .collect();
    for _ in 0..3600 {
        sleep(secs(1)).await;
    }
    assert_eq!(
        Instant::now() - start,
        HOUR,
        "virtual time advanced by an hour"
    );
    for h in others {
        assert_eq!(h.await.unwrap(), start + HOUR);
    }
    let took = wall.elapsed();
    assert!(
        took < Duration::from_secs(1),
        "an hour of sleeps took {took:?} of wall time"
    );
}

#[mini_rt::test(start_paused = true)]
async fn sleeps_fire_in_order_at_exact_virtual_instants() {
    let start = Instant::now();
    let fired = Rc::new(RefCell::new(Vec::new()));
    let handles: Vec<_> = [50u64, 10, 30, 10, 20]
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            let fired = fired.clone();
            mini_rt::spawn(async move {
                sleep(secs(s)).await;
                fired.borrow_mut().push((i, Instant::now() - start));
            })
        })
        .collect();
    for h in handles {
        h.await.unwrap();
    }
    let want = [(1, 10), (3, 10), (4, 20), (2, 30), (0, 50)].map(|(i, s)| (i, secs(s)));
    assert_eq!(*fired.borrow(), want);
    sleep_until(start + secs(60)).await;
    assert_eq!(Instant::now(), start + secs(60));
}

#[mini_rt::test(start_paused = true)]
async fn interval_ticks_at_exact_virtual_instants() {
    let start = Instant::now();
    let mut every = interval(secs(10));
    for k in 0..5 {
        let tick = every.tick().await;
        assert_eq!(tick, start + secs(10 * k));
        assert_eq!(Instant::now(), tick, "tick {k} completed late");
    }
    let mut later = interval_at(start + secs(100), secs(7));
    assert_eq!(later.tick().await, start + secs(100));
    assert_eq!(later.tick().await, start + secs(107));
    assert_eq!(Instant::now(), start + secs(107));
}

#[mini_rt::test(start_paused = true)]
async fn interval_missed_ticks_follow_the_behaviour_in_virtual_time() {
    let start = Instant::now();
    let run = |behavior| async move {
        let t0 = Instant::now();
        let mut iv = interval(secs(10));
        iv.set_missed_tick_behavior(behavior);
        assert_eq!(iv.tick().await, t0);
        time::advance(secs(35)).await; // ticks at 10, 20 and 30 are missed
        let mut ticks = Vec::new();
        for _ in 0..3 {
            ticks.push(iv.tick().await - t0);
        }
        ticks.push(Instant::now() - t0);
        ticks
    };
    let s = |v: [u64; 4]| v.map(secs).to_vec();
    assert_eq!(run(MissedTickBehavior::Burst).await, s([10, 20, 30, 35]));
    assert_eq!(run(MissedTickBehavior::Delay).await, s([10, 45, 55, 55]));
    assert_eq!(run(MissedTickBehavior::Skip).await, s([10, 40, 50, 50]));
    assert_eq!(Instant::now() - start, secs(35 + 55 + 50));
}

#[mini_rt::test(start_paused = true)]
async fn timeouts_fire_at_exact_virtual_instants() {
    let start = Instant::now();
    assert!(timeout(secs(30), pending::<()>()).await.is_err());
    assert_eq!(Instant::now(), start + secs(30));
    let ok = timeout(secs(30), async {
        sleep(secs(10)).await;
        7
    })
    .await;
    assert_eq!(ok, Ok(7));
    assert_eq!(Instant::now(), start + secs(40));
    let deadline = start + HOUR;
    assert!(timeout_at(deadline, pending::<()>()).await.is_err());
    assert_eq!(Instant::now(), deadline);
}

/// The reader is parked and its data is already in the socket when the
/// runtime runs out of tasks, with an hour-long sleep pending: the runtime
/// must deliver the IO instead of jumping the clock to the sleep.
#[mini_rt::test(start_paused = true)]
async fn pending_io_wakes_a_reader_before_the_clock_jumps_to_a_sleep() -> io::Result<()> {
    let start = Instant::now();
    let (ours, mut peer) = std::os::unix::net::UnixStream::pair()?;
    ours.set_nonblocking(true)?;
    let ours = mini_rt::net::UnixStream::from_std(ours)?;
    let sleeper = mini_rt::spawn(async move {
        sleep(HOUR).await;
        Instant::now()
    });
    let started = Rc::new(RefCell::new(false));
    let reader = mini_rt::spawn({
        let started = started.clone();
        async move {
            *started.borrow_mut() = true;
            let mut buf = [0; 16];
            loop {
                ours.readable().await?;
                match ours.try_read(&mut buf) {
                    Ok(n) => return Ok::<_, io::Error>((buf[..n].to_vec(), Instant::now())),
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                    Err(e) => return Err(e),
                }
            }
        }
    });
    yield_now().await; // the reader and the sleeper run and park
    assert!(*started.borrow(), "the reader ran before the write");
    peer.write_all(b"ping")?;
    // Bounded in virtual time below the sleep: if the IO were lost, this
    // fails instead of hanging.
    let (got, at) = timeout(secs(60), reader)
        .await
        .expect("the pending read was not delivered")
        .unwrap()?;
    assert_eq!(got, b"ping");
    assert_eq!(
        at, start,
        "the clock moved before the pending IO was delivered"
    );
    assert!(!sleeper.is_finished());
    assert_eq!(sleeper.await.unwrap(), start + HOUR);
    Ok(())
}

/// With the clock paused and no timer at all, the runtime blocks on IO as
/// usual: a write from another thread wakes the reader.
#[mini_rt::test(start_paused = true)]
async fn io_from_another_thread_wakes_a_paused_runtime_without_timers() -> io::Result<()> {
    let start = Instant::now();
    let (ours, peer) = std::os::unix::net::UnixStream::pair()?;
    ours.set_nonblocking(true)?;
    let ours = mini_rt::net::UnixStream::from_std(ours)?;
    // A virtual timeout would auto-advance at once: bound the wait with a
    // watchdog thread that wakes the runtime after LIMIT of wall time.
    let (go_tx, go_rx) = std::sync::mpsc::channel::<()>();
    let (dog_tx, dog_rx) = oneshot::channel::<()>();
    let writer = std::thread::spawn(move || {
        let mut peer = peer;
        if go_rx.recv_timeout(LIMIT).is_ok() {
            peer.write_all(b"pong").unwrap();
        }
        // Keep the socket open until the runtime is done with it.
        let _ = go_rx.recv_timeout(LIMIT);
        let _ = dog_tx.send(());
    });
    let read = async {
        let mut buf = [0; 16];
        loop {
            ours.readable().await?;
            match ours.try_read(&mut buf) {
                Ok(n) => return Ok::<_, io::Error>(buf[..n].to_vec()),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                Err(e) => return Err(e),
            }
        }
    };
    let mut read = std::pin::pin!(read);
    // Park the reader first, then let the thread write.
    assert!(futures_poll_once(read.as_mut()).await.is_none());
    go_tx.send(()).unwrap();
    let got = mini_rt::select! {
        got = read => got?,
        _ = dog_rx => panic!("the write from another thread never woke the runtime"),
    };
    assert_eq!(got, b"pong");
    assert_eq!(Instant::now(), start, "no timer: the clock stays put");
    drop(go_tx);
    writer.join().unwrap();
    Ok(())
}

/// Polls `fut` once; `Some` if it completed.
async fn futures_poll_once<F: std::future::Future + Unpin>(fut: F) -> Option<F::Output> {
    let mut fut = fut;
    std::future::poll_fn(|cx| {
        std::task::Poll::Ready(match std::pin::Pin::new(&mut fut).poll(cx) {
            std::task::Poll::Ready(v) => Some(v),
            std::task::Poll::Pending => None,
        })
    })
    .await
}

#[mini_rt::test(start_paused = true)]
async fn advance_fires_due_timers_and_only_those() {
    let start = Instant::now();
    let sleeper = |s| {
        mini_rt::spawn(async move {
            sleep(secs(s)).await;
            Instant::now()
        })
    };
    let (one, two, five) = (sleeper(1), sleeper(2), sleeper(5));
    yield_now().await; // they start their timers
    time::advance(secs(2)).await;
    assert_eq!(Instant::now(), start + secs(2));
    assert!(one.is_finished() && two.is_finished(), "due timers fired");
    assert!(!five.is_finished(), "a timer not yet due fired");
    // Both complete "at the same time": the reading after the jump.
    assert_eq!(one.await.unwrap(), start + secs(2));
    assert_eq!(two.await.unwrap(), start + secs(2));
    time::advance(secs(3)).await;
    assert!(five.is_finished());
    assert_eq!(five.await.unwrap(), start + secs(5));
}

#[mini_rt::test(start_paused = true)]
async fn auto_advance_waits_while_a_task_is_ready() {
    let start = Instant::now();
    let busy = mini_rt::spawn(async {
        for _ in 0..100 {
            yield_now().await;
        }
        Instant::now()
    });
    sleep(secs(5)).await;
    assert_eq!(
        busy.await.unwrap(),
        start,
        "the clock jumped while a task could run"
    );
    assert_eq!(Instant::now(), start + secs(5));
}

/// As tokio: while a `spawn_blocking` job runs, the clock does not jump, so
/// a paused timeout around blocking work does not fire early.
#[mini_rt::test(start_paused = true)]
async fn auto_advance_holds_off_while_a_blocking_job_runs() {
    let start = Instant::now();
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    let job = mini_rt::task::spawn_blocking(move || rx.recv_timeout(LIMIT).is_ok());
    let waited = timeout(HOUR, async {
        yield_now().await;
        tx.send(()).unwrap();
        job.await.unwrap()
    })
    .await;
    assert_eq!(
        waited,
        Ok(true),
        "the job finished within the paused timeout"
    );
    assert_eq!(Instant::now(), start, "the clock moved while the job ran");
}

#[test]
fn a_paused_clock_stands_still_and_std_time_runs_on() {
    let rt = Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .unwrap();
    rt.block_on(async {
        let t = Instant::now();
        let std_t = std::time::Instant::now();
        // Let real time pass (not a synchronisation: nothing is waited for).
        std::thread::sleep(Duration::from_millis(2));
        assert_eq!(Instant::now(), t);
        assert_eq!(t.elapsed(), Duration::ZERO);
        assert!(std_t.elapsed() >= Duration::from_millis(2));
        // Other threads read std's clock, not the runtime's.
        time::advance(HOUR).await;
        let there = std::thread::spawn(Instant::now).join().unwrap();
        assert!(there < Instant::now());
    });
}

#[mini_rt::test]
async fn resume_runs_the_clock_on_from_the_paused_reading() {
    time::pause();
    let t = Instant::now();
    time::advance(HOUR).await;
    time::resume();
    let resumed = Instant::now();
    assert!(resumed >= t + HOUR);
    let wall = std::time::Instant::now();
    sleep(Duration::from_millis(2)).await; // a real wait again
    assert!(wall.elapsed() >= Duration::from_millis(2));
    assert!(Instant::now() >= resumed + Duration::from_millis(2));
    time::pause(); // may pause again after resuming
    time::resume();
}

#[mini_rt::test(crate = "mini_rt", flavor = "current_thread")]
async fn the_clock_runs_unless_paused() {
    let t = Instant::now();
    let wall = std::time::Instant::now();
    sleep(Duration::from_millis(2)).await;
    assert!(wall.elapsed() >= Duration::from_millis(2));
    assert!(t.elapsed() >= Duration::from_millis(2));
}

#[mini_rt::test(start_paused = true)]
#[should_panic(expected = "time is already frozen")]
async fn pause_when_paused_panics() {
    time::pause();
}

#[mini_rt::test]
#[should_panic(expected = "time is not frozen")]
async fn resume_when_running_panics() {
    time::resume();
}

#[mini_rt::test]
#[should_panic(expected = "time is not frozen")]
async fn advance_when_running_panics() {
    time::advance(secs(1)).await;
}

#[test]
#[should_panic(expected = "outside the mini_rt runtime")]
fn pause_outside_a_runtime_panics() {
    time::pause();
}

#[test]
#[should_panic(expected = "outside the mini_rt runtime")]
fn resume_outside_a_runtime_panics() {
    time::resume();
}
