//! `Interest`: which readiness a registered source is watched for.

use std::fmt;
use std::ops::BitOr;

/// The readiness an [`AsyncFd`](crate::io::AsyncFd) is registered for:
/// readable, writable or both — asyncio's `loop.add_reader` /
/// `loop.add_writer`. Never empty.
///
/// ```
/// use runtime::io::Interest;
/// let both = Interest::READABLE | Interest::WRITABLE;
/// assert!(both.is_readable() && both.is_writable());
/// assert!(!Interest::READABLE.is_writable());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Interest(u8);

const READ: u8 = 1;
const WRITE: u8 = 2;

impl Interest {
    /// Readable: asyncio's `loop.add_reader(fd, ...)`.
    pub const READABLE: Interest = Interest(READ);
    /// Writable: asyncio's `loop.add_writer(fd, ...)`.
    pub const WRITABLE: Interest = Interest(WRITE);

    /// Whether this includes [`READABLE`](Self::READABLE).
    ///
    /// ```
    /// assert!(runtime::io::Interest::READABLE.is_readable());
    /// ```
    pub const fn is_readable(self) -> bool {
        self.0 & READ != 0
    }

    /// Whether this includes [`WRITABLE`](Self::WRITABLE).
    ///
    /// ```
    /// assert!(runtime::io::Interest::WRITABLE.is_writable());
    /// ```
    pub const fn is_writable(self) -> bool {
        self.0 & WRITE != 0
    }

    /// Both interests: the same as `self | other`, usable in a `const`.
    ///
    /// ```
    /// use runtime::io::Interest;
    /// const BOTH: Interest = Interest::READABLE.add(Interest::WRITABLE);
    /// assert!(BOTH.is_writable());
    /// ```
    pub const fn add(self, other: Interest) -> Interest {
        Interest(self.0 | other.0)
    }
}

impl BitOr for Interest {
    type Output = Interest;

    fn bitor(self, other: Interest) -> Interest {
        self.add(other)
    }
}

impl fmt::Debug for Interest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.is_readable(), self.is_writable()) {
            (true, true) => f.write_str("READABLE | WRITABLE"),
            (true, false) => f.write_str("READABLE"),
            _ => f.write_str("WRITABLE"),
        }
    }
}
