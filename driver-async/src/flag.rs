//! A flag raised once that wakes everything waiting on it: the server's shutdown and the end
//! of its grace period. Every connection waits on both for its whole life, and polls them
//! each time it waits for anything, so a poll costs an atomic load and a waker comparison;
//! the lock is taken only to register a new waker, to leave, and to raise.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

/// The flag and the wakers of those waiting on it.
#[derive(Debug, Default)]
pub(crate) struct Flag {
    raised: AtomicBool,
    waiters: Mutex<Waiters>,
}

/// Registered wakers in slots that are reused once their waiter leaves.
#[derive(Debug, Default)]
struct Waiters {
    slots: Vec<Option<Waker>>,
    free: Vec<usize>,
}

impl Flag {
    /// Raises the flag and wakes every waiter (again is harmless).
    pub(crate) fn raise(&self) {
        self.raised.store(true, Ordering::SeqCst);
        let mut waiters = self.lock();
        for waker in waiters.slots.iter_mut().filter_map(Option::take) {
            waker.wake();
        }
    }

    /// Whether the flag is up.
    pub(crate) fn is_raised(&self) -> bool {
        self.raised.load(Ordering::SeqCst)
    }

    /// Completes once the flag is up.
    pub(crate) fn wait(self: &Arc<Self>) -> Raised {
        Raised {
            flag: self.clone(),
            slot: None,
            registered: None,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Waiters> {
        // A waker that panicked while the lock was held leaves the slots valid.
        self.waiters
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// A wait for a [`Flag`]; it leaves the flag's waiters when dropped.
#[derive(Debug)]
pub(crate) struct Raised {
    flag: Arc<Flag>,
    slot: Option<usize>,
    /// The waker last registered, to see without the lock whether it is still the one.
    registered: Option<Waker>,
}

impl Future for Raised {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.flag.is_raised() {
            return Poll::Ready(());
        }
        if self
            .registered
            .as_ref()
            .is_some_and(|w| w.will_wake(cx.waker()))
        {
            return Poll::Pending;
        }
        let waker = cx.waker().clone();
        {
            let mut waiters = self.flag.lock();
            let slot = match self.slot {
                Some(i) => i,
                None => waiters.free.pop().unwrap_or_else(|| {
                    waiters.slots.push(None);
                    waiters.slots.len() - 1
                }),
            };
            if let Some(s) = waiters.slots.get_mut(slot) {
                *s = Some(waker.clone());
            }
            drop(waiters);
            self.slot = Some(slot);
        }
        self.registered = Some(waker);
        // Raised between the first look and the registration: the raise may have missed us.
        if self.flag.is_raised() {
            return Poll::Ready(());
        }
        Poll::Pending
    }
}

impl Drop for Raised {
    fn drop(&mut self) {
        if let Some(slot) = self.slot.take() {
            let mut waiters = self.flag.lock();
            if let Some(s) = waiters.slots.get_mut(slot) {
                *s = None;
            }
            waiters.free.push(slot);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;
    use std::task::Wake;

    struct Count(AtomicUsize);

    impl Wake for Count {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn waker() -> (Arc<Count>, Waker) {
        let count = Arc::new(Count(AtomicUsize::new(0)));
        (count.clone(), Waker::from(count))
    }

    #[test]
    fn raising_wakes_every_waiter_once_and_completes_them() {
        let flag = Arc::new(Flag::default());
        let (counts, wakers): (Vec<_>, Vec<_>) = (0..3).map(|_| waker()).unzip();
        let mut waits: Vec<Raised> = (0..3).map(|_| flag.wait()).collect();
        for (w, waker) in waits.iter_mut().zip(&wakers) {
            let mut cx = Context::from_waker(waker);
            assert!(Pin::new(&mut *w).poll(&mut cx).is_pending());
            // Polled again with the same waker: still pending, nothing registered twice.
            assert!(Pin::new(&mut *w).poll(&mut cx).is_pending());
        }
        assert_eq!(flag.lock().slots.len(), 3);
        flag.raise();
        assert!(counts.iter().all(|c| c.0.load(Ordering::SeqCst) == 1));
        for (w, waker) in waits.iter_mut().zip(&wakers) {
            let mut cx = Context::from_waker(waker);
            assert!(Pin::new(&mut *w).poll(&mut cx).is_ready());
        }
        // A wait begun after the raise is over at once.
        let mut late = flag.wait();
        let mut cx = Context::from_waker(&wakers[0]);
        assert!(Pin::new(&mut late).poll(&mut cx).is_ready());
    }

    #[test]
    fn a_new_waker_replaces_the_old_and_leaving_frees_the_slot() {
        let flag = Arc::new(Flag::default());
        let (first, w1) = waker();
        let (second, w2) = waker();
        let mut wait = flag.wait();
        assert!(
            Pin::new(&mut wait)
                .poll(&mut Context::from_waker(&w1))
                .is_pending()
        );
        assert!(
            Pin::new(&mut wait)
                .poll(&mut Context::from_waker(&w2))
                .is_pending()
        );
        drop(wait);
        {
            let waiters = flag.lock();
            assert_eq!(waiters.free, [0], "the slot is free again");
            assert!(waiters.slots[0].is_none());
        }
        let mut again = flag.wait();
        assert!(
            Pin::new(&mut again)
                .poll(&mut Context::from_waker(&w2))
                .is_pending()
        );
        assert_eq!(flag.lock().slots.len(), 1, "the slot was reused");
        flag.raise();
        assert_eq!(
            first.0.load(Ordering::SeqCst),
            0,
            "the replaced waker is not woken"
        );
        assert_eq!(second.0.load(Ordering::SeqCst), 1);
    }
}
