//! What can go wrong on a connection, and whose fault it was.

use std::fmt;

/// An error of a connection or of a body read from one.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The socket failed.
    Io(std::io::Error),
    /// The peer broke the protocol (the engine's verdict).
    Remote(http_core::RemoteError),
    /// The application asked for something the protocol does not allow.
    Local(http_core::LocalError),
    /// A head the `http` crate's types cannot hold, or the reverse.
    Convert(http_core::ConvertError),
    /// A body the application supplied failed.
    Body(crate::BoxError),
    /// A write waited longer than `Config::write_timeout`.
    Timeout,
    /// The connection closed before the exchange was complete.
    Closed,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io(e) => write!(f, "i/o error: {e}"),
            Self::Remote(e) => write!(f, "the peer broke the protocol: {e}"),
            Self::Local(e) => write!(f, "not allowed by the protocol: {e}"),
            Self::Convert(e) => write!(f, "head not convertible: {e}"),
            Self::Body(e) => write!(f, "body failed: {e}"),
            Self::Timeout => f.write_str("timed out"),
            Self::Closed => f.write_str("connection closed"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Io(e) => Some(e),
            Self::Remote(e) => Some(e),
            Self::Local(e) => Some(e),
            Self::Convert(e) => Some(e),
            Self::Body(e) => Some(&**e),
            Self::Timeout | Self::Closed => None,
        }
    }
}

impl Error {
    /// Whether the socket itself failed (nothing more can be written on it), as opposed to
    /// the protocol or the application.
    pub(crate) fn is_socket(&self) -> bool {
        matches!(self, Self::Io(_) | Self::Timeout | Self::Closed)
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Self::Io(e)
    }
}

impl From<http_core::RemoteError> for Error {
    fn from(e: http_core::RemoteError) -> Self {
        Self::Remote(e)
    }
}

impl From<http_core::LocalError> for Error {
    fn from(e: http_core::LocalError) -> Self {
        Self::Local(e)
    }
}

impl From<http_core::ConvertError> for Error {
    fn from(e: http_core::ConvertError) -> Self {
        Self::Convert(e)
    }
}
