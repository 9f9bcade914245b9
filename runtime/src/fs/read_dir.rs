//! `read_dir`: a directory's entries as a `Stream`, fetched in batches.

use super::asyncify;
use crate::scheduler::context;
use crate::task::JoinHandle;
use crate::task::TaskMeta;
use futures_core::Stream;
use std::collections::VecDeque;
use std::ffi::OsString;
use std::fmt;
use std::fs::{FileType, Metadata};
use std::future::Future;
use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

/// Entries fetched per trip to the blocking pool.
const BATCH: usize = 32;

/// Opens a directory for listing: asyncio's `aiofiles.os.scandir(path)`
/// (or `os.listdir` in a thread). The entries come as a [`Stream`] of
/// `io::Result<DirEntry>`, in the OS's order, without `.` and `..`.
///
/// ```
/// use futures_lite::StreamExt;
/// runtime::run(async {
///     let dir = std::env::temp_dir().join(format!("runtime-doc-readdir-{}", std::process::id()));
///     runtime::fs::create_dir_all(&dir).await.unwrap();
///     for name in ["a", "b", "c"] {
///         runtime::fs::write(dir.join(name), name).await.unwrap();
///     }
///     let mut entries = runtime::fs::read_dir(&dir).await.unwrap();
///     let mut names = Vec::new();
///     while let Some(entry) = entries.next().await {          // async for entry in ...
///         names.push(entry.unwrap().file_name().into_string().unwrap());
///     }
///     names.sort();
///     assert_eq!(names, ["a", "b", "c"]);
///     runtime::fs::remove_dir_all(&dir).await.unwrap();
/// });
/// ```
pub async fn read_dir(path: impl AsRef<Path>) -> io::Result<ReadDir> {
    let path = path.as_ref().to_owned();
    let std = asyncify(move || std::fs::read_dir(path)).await?;
    Ok(ReadDir {
        state: State::Idle(Some(Batch {
            std,
            entries: VecDeque::with_capacity(BATCH),
            done: false,
        })),
    })
}

/// The entries of a directory, from [`read_dir`]: a
/// `Stream<Item = io::Result<DirEntry>>`. Each trip to the blocking pool
/// fetches up to 32 entries.
///
/// ```
/// runtime::run(async {
///     let mut entries = runtime::fs::read_dir(std::env::temp_dir()).await.unwrap();
///     while let Some(entry) = entries.next_entry().await.unwrap() {
///         let _ = entry.path();
///     }
/// });
/// ```
pub struct ReadDir {
    state: State,
}

enum State {
    /// `None` only while a `poll_next` is between states.
    Idle(Option<Batch>),
    Busy(JoinHandle<Batch>),
}

struct Batch {
    std: std::fs::ReadDir,
    entries: VecDeque<io::Result<DirEntry>>,
    done: bool,
}

impl Batch {
    /// Blocking: fetches the next entries.
    fn fetch(mut self) -> Batch {
        for _ in 0..BATCH {
            match self.std.next() {
                Some(entry) => self
                    .entries
                    .push_back(entry.map(|e| DirEntry { std: Arc::new(e) })),
                None => {
                    self.done = true;
                    break;
                }
            }
        }
        self
    }
}

impl ReadDir {
    /// The next entry, or `None` at the end: the same as the `Stream`'s
    /// `next`, without importing a `StreamExt`.
    ///
    /// ```
    /// runtime::run(async {
    ///     let dir = std::env::temp_dir().join(format!("runtime-doc-nextentry-{}", std::process::id()));
    ///     runtime::fs::create_dir_all(&dir).await.unwrap();
    ///     let mut entries = runtime::fs::read_dir(&dir).await.unwrap();
    ///     assert!(entries.next_entry().await.unwrap().is_none()); // empty
    ///     runtime::fs::remove_dir(&dir).await.unwrap();
    /// });
    /// ```
    pub async fn next_entry(&mut self) -> io::Result<Option<DirEntry>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx))
            .await
            .transpose()
    }
}

