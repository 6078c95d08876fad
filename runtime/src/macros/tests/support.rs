//! `MaybeDone` and `thread_rng_n`.

use std::future::ready;
use std::pin::pin;
use std::task::Poll;

use crate::macros::support::{maybe_done, thread_rng_n};
use crate::test_util::poll_once;

#[test]
fn thread_rng_n_stays_in_range_and_varies() {
    let mut seen = [false; 7];
    for _ in 0..1000 {
        let n = thread_rng_n(7);
        assert!(n < 7);
        seen[n as usize] = true;
    }
    assert!(
        seen.iter().all(|&s| s),
        "every value of 0..7 should come up: {seen:?}"
    );
    assert_eq!(thread_rng_n(1), 0);
    assert_eq!(thread_rng_n(0), 0);
}

#[test]
fn maybe_done_keeps_the_output_until_taken() {
    let mut done = pin!(maybe_done(ready(5)));
    assert!(done.as_mut().output_mut().is_none());
    assert!(done.as_mut().take_output().is_none());
    assert_eq!(poll_once(done.as_mut()), Poll::Ready(()));
    assert_eq!(
        poll_once(done.as_mut()),
        Poll::Ready(()),
        "polling when done is a no-op"
    );
    *done.as_mut().output_mut().unwrap() += 1;
    assert_eq!(done.as_mut().take_output(), Some(6));
    assert_eq!(done.as_mut().take_output(), None);
}

#[test]
#[should_panic(expected = "MaybeDone polled after its output was taken")]
fn maybe_done_polled_after_take_panics() {
    let mut done = pin!(maybe_done(ready(())));
    let _ = poll_once(done.as_mut());
    done.as_mut().take_output();
    let _ = poll_once(done.as_mut());
}
