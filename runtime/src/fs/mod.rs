//! Files and directories without blocking the event loop: asyncio's
//! `aiofiles` (and `asyncio.to_thread` around `os` / `shutil` calls).
//!
//! # The model
//!
//! Operating systems offer no readiness notification for regular files, so
//! every file-system call runs on the runtime's blocking pool (see
//! [`spawn_blocking`](crate::spawn_blocking)) while the task awaits it, as
//! aiofiles runs its calls in a thread-pool executor. A pool hop costs a
//! few microseconds, far more than copying a few bytes, so the API is shaped
//! to make few of them:
//!
//! * the one-shot functions ([`read`], [`write`], [`read_to_string`],
//!   [`metadata`]...) do their whole job in one hop;
//! * a [`File`] buffers: reads fetch 64 KiB (or the caller's buffer size, up
//!   to 2 MiB) per hop and serve small reads from that; writes are copied
//!   into a 64 KiB write-behind buffer that goes to the pool when full and on
//!   `flush`, `close` or `seek`;
//! * [`read_dir`] fetches directory entries in batches of 32 per hop.
//!
//! ```
//! use runtime::io::{AsyncReadExt, AsyncWriteExt};
//!
//! runtime::run(async {
//!     let dir = std::env::temp_dir().join(format!("runtime-fs-doc-{}", std::process::id()));
//!     runtime::fs::create_dir_all(&dir).await?;
//!     let path = dir.join("hello.txt");
//!
//!     // async with aiofiles.open(path, "w") as f: await f.write(...)
//!     let mut f = runtime::fs::File::create(&path).await?;
//!     f.write_all(b"hello, files").await?;
//!     f.close().await?;                           // flushes the write-behind buffer
//!
//!     assert_eq!(runtime::fs::read_to_string(&path).await?, "hello, files");
//!     runtime::fs::remove_file(&path).await?;
//!     std::fs::remove_dir(&dir)?;
//!     Ok::<(), std::io::Error>(())
//! })
//! .unwrap();
//! ```

mod file;
mod read_dir;

pub use file::File;
pub use read_dir::{DirEntry, ReadDir, read_dir};

use crate::scheduler::context;
use crate::task::TaskMeta;
use std::fs::Metadata;
use std::io;
use std::path::{Path, PathBuf};

/// Runs `f` on the current runtime's blocking pool and awaits it.
pub(crate) async fn asyncify<F, T>(f: F) -> io::Result<T>
where
    F: FnOnce() -> io::Result<T> + Send + 'static,
    T: Send + 'static,
{
    let handle = context::with_current(|handle| handle.spawn_blocking(f, TaskMeta::here()))
        .map_err(|missing| io::Error::other(format!("a file-system operation was {missing}")))?;
    join(handle.await)
}

/// The result of a blocking-pool job: its own, a resumed panic, or an
/// error if the runtime shut down before it ran.
pub(crate) fn join<T>(result: Result<io::Result<T>, crate::task::JoinError>) -> io::Result<T> {
    match result {
        Ok(out) => out,
        Err(err) if err.is_panic() => std::panic::resume_unwind(err.into_panic()),
        Err(_) => Err(io::Error::other(
            "the file-system operation was cancelled: its runtime shut down",
        )),
    }
}

/// Reads a whole file into a vector, in one pool hop: aiofiles'
/// `async with aiofiles.open(p, "rb") as f: await f.read()`.
///
/// ```
/// runtime::run(async {
///     let path = std::env::temp_dir().join(format!("runtime-doc-read-{}", std::process::id()));
///     runtime::fs::write(&path, [1u8, 2, 3]).await.unwrap();
///     assert_eq!(runtime::fs::read(&path).await.unwrap(), [1, 2, 3]);
///     runtime::fs::remove_file(&path).await.unwrap();
/// });
/// ```
pub async fn read(path: impl AsRef<Path>) -> io::Result<Vec<u8>> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::read(path)).await
}

/// Reads a whole UTF-8 file into a string, in one pool hop: aiofiles'
/// `await f.read()` on a file opened in text mode.
///
/// ```
/// runtime::run(async {
///     let path = std::env::temp_dir().join(format!("runtime-doc-rts-{}", std::process::id()));
///     runtime::fs::write(&path, "text").await.unwrap();
///     assert_eq!(runtime::fs::read_to_string(&path).await.unwrap(), "text");
///     runtime::fs::remove_file(&path).await.unwrap();
/// });
/// ```
pub async fn read_to_string(path: impl AsRef<Path>) -> io::Result<String> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::read_to_string(path)).await
}

/// Creates or truncates a file and writes `contents`, in one pool hop:
/// aiofiles' `async with aiofiles.open(p, "wb") as f: await f.write(data)`.
///
/// ```
/// runtime::run(async {
///     let path = std::env::temp_dir().join(format!("runtime-doc-write-{}", std::process::id()));
///     runtime::fs::write(&path, b"data").await.unwrap();
///     assert_eq!(runtime::fs::metadata(&path).await.unwrap().len(), 4);
///     runtime::fs::remove_file(&path).await.unwrap();
/// });
/// ```
pub async fn write(path: impl AsRef<Path>, contents: impl AsRef<[u8]>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    let contents = contents.as_ref().to_owned();
    asyncify(move || std::fs::write(path, contents)).await
}

/// Creates a directory and every missing parent: `os.makedirs(p,
/// exist_ok=True)` (aiofiles' `aiofiles.os.makedirs`).
///
/// ```
/// runtime::run(async {
///     let root = std::env::temp_dir().join(format!("runtime-doc-mkdirs-{}", std::process::id()));
///     runtime::fs::create_dir_all(root.join("a/b/c")).await.unwrap();
///     assert!(runtime::fs::metadata(root.join("a/b/c")).await.unwrap().is_dir());
///     runtime::fs::remove_dir_all(&root).await.unwrap();
/// });
/// ```
pub async fn create_dir_all(path: impl AsRef<Path>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::create_dir_all(path)).await
}

