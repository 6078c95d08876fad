//! `join!` and `try_join!`.

use std::future::{pending, ready};

use super::{never_polled, DropFlag, Log, YieldThen};
use crate::test_util::block_on;

#[test]
fn join_returns_every_output_in_order() {
    let log = Log::default();
    let out = block_on(async {
        crate::join!(
            ready(1),
            async { "two" },
            YieldThen::new("c", 3, 3.5, &log),
            YieldThen::new("d", 1, String::from("four"), &log),
        )
    });
    assert_eq!(out, (1, "two", 3.5, String::from("four")));
}

#[test]
fn join_of_one_and_of_none() {
    assert_eq!(block_on(async { crate::join!(ready(7)) }), (7,));
    let unit: () = block_on(async { crate::join!() });
    assert_eq!(unit, ());
}

#[test]
fn join_takes_many_futures() {
    let out = block_on(async {
        crate::join!(
            ready(1),
            ready(2),
            ready(3),
            ready(4),
            ready(5),
            ready(6),
            ready(7),
            ready(8),
            ready(9),
            ready(10),
            ready(11),
            ready(12)
        )
    });
    assert_eq!(out, (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12));
}

#[test]
fn join_polls_concurrently_and_rotates_the_first() {
    let log = Log::default();
    let a = YieldThen::new("a", 2, 'a', &log);
    let b = YieldThen::new("b", 2, 'b', &log);
    let out = block_on(async { crate::join!(a, b) });
    assert_eq!(out, ('a', 'b'));
    // Each poll of the join polls both, starting with the next one in turn.
    assert_eq!(*log.borrow(), ["a", "b", "b", "a", "a", "b"]);
}

#[test]
fn biased_join_polls_in_order() {
    let log = Log::default();
    let a = YieldThen::new("a", 2, (), &log);
    let b = YieldThen::new("b", 2, (), &log);
    block_on(async { crate::join!(biased; a, b,) });
    assert_eq!(*log.borrow(), ["a", "b", "a", "b", "a", "b"]);
}

#[test]
fn join_drops_a_future_once_it_completes() {
    let log = Log::default();
    let (early, dropped) = DropFlag::new(ready(1));
    let late = async {
        YieldThen::new("late", 2, (), &log).await;
        dropped.get()
    };
    let (one, early_was_dropped) = block_on(async { crate::join!(early, late) });
    assert_eq!(one, 1);
    assert!(early_was_dropped);
}

#[test]
fn join_evaluates_its_arguments_in_order() {
    let order = Log::default();
    let make = |name| {
        order.borrow_mut().push(name);
        ready(name)
    };
    let out = block_on(async { crate::join!(make("x"), make("y"), make("z")) });
    assert_eq!(out, ("x", "y", "z"));
    assert_eq!(*order.borrow(), ["x", "y", "z"]);
}

#[test]
fn try_join_returns_every_ok_value() {
    let log = Log::default();
    let out: Result<_, String> = block_on(async {
        crate::try_join!(ready(Ok(1)), YieldThen::new("b", 2, Ok("b"), &log), async {
            Ok(vec![3])
        },)
    });
    assert_eq!(out, Ok((1, "b", vec![3])));
}

#[test]
fn try_join_short_circuits_on_the_first_error_and_drops_the_rest() {
    let log = Log::default();
    let (forever, dropped) = DropFlag::new(pending::<Result<u8, &str>>());
    let out = block_on(async {
        crate::try_join!(
            forever,
            YieldThen::new("fails", 1, Err::<u8, _>("first"), &log),
            YieldThen::new("fails later", 5, Err::<u8, _>("second"), &log),
        )
    });
    assert_eq!(out, Err("first"));
    assert!(
        dropped.get(),
        "the pending future is dropped when try_join! returns"
    );
    let later = log.borrow().iter().filter(|&&n| n == "fails later").count();
    assert!(
        later <= 2,
        "no more polls after the first error, got {later}"
    );
}

#[test]
fn try_join_stops_before_polling_the_rest() {
    let out: Result<((), ()), &str> = block_on(async {
        crate::try_join!(biased; ready(Err("no")), never_polled::<Result<(), &str>>())
    });
    assert_eq!(out, Err("no"));
}

#[test]
fn try_join_of_none_and_with_question_mark() {
    let none: Result<(), ()> = block_on(async { crate::try_join!() });
    assert_eq!(none, Ok(()));

    async fn sum() -> Result<u32, String> {
        let (a, b) = crate::try_join!(ready(Ok::<_, String>(2)), ready(Ok(3)))?;
        let _: (u32,) = crate::try_join!(ready(Err("bad".to_string())))?;
        Ok(a + b)
    }
    assert_eq!(block_on(sum()), Err("bad".to_string()));
}
