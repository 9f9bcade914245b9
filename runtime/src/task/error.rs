//! `JoinError`: why awaiting a task gave no value.

use super::id::TaskId;
use std::any::Any;
use std::fmt;
use std::sync::Mutex;

/// A task did not produce its value: it was cancelled, or it panicked.
///
/// This is what awaiting a [`JoinHandle`](crate::task::JoinHandle) gives
/// instead of the output. It stands for asyncio's `CancelledError` (from
/// `Task.cancel()`, or from the loop closing with the task unfinished) and for
/// the exception a failed task re-raises when awaited.
///
/// ```
/// let rt = runtime::Runtime::new().unwrap();
/// rt.block_on(async {
///     let handle = runtime::spawn(async { panic!("boom") });
///     let err = handle.await.unwrap_err();
///     assert!(err.is_panic());
///     assert_eq!(*err.into_panic().downcast::<&str>().unwrap(), "boom");
/// });
/// ```
pub struct JoinError {
    // Boxed: a task's stored output is a `Result<T, JoinError>`, so a fat
    // error would make every task cell bigger. Building one (a cancellation
    // or a panic) is already a slow path.
    inner: Box<Inner>,
}

struct Inner {
    id: TaskId,
    repr: Repr,
}

enum Repr {
    Cancelled,
    /// The panic payload. A `Mutex` makes the error `Sync` although the
    /// payload is only `Send`; it is only ever locked to take the payload
    /// out or to print it.
    Panic(Mutex<Box<dyn Any + Send + 'static>>),
}

impl JoinError {
    pub(crate) fn cancelled(id: TaskId) -> JoinError {
        JoinError {
            inner: Box::new(Inner {
                id,
                repr: Repr::Cancelled,
            }),
        }
    }

    pub(crate) fn panic(id: TaskId, payload: Box<dyn Any + Send + 'static>) -> JoinError {
        JoinError {
            inner: Box::new(Inner {
                id,
                repr: Repr::Panic(Mutex::new(payload)),
            }),
        }
    }

    /// True when the task was cancelled (`abort()`, or the runtime shut down
    /// before it finished): asyncio's `CancelledError`.
    ///
    /// ```
    /// let rt = runtime::Runtime::new().unwrap();
    /// rt.block_on(async {
    ///     let handle = runtime::spawn(std::future::pending::<()>());
    ///     handle.abort();
    ///     assert!(handle.await.unwrap_err().is_cancelled());
    /// });
    /// ```
    pub fn is_cancelled(&self) -> bool {
        matches!(self.inner.repr, Repr::Cancelled)
    }

    /// True when the task panicked: the exception a failed asyncio task
    /// re-raises when awaited.
    ///
    /// ```
    /// let rt = runtime::Runtime::new().unwrap();
    /// rt.block_on(async {
    ///     let handle = runtime::spawn(async { panic!("boom") });
    ///     assert!(handle.await.unwrap_err().is_panic());
    /// });
    /// ```
    pub fn is_panic(&self) -> bool {
        matches!(self.inner.repr, Repr::Panic(_))
    }

    /// The panic payload, to re-raise with `std::panic::resume_unwind`.
    ///
    /// # Panics
    /// If the task was cancelled rather than panicked (check
    /// [`is_panic`](Self::is_panic) first, or use
    /// [`try_into_panic`](Self::try_into_panic)).
    ///
    /// ```
    /// let rt = runtime::Runtime::new().unwrap();
    /// rt.block_on(async {
    ///     let err = runtime::spawn(async { panic!("boom") }).await.unwrap_err();
    ///     let payload = err.into_panic();
    ///     assert_eq!(*payload.downcast::<&str>().unwrap(), "boom");
    /// });
    /// ```
    #[track_caller]
    pub fn into_panic(self) -> Box<dyn Any + Send + 'static> {
        self.try_into_panic().unwrap_or_else(|err| {
            panic!(
                "JoinError::into_panic called on {err}, which did not panic; check is_panic() first"
            )
        })
    }

    /// The panic payload, or the error back if the task was cancelled.
    ///
    /// ```
    /// let rt = runtime::Runtime::new().unwrap();
    /// rt.block_on(async {
    ///     let handle = runtime::spawn(std::future::pending::<()>());
    ///     handle.abort();
    ///     let err = handle.await.unwrap_err();
    ///     assert!(err.try_into_panic().is_err());
    /// });
    /// ```
    pub fn try_into_panic(self) -> Result<Box<dyn Any + Send + 'static>, JoinError> {
        match self.inner.repr {
            Repr::Panic(payload) => Ok(payload
                .into_inner()
                .unwrap_or_else(|poisoned| poisoned.into_inner())),
            Repr::Cancelled => Err(JoinError::cancelled(self.inner.id)),
        }
    }

    /// The id of the task that failed.
    ///
    /// ```
    /// let rt = runtime::Runtime::new().unwrap();
    /// rt.block_on(async {
    ///     let handle = runtime::spawn(async { panic!("boom") });
    ///     let id = handle.id();
    ///     assert_eq!(handle.await.unwrap_err().id(), id);
    /// });
    /// ```
    pub fn id(&self) -> TaskId {
        self.inner.id
    }

    /// The panic message, when the payload is a string.
    fn panic_message(&self) -> Option<String> {
        let Repr::Panic(payload) = &self.inner.repr else {
            return None;
        };
        let payload = payload
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        panic_payload_message(&**payload).map(str::to_owned)
    }
}

/// The message of a panic payload, if it is a string (as `panic!` makes).
pub(crate) fn panic_payload_message(payload: &(dyn Any + Send)) -> Option<&str> {
    if let Some(s) = payload.downcast_ref::<&'static str>() {
        Some(s)
    } else {
        payload.downcast_ref::<String>().map(String::as_str)
    }
}

impl fmt::Display for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let id = self.inner.id;
        match &self.inner.repr {
            Repr::Cancelled => write!(f, "task {id} was cancelled"),
            Repr::Panic(_) => match self.panic_message() {
                Some(message) => write!(f, "task {id} panicked with message {message:?}"),
                None => write!(f, "task {id} panicked"),
            },
        }
    }
}

impl fmt::Debug for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let id = self.inner.id;
        match &self.inner.repr {
            Repr::Cancelled => write!(f, "JoinError::Cancelled({id:?})"),
            Repr::Panic(_) => match self.panic_message() {
                Some(message) => write!(f, "JoinError::Panic({id:?}, {message:?}, ...)"),
                None => write!(f, "JoinError::Panic({id:?}, ...)"),
            },
        }
    }
}

impl std::error::Error for JoinError {}

impl From<JoinError> for std::io::Error {
    fn from(err: JoinError) -> std::io::Error {
        let kind = if err.is_cancelled() {
            std::io::ErrorKind::Interrupted
        } else {
            std::io::ErrorKind::Other
        };
        std::io::Error::new(kind, err.to_string())
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::JoinError;
    use std::mem::size_of;

    #[test]
    fn join_error_is_one_pointer_so_task_cells_stay_small() {
        assert_eq!(size_of::<JoinError>(), size_of::<usize>());
        assert_eq!(size_of::<Result<(), JoinError>>(), size_of::<usize>());
    }
}