/// Creates one directory; its parent must exist: `os.mkdir`
/// (`aiofiles.os.mkdir`).
///
/// ```
/// runtime::run(async {
///     let dir = std::env::temp_dir().join(format!("runtime-doc-mkdir-{}", std::process::id()));
///     runtime::fs::create_dir(&dir).await.unwrap();
///     assert!(runtime::fs::create_dir(&dir).await.is_err()); // exists
///     runtime::fs::remove_dir(&dir).await.unwrap();
/// });
/// ```
pub async fn create_dir(path: impl AsRef<Path>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::create_dir(path)).await
}

/// Removes a file: `os.remove` (`aiofiles.os.remove`).
///
/// ```
/// runtime::run(async {
///     let path = std::env::temp_dir().join(format!("runtime-doc-rm-{}", std::process::id()));
///     runtime::fs::write(&path, "x").await.unwrap();
///     runtime::fs::remove_file(&path).await.unwrap();
///     let err = runtime::fs::remove_file(&path).await.unwrap_err();
///     assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
/// });
/// ```
pub async fn remove_file(path: impl AsRef<Path>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::remove_file(path)).await
}

/// Removes an empty directory: `os.rmdir` (`aiofiles.os.rmdir`).
///
/// ```
/// runtime::run(async {
///     let dir = std::env::temp_dir().join(format!("runtime-doc-rmdir-{}", std::process::id()));
///     runtime::fs::create_dir(&dir).await.unwrap();
///     runtime::fs::remove_dir(&dir).await.unwrap();
/// });
/// ```
pub async fn remove_dir(path: impl AsRef<Path>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::remove_dir(path)).await
}

/// Removes a directory and everything in it: `shutil.rmtree`.
///
/// ```
/// runtime::run(async {
///     let dir = std::env::temp_dir().join(format!("runtime-doc-rmtree-{}", std::process::id()));
///     runtime::fs::create_dir_all(dir.join("sub")).await.unwrap();
///     runtime::fs::write(dir.join("sub/f"), "x").await.unwrap();
///     runtime::fs::remove_dir_all(&dir).await.unwrap();
///     assert!(!runtime::fs::try_exists(&dir).await.unwrap());
/// });
/// ```
pub async fn remove_dir_all(path: impl AsRef<Path>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::remove_dir_all(path)).await
}

/// Renames (moves) a file or directory, replacing `to` if it is a file:
/// `os.replace` (`aiofiles.os.replace`).
///
/// ```
/// runtime::run(async {
///     let a = std::env::temp_dir().join(format!("runtime-doc-mv-a-{}", std::process::id()));
///     let b = a.with_extension("b");
///     runtime::fs::write(&a, "moved").await.unwrap();
///     runtime::fs::rename(&a, &b).await.unwrap();
///     assert_eq!(runtime::fs::read_to_string(&b).await.unwrap(), "moved");
///     runtime::fs::remove_file(&b).await.unwrap();
/// });
/// ```
pub async fn rename(from: impl AsRef<Path>, to: impl AsRef<Path>) -> io::Result<()> {
    let (from, to) = (from.as_ref().to_owned(), to.as_ref().to_owned());
    asyncify(move || std::fs::rename(from, to)).await
}

/// Copies a file's contents and permissions, returning the bytes copied:
/// `shutil.copy`.
///
/// ```
/// runtime::run(async {
///     let a = std::env::temp_dir().join(format!("runtime-doc-cp-{}", std::process::id()));
///     let b = a.with_extension("copy");
///     runtime::fs::write(&a, "twin").await.unwrap();
///     assert_eq!(runtime::fs::copy(&a, &b).await.unwrap(), 4);
///     runtime::fs::remove_file(&a).await.unwrap();
///     runtime::fs::remove_file(&b).await.unwrap();
/// });
/// ```
pub async fn copy(from: impl AsRef<Path>, to: impl AsRef<Path>) -> io::Result<u64> {
    let (from, to) = (from.as_ref().to_owned(), to.as_ref().to_owned());
    asyncify(move || std::fs::copy(from, to)).await
}

/// A path's metadata (size, type, times, permissions), following
/// symlinks: `os.stat` (`aiofiles.os.stat`).
///
/// ```
/// runtime::run(async {
///     let meta = runtime::fs::metadata(std::env::temp_dir()).await.unwrap();
///     assert!(meta.is_dir());
/// });
/// ```
pub async fn metadata(path: impl AsRef<Path>) -> io::Result<Metadata> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::metadata(path)).await
}

/// Whether a path exists (`Ok(false)` if it does not, an error if that
/// cannot be told, such as a permission error): `os.path.exists`
/// (`aiofiles.os.path.exists`).
///
/// ```
/// runtime::run(async {
///     assert!(runtime::fs::try_exists(std::env::temp_dir()).await.unwrap());
///     assert!(!runtime::fs::try_exists("/definitely/not/here").await.unwrap());
/// });
/// ```
pub async fn try_exists(path: impl AsRef<Path>) -> io::Result<bool> {
    let path = path.as_ref().to_owned();
    asyncify(move || path.try_exists()).await
}

/// The absolute path with every symlink resolved: `os.path.realpath`.
///
/// ```
/// runtime::run(async {
///     let here = runtime::fs::canonicalize(".").await.unwrap();
///     assert!(here.is_absolute());
/// });
/// ```
pub async fn canonicalize(path: impl AsRef<Path>) -> io::Result<PathBuf> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::canonicalize(path)).await
}
