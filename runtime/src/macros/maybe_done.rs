//! `MaybeDone`: a future that keeps its output once complete, so `join!` and
//! `try_join!` can poll several futures and collect their outputs at the end.

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

pin_project_lite::pin_project! {
    /// A future, then its output, then nothing once the output was taken.
    ///
    /// Polling it drives the inner future; when that completes, the future is
    /// dropped in place and its output stored until [`take_output`]. Polling
    /// it again while the output is stored is a no-op returning `Ready(())`.
    ///
    /// [`take_output`]: MaybeDone::take_output
    #[derive(Debug)]
    pub struct MaybeDone<F: Future> {
        // `Some` until the future completes.
        #[pin]
        future: Option<F>,
        // `Some` from completion until `take_output`.
        output: Option<F::Output>,
    }
}

/// Wraps `future` (anything `IntoFuture`) in a [`MaybeDone`].
pub fn maybe_done<F: IntoFuture>(future: F) -> MaybeDone<F::IntoFuture> {
    MaybeDone {
        future: Some(future.into_future()),
        output: None,
    }
}

impl<F: Future> MaybeDone<F> {
    /// The stored output, if the future has completed and it was not taken.
    pub fn output_mut(self: Pin<&mut Self>) -> Option<&mut F::Output> {
        self.project().output.as_mut()
    }

    /// Takes the stored output, if the future has completed and it was not
    /// taken yet.
    pub fn take_output(self: Pin<&mut Self>) -> Option<F::Output> {
        self.project().output.take()
    }
}

impl<F: Future> Future for MaybeDone<F> {
    type Output = ();

    /// # Panics
    /// If polled after the output was taken.
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut this = self.project();
        if let Some(future) = this.future.as_mut().as_pin_mut() {
            let output = ready!(future.poll(cx));
            // Drops the completed future right away, as tokio does.
            this.future.set(None);
            *this.output = Some(output);
        } else if this.output.is_none() {
            panic!("MaybeDone polled after its output was taken");
        }
        Poll::Ready(())
    }
}
