//! Driving the async procedures to completion for synchronous callers.
//!
//! The creation and grow procedures are written once, as `async fn`s over an
//! [`AsyncTableLimiter`](crate::AsyncTableLimiter). A synchronous limiter is adapted into one whose
//! futures are always ready, so the whole procedure completes on its first poll and needs no
//! executor.

use core::future::Future;
use core::pin::pin;
use core::task::{Context, Poll, Waker};

/// Polls `future` once; it must complete immediately.
///
/// Only called on futures built from [`SyncLimiterAdapter`](crate::limiter::SyncLimiterAdapter),
/// whose every await point is an already-completed future.
#[inline(always)]
pub(crate) fn complete_now<F: Future>(future: F) -> F::Output {
    let mut context = Context::from_waker(Waker::noop());
    match pin!(future).poll(&mut context) {
        Poll::Ready(output) => output,
        // Unreachable by construction: every future awaited inside is `core::future::Ready`.
        Poll::Pending => unreachable!("a synchronous table procedure suspended"),
    }
}
