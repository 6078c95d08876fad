//! `select!`.

use std::cell::Cell;
use std::future::{pending, ready};

use super::{never_polled, DropFlag, Log, YieldThen};
use crate::test_util::block_on;

#[test]
fn select_picks_the_branch_that_completes() {
    let log = Log::default();
    for _ in 0..50 {
        let out = block_on(async {
            crate::select! {
                v = pending::<u32>() => v,
                v = YieldThen::new("slow", 3, 30, &log) => v,
                v = YieldThen::new("fast", 1, 10, &log) => v,
            }
        });
        assert_eq!(out, 10);
    }
}

#[test]
fn unbiased_select_starts_at_a_random_branch() {
    let (mut first, mut second) = (0, 0);
    for _ in 0..200 {
        let out = block_on(async {
            crate::select! {
                v = ready(1) => v,
                v = ready(2) => v,
            }
        });
        if out == 1 {
            first += 1;
        } else {
            second += 1;
        }
    }
    assert!(first > 0 && second > 0, "{first} vs {second}");
}

#[test]
fn biased_select_polls_in_order() {
    for _ in 0..50 {
        let out = block_on(async {
            crate::select! {
                biased;
                v = ready(1) => v,
                v = ready(2) => v,
                v = never_polled::<i32>() => v,
            }
        });
        assert_eq!(out, 1);
    }
}

#[test]
fn a_pattern_mismatch_disables_the_branch() {
    let log = Log::default();
    let out = block_on(async {
        crate::select! {
            biased;
            Some(v) = ready(None::<u32>) => v,
            Ok(v) = YieldThen::new("err", 1, Err::<u32, ()>(()), &log) => v,
            v = YieldThen::new("late", 3, 7, &log) => v,
        }
    });
    assert_eq!(out, 7);
    assert_eq!(
        log.borrow().iter().filter(|&&n| n == "err").count(),
        2,
        "polled until done, then no more"
    );
}

#[test]
fn a_false_precondition_disables_the_branch_but_evaluates_its_future() {
    let evaluated = Cell::new(false);
    let make = || {
        evaluated.set(true);
        never_polled::<u8>()
    };
    let out = block_on(async {
        crate::select! {
            v = make(), if 1 + 1 == 3 => v,
            v = ready(4) => v,
        }
    });
    assert_eq!(out, 4);
    assert!(evaluated.get());
}

#[test]
fn else_runs_when_every_branch_is_disabled() {
    let by_pattern = block_on(async {
        crate::select! {
            Some(v) = ready(None) => v,
            Ok(v) = ready(Err::<u8, ()>(())) => v,
            else => 99,
        }
    });
    assert_eq!(by_pattern, 99);

    let by_precondition = block_on(async {
        crate::select! {
            v = never_polled::<u8>(), if false => v,
            else => { 98 }
        }
    });
    assert_eq!(by_precondition, 98);

    assert_eq!(
        block_on(async {
            crate::select! { else => 97 }
        }),
        97
    );
    assert_eq!(
        block_on(async {
            crate::select! { biased; else => 96, }
        }),
        96
    );
}

#[test]
#[should_panic(expected = "all branches are disabled and there is no else branch")]
fn no_else_panics_when_every_branch_is_disabled() {
    block_on(async {
        crate::select! {
            Some(v) = ready(None::<u8>) => v,
            v = never_polled::<u8>(), if false => v,
        }
    });
}

#[test]
fn losing_futures_are_dropped_before_the_handler_runs() {
    let (loser, dropped) = DropFlag::new(pending::<()>());
    let (winner, winner_dropped) = DropFlag::new(ready(5));
    let seen_in_handler = block_on(async {
        crate::select! {
            () = loser => unreachable!(),
            v = winner => (v, dropped.get(), winner_dropped.get()),
        }
    });
    assert_eq!(seen_in_handler, (5, true, true));
}

#[test]
fn handlers_may_use_what_the_futures_borrowed() {
    let mut items = vec![1];
    let out = block_on(async {
        crate::select! {
            () = async { items.push(2) } => {
                items.push(3);
                items.len()
            }
        }
    });
    assert_eq!(out, 3);
    assert_eq!(items, [1, 2, 3]);
}

#[test]
fn handlers_run_in_the_callers_control_flow() {
    async fn first_even(values: &[u32]) -> Result<u32, String> {
        let mut i = 0;
        loop {
            let value = values[i];
            i += 1;
            crate::select! {
                v = ready(value) => {
                    if v % 2 == 1 {
                        continue;
                    }
                    if v == 0 {
                        return Err("zero".to_string());
                    }
                    let checked: Result<u32, String> = Ok(v);
                    let v = checked?;
                    break Ok(ready(v).await);
                }
            }
        }
    }
    assert_eq!(block_on(first_even(&[1, 3, 4, 6])), Ok(4));
    assert_eq!(block_on(first_even(&[1, 0, 2])), Err("zero".to_string()));
}

#[test]
fn patterns_may_bind_by_move_mut_ref_and_alternatives() {
    let out = block_on(async {
        crate::select! {
            biased;
            Ok(mut s) | Err(mut s) = ready(Ok::<String, String>("a".into())) => {
                s.push('!');
                s
            }
            ref r = ready(String::from("b")) => r.clone(),
        }
    });
    assert_eq!(out, "a!");

    let out = block_on(async {
        crate::select! {
            (x, ref mut y) = ready((1, String::from("x"))), if true => {
                y.push('y');
                format!("{x}{y}")
            }
            _ = pending::<()>() => unreachable!()
        }
    });
    assert_eq!(out, "1xy");
}

#[test]
fn select_takes_many_branches_and_into_futures() {
    struct Later(u8);
    impl std::future::IntoFuture for Later {
        type Output = u8;
        type IntoFuture = std::future::Ready<u8>;
        fn into_future(self) -> Self::IntoFuture {
            ready(self.0)
        }
    }
    let out = block_on(async {
        crate::select! {
            v = pending::<u8>() => v,
            v = pending::<u8>() => v,
            v = pending::<u8>() => v,
            v = pending::<u8>() => v,
            v = pending::<u8>() => v,
            v = pending::<u8>() => v,
            v = pending::<u8>() => v,
            v = pending::<u8>() => v,
            v = pending::<u8>() => v,
            v = Later(10) => v,
        }
    });
    assert_eq!(out, 10);
}