impl Stream for ReadDir {
    type Item = io::Result<DirEntry>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            match &mut this.state {
                State::Idle(batch) => {
                    let Some(mut current) = batch.take() else {
                        return Poll::Ready(None);
                    };
                    if let Some(entry) = current.entries.pop_front() {
                        *batch = Some(current);
                        return Poll::Ready(Some(entry));
                    }
                    if current.done {
                        *batch = Some(current);
                        return Poll::Ready(None);
                    }
                    match context::with_current(|h| {
                        h.spawn_blocking(move || current.fetch(), TaskMeta::here())
                    }) {
                        Ok(handle) => this.state = State::Busy(handle),
                        Err(missing) => {
                            return Poll::Ready(Some(Err(io::Error::other(format!(
                                "a directory listing was {missing}"
                            )))));
                        }
                    }
                }
                State::Busy(handle) => {
                    let batch = match ready!(Pin::new(handle).poll(cx)) {
                        Ok(batch) => batch,
                        Err(err) if err.is_panic() => std::panic::resume_unwind(err.into_panic()),
                        Err(_) => {
                            this.state = State::Idle(None);
                            return Poll::Ready(Some(Err(io::Error::other(
                                "the directory listing was cancelled: its runtime shut down",
                            ))));
                        }
                    };
                    this.state = State::Idle(Some(batch));
                }
            }
        }
    }
}

impl fmt::Debug for ReadDir {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReadDir").finish_non_exhaustive()
    }
}

/// One entry of a [`ReadDir`]: asyncio's `os.DirEntry` from `scandir`.
///
/// ```
/// runtime::run(async {
///     let dir = std::env::temp_dir().join(format!("runtime-doc-direntry-{}", std::process::id()));
///     runtime::fs::create_dir_all(&dir).await.unwrap();
///     runtime::fs::write(dir.join("f.txt"), "12345").await.unwrap();
///     let mut entries = runtime::fs::read_dir(&dir).await.unwrap();
///     let entry = entries.next_entry().await.unwrap().unwrap();
///     assert_eq!(entry.file_name(), "f.txt");
///     assert_eq!(entry.path(), dir.join("f.txt"));
///     assert!(entry.file_type().await.unwrap().is_file());
///     assert_eq!(entry.metadata().await.unwrap().len(), 5);
///     runtime::fs::remove_dir_all(&dir).await.unwrap();
/// });
/// ```
pub struct DirEntry {
    std: Arc<std::fs::DirEntry>,
}

impl DirEntry {
    /// The entry's full path (the directory's path joined with the name):
    /// `entry.path`.
    ///
    /// ```
    /// runtime::run(async {
    ///     let mut entries = runtime::fs::read_dir("/").await.unwrap();
    ///     if let Some(entry) = entries.next_entry().await.unwrap() {
    ///         assert!(entry.path().starts_with("/"));
    ///     }
    /// });
    /// ```
    pub fn path(&self) -> PathBuf {
        self.std.path()
    }

    /// The entry's bare name: `entry.name`.
    ///
    /// ```
    /// runtime::run(async {
    ///     let mut entries = runtime::fs::read_dir("/").await.unwrap();
    ///     if let Some(entry) = entries.next_entry().await.unwrap() {
    ///         assert!(!entry.file_name().is_empty());
    ///     }
    /// });
    /// ```
    pub fn file_name(&self) -> OsString {
        self.std.file_name()
    }

    /// The entry's metadata, not following symlinks: `entry.stat(follow_symlinks=False)`.
    ///
    /// ```
    /// runtime::run(async {
    ///     let mut entries = runtime::fs::read_dir("/").await.unwrap();
    ///     if let Some(entry) = entries.next_entry().await.unwrap() {
    ///         let _ = entry.metadata().await.unwrap().len();
    ///     }
    /// });
    /// ```
    pub async fn metadata(&self) -> io::Result<Metadata> {
        let std = self.std.clone();
        asyncify(move || std.metadata()).await
    }

    /// The entry's type (usually known without a syscall):
    /// `entry.is_dir()`, `is_file()`, `is_symlink()`.
    ///
    /// ```
    /// runtime::run(async {
    ///     let mut entries = runtime::fs::read_dir("/").await.unwrap();
    ///     if let Some(entry) = entries.next_entry().await.unwrap() {
    ///         let _ = entry.file_type().await.unwrap().is_dir();
    ///     }
    /// });
    /// ```
    pub async fn file_type(&self) -> io::Result<FileType> {
        let std = self.std.clone();
        asyncify(move || std.file_type()).await
    }
}

impl fmt::Debug for DirEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("DirEntry").field(&self.path()).finish()
    }
}
