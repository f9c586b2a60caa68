//! Time as plain data: the engine never reads a clock; it is told the time and reports deadlines.

use core::time::Duration;

/// A point in time, measured from an origin the driver chooses (usually when it started).
///
/// The engine only compares and adds instants, so any monotonic origin works; the same origin
/// MUST be used for every call on one connection.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant(Duration);

impl Instant {
    /// The origin itself.
    pub const ZERO: Self = Self(Duration::ZERO);

    /// The instant `since_origin` after the origin.
    #[must_use]
    pub const fn from_duration(since_origin: Duration) -> Self {
        Self(since_origin)
    }

    /// The time since the origin.
    #[must_use]
    pub const fn as_duration(self) -> Duration {
        self.0
    }

    /// This instant plus `d`, saturating at the largest representable instant.
    #[must_use]
    pub fn saturating_add(self, d: Duration) -> Self {
        Self(self.0.saturating_add(d))
    }
}

/// Which wait a deadline bounds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TimerKind {
    /// Reading a head (slowloris protection).
    HeaderRead,
    /// An idle kept-alive connection waiting for its next request.
    Idle,
    /// Waiting for more body bytes that the application is waiting for.
    BodyRead,
    /// Client role: holding a request body while waiting for 100 (Continue).
    Continue,
    /// Client role: waiting for the final response's head once the request is sent.
    Response,
}

/// A deadline: when it passes, the engine acts as `kind` says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Deadline {
    /// The wait this deadline bounds.
    pub kind: TimerKind,
    /// When it expires.
    pub at: Instant,
}

impl Deadline {
    pub(crate) fn after(kind: TimerKind, start: Instant, wait: Option<Duration>) -> Option<Self> {
        wait.map(|w| Self {
            kind,
            at: start.saturating_add(w),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadlines_add_and_saturate() {
        let t = Instant::from_duration(Duration::from_secs(5));
        let d = Deadline::after(TimerKind::Idle, t, Some(Duration::from_secs(2))).unwrap();
        assert_eq!(d.at.as_duration(), Duration::from_secs(7));
        assert_eq!(Deadline::after(TimerKind::Idle, t, None), None);
        assert_eq!(
            Instant::from_duration(Duration::MAX).saturating_add(Duration::from_secs(1)),
            Instant::from_duration(Duration::MAX)
        );
        assert!(Instant::ZERO < t);
    }
}
