//! `File`: aiofiles' file object, buffered so that small reads and writes
//! do not each cost a trip to the blocking pool.
//!
//! # State machine
//!
//! ```text
//!            start a job (read a chunk, write the buffer, seek, rewind)
//!   Idle(buf) ─────────────────────────────────────────────────────▶ Busy(job)
//!       ▲                                                              │
//!       └──────────── job done: (Op result, buf) back ─────────────────┘
//! ```
//!
//! The buffer travels with the job, so no lock is needed: while `Busy`, the
//! blocking thread owns it. In `Idle` it is in one of three modes:
//!
//! * `Read`: `bytes[pos..]` were read from the OS but not yet handed out.
//!   The OS cursor is ahead of the logical position by that much, so a
//!   write or seek first *rewinds* (seeks back over the unread bytes);
//! * `Write`: `bytes` are accepted from the caller but not yet written
//!   (write-behind). Reads, seeks, `flush` and `close` write them first;
//!   a full buffer is sent to the pool at once, and the caller goes on
//!   filling the next one only once that write is done;
//! * `Empty`.
//!
//! An error from a write-behind job surfaces in the next operation that
//! waits for it (the next write, `flush`, `close`, read or seek).

use super::join;
use crate::io::{AsyncRead, AsyncSeek, AsyncWrite};
use crate::scheduler::context;
use crate::task::JoinHandle;
use crate::task::TaskMeta;
use std::fmt;
use std::fs::{File as StdFile, Metadata, OpenOptions};
use std::future::Future;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

/// Bytes fetched or written per pool hop at least.
const CHUNK: usize = 64 * 1024;
/// At most (when the caller's own buffer is larger than `CHUNK`).
const MAX_CHUNK: usize = 2 * 1024 * 1024;

/// An open file: aiofiles' `async with aiofiles.open(path) as f`.
///
/// Implements [`AsyncRead`], [`AsyncWrite`] and [`AsyncSeek`], so every
/// helper of [`runtime::io`](crate::io) applies: `read_to_end`,
/// `write_all`, `BufReader::lines`, `copy`...
///
/// Writes are buffered (see [the module docs](super)): call
/// [`flush`](crate::io::AsyncWriteExt::flush) or
/// [`close`](crate::io::AsyncWriteExt::close) to make sure they reached
/// the OS and to see their errors. A `File` dropped with buffered data
/// still writes it, in the background and without reporting errors, as
/// Python's file objects do when garbage collected.
///
/// ```
/// use runtime::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
/// use runtime::fs::File;
/// use futures_lite::StreamExt;
///
/// runtime::run(async {
///     let path = std::env::temp_dir().join(format!("runtime-doc-file-{}", std::process::id()));
///     let mut f = File::create(&path).await.unwrap();          // aiofiles.open(p, "w")
///     for i in 0..3 {
///         f.write_all(format!("line {i}\n").as_bytes()).await.unwrap();
///     }
///     f.close().await.unwrap();
///
///     let f = File::open(&path).await.unwrap();                // aiofiles.open(p)
///     let lines: Vec<String> = BufReader::new(f).lines().try_collect().await.unwrap();
///     assert_eq!(lines, ["line 0", "line 1", "line 2"]);       // async for line in f
///     runtime::fs::remove_file(&path).await.unwrap();
/// });
/// ```
pub struct File {
    std: Arc<StdFile>,
    state: State,
}

enum State {
    Idle(Buf),
    Busy(JoinHandle<(Op, Buf)>),
}

#[derive(Default)]
struct Buf {
    bytes: Vec<u8>,
    /// In `Read` mode, the first byte not yet handed out.
    pos: usize,
    mode: Mode,
}

#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
enum Mode {
    #[default]
    Empty,
    Read,
    Write,
}

/// What a finished job did.
enum Op {
    /// Filled the buffer (an empty buffer is end of file).
    Read(io::Result<()>),
    /// Wrote the buffer out.
    Write(io::Result<()>),
    /// Sought back over unread bytes, before a write or seek.
    Rewind(io::Result<()>),
    /// A `poll_seek` for this target.
    Seek(SeekFrom, io::Result<u64>),
}

impl Buf {
    fn unread(&self) -> usize {
        match self.mode {
            Mode::Read => self.bytes.len() - self.pos,
            _ => 0,
        }
    }

    fn clear(&mut self) {
        self.bytes.clear();
        self.pos = 0;
        self.mode = Mode::Empty;
    }

    /// Blocking: reads up to `want` bytes from the file.
    fn fill(&mut self, mut file: &StdFile, want: usize) -> io::Result<()> {
        self.clear();
        self.bytes.resize(want, 0);
        let result = loop {
            match file.read(&mut self.bytes) {
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                other => break other,
            }
        };
        match result {
            Ok(n) => {
                self.bytes.truncate(n);
                self.mode = Mode::Read;
                Ok(())
            }
            Err(err) => {
                self.clear();
                Err(err)
            }
        }
    }

    /// Blocking: writes the buffered bytes out.
    fn drain_to(&mut self, mut file: &StdFile) -> io::Result<()> {
        let result = file.write_all(&self.bytes);
        self.clear();
        result
    }
}

impl File {
    /// Opens a file for reading: aiofiles' `aiofiles.open(path, "rb")`.
    ///
    /// ```
    /// runtime::run(async {
    ///     let err = runtime::fs::File::open("/no/such/file").await.unwrap_err();
    ///     assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
    /// });
    /// ```
    pub async fn open(path: impl AsRef<Path>) -> io::Result<File> {
        let path = path.as_ref().to_owned();
        let std = super::asyncify(move || StdFile::open(path)).await?;
        Ok(File::from_std(std))
    }

    /// Creates (or truncates) a file for writing: aiofiles'
    /// `aiofiles.open(path, "wb")`.
    ///
    /// ```
    /// use runtime::io::AsyncWriteExt;
    /// runtime::run(async {
    ///     let path = std::env::temp_dir().join(format!("runtime-doc-create-{}", std::process::id()));
    ///     let mut f = runtime::fs::File::create(&path).await.unwrap();
    ///     f.write_all(b"new").await.unwrap();
    ///     f.close().await.unwrap();
    ///     assert_eq!(runtime::fs::read(&path).await.unwrap(), b"new");
    ///     runtime::fs::remove_file(&path).await.unwrap();
    /// });
    /// ```
    pub async fn create(path: impl AsRef<Path>) -> io::Result<File> {
        let path = path.as_ref().to_owned();
        let std = super::asyncify(move || StdFile::create(path)).await?;
        Ok(File::from_std(std))
    }

    /// Opens a file with `std`'s [`OpenOptions`] (append, read + write,
    /// create-new...): aiofiles' `aiofiles.open(path, mode)` for the other
    /// modes.
    ///
    /// ```
    /// use runtime::io::AsyncWriteExt;
    /// runtime::run(async {
    ///     let path = std::env::temp_dir().join(format!("runtime-doc-append-{}", std::process::id()));
    ///     runtime::fs::write(&path, "a").await.unwrap();
    ///     let mut options = std::fs::OpenOptions::new();
    ///     options.append(true);                                   // mode "a"
    ///     let mut f = runtime::fs::File::open_with(&path, options).await.unwrap();
    ///     f.write_all(b"b").await.unwrap();
    ///     f.close().await.unwrap();
    ///     assert_eq!(runtime::fs::read_to_string(&path).await.unwrap(), "ab");
    ///     runtime::fs::remove_file(&path).await.unwrap();
    /// });
    /// ```
    pub async fn open_with(path: impl AsRef<Path>, options: OpenOptions) -> io::Result<File> {
        let path = path.as_ref().to_owned();
        let std = super::asyncify(move || options.open(path)).await?;
        Ok(File::from_std(std))
    }

    /// Wraps an open `std` file. Needs no runtime until the first operation.
    ///
    /// ```
    /// let std_file = std::fs::File::open(std::env::current_exe().unwrap()).unwrap();
    /// let file = runtime::fs::File::from_std(std_file);
    /// runtime::run(async move {
    ///     assert!(file.metadata().await.unwrap().len() > 0);
    /// });
    /// ```
    pub fn from_std(file: StdFile) -> File {
        File {
            std: Arc::new(file),
            state: State::Idle(Buf::default()),
        }
    }

    /// Writes out buffered data, puts the OS cursor at the logical position
    /// and gives back the `std` file.
    ///
    /// ```
    /// use runtime::io::AsyncWriteExt;
    /// runtime::run(async {
    ///     let path = std::env::temp_dir().join(format!("runtime-doc-intostd-{}", std::process::id()));
    ///     let mut f = runtime::fs::File::create(&path).await.unwrap();
    ///     f.write_all(b"buffered").await.unwrap();
    ///     let std_file = f.into_std().await.unwrap();              // written out first
    ///     assert_eq!(std_file.metadata().unwrap().len(), 8);
    ///     runtime::fs::remove_file(&path).await.unwrap();
    /// });
    /// ```
    pub async fn into_std(mut self) -> io::Result<StdFile> {
        std::future::poll_fn(|cx| self.poll_settle(cx)).await?;
        let std = self.std.clone();
        drop(self);
        match Arc::try_unwrap(std) {
            Ok(file) => Ok(file),
            // A metadata job whose future was dropped still holds it.
            Err(shared) => shared.try_clone(),
        }
    }

    /// The file's metadata: aiofiles' `await aiofiles.os.stat(f.fileno())`.
    ///
    /// ```
    /// runtime::run(async {
    ///     let f = runtime::fs::File::open(std::env::current_exe().unwrap()).await.unwrap();
    ///     assert!(f.metadata().await.unwrap().is_file());
    /// });
    /// ```
    pub async fn metadata(&self) -> io::Result<Metadata> {
        let std = self.std.clone();
        super::asyncify(move || std.metadata()).await
    }

    /// Writes out buffered data, then asks the OS to put data and metadata
    /// on disk: `f.flush()` followed by `os.fsync(f.fileno())`.
    ///
    /// ```
    /// use runtime::io::AsyncWriteExt;
    /// runtime::run(async {
    ///     let path = std::env::temp_dir().join(format!("runtime-doc-sync-{}", std::process::id()));
    ///     let mut f = runtime::fs::File::create(&path).await.unwrap();
    ///     f.write_all(b"durable").await.unwrap();
    ///     f.sync_all().await.unwrap();
    ///     runtime::fs::remove_file(&path).await.unwrap();
    /// });
    /// ```
    pub async fn sync_all(&mut self) -> io::Result<()> {
        std::future::poll_fn(|cx| self.poll_settle(cx)).await?;
        let std = self.std.clone();
        super::asyncify(move || std.sync_all()).await
    }

    /// Like [`sync_all`](Self::sync_all) but without metadata that is not
    /// needed to read the data back: `os.fdatasync`.
    ///
    /// ```
    /// use runtime::io::AsyncWriteExt;
    /// runtime::run(async {
    ///     let path = std::env::temp_dir().join(format!("runtime-doc-sdata-{}", std::process::id()));
    ///     let mut f = runtime::fs::File::create(&path).await.unwrap();
    ///     f.write_all(b"data").await.unwrap();
    ///     f.sync_data().await.unwrap();
    ///     runtime::fs::remove_file(&path).await.unwrap();
    /// });
    /// ```
    pub async fn sync_data(&mut self) -> io::Result<()> {
        std::future::poll_fn(|cx| self.poll_settle(cx)).await?;
        let std = self.std.clone();
        super::asyncify(move || std.sync_data()).await
    }

    /// Truncates or extends the file to `size` bytes, after writing out
    /// buffered data: aiofiles' `await f.truncate(size)`. The cursor does
    /// not move.
    ///
    /// ```
    /// use runtime::io::AsyncWriteExt;
    /// runtime::run(async {
    ///     let path = std::env::temp_dir().join(format!("runtime-doc-setlen-{}", std::process::id()));
    ///     let mut f = runtime::fs::File::create(&path).await.unwrap();
    ///     f.write_all(b"0123456789").await.unwrap();
    ///     f.set_len(4).await.unwrap();
    ///     assert_eq!(f.metadata().await.unwrap().len(), 4);
    ///     runtime::fs::remove_file(&path).await.unwrap();
    /// });
    /// ```
    pub async fn set_len(&mut self, size: u64) -> io::Result<()> {
        std::future::poll_fn(|cx| self.poll_settle(cx)).await?;
        let std = self.std.clone();
        super::asyncify(move || std.set_len(size)).await
    }

    /// Sends `buf` and `job` to the blocking pool; `Busy` until it is done.
    /// Outside a runtime, the buffer stays and an error is returned.
    fn start(
        &mut self,
        mut buf: Buf,
        job: impl FnOnce(&StdFile, &mut Buf) -> Op + Send + 'static,
    ) -> io::Result<()> {
        let handle = match context::with_current(Clone::clone) {
            Ok(handle) => handle,
            Err(missing) => {
                self.state = State::Idle(buf);
                return Err(io::Error::other(format!("a file operation was {missing}")));
            }
        };
        let std = self.std.clone();
        self.state = State::Busy(handle.spawn_mandatory(
            move || {
                let op = job(&std, &mut buf);
                (op, buf)
            },
            TaskMeta::here(),
        ));
        Ok(())
    }

    fn start_write(&mut self, buf: Buf) -> io::Result<()> {
        self.start(buf, |file, buf| Op::Write(buf.drain_to(file)))
    }

    fn start_rewind(&mut self, buf: Buf) -> io::Result<()> {
        let back = buf.unread() as i64;
        self.start(buf, move |mut file, buf| {
            buf.clear();
            Op::Rewind(file.seek(SeekFrom::Current(-back)).map(drop))
        })
    }

    /// Takes the idle buffer out, leaving an empty one.
    fn take_idle(&mut self) -> Buf {
        match &mut self.state {
            State::Idle(buf) => std::mem::take(buf),
            State::Busy(_) => unreachable!("take_idle while busy"),
        }
    }

    /// Waits for the job in flight, if any; `Idle` afterwards.
    fn poll_job(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<Option<Op>>> {
        let State::Busy(handle) = &mut self.state else {
            return Poll::Ready(Ok(None));
        };
        let result = ready!(Pin::new(handle).poll(cx));
        let (op, buf) = join(result.map(Ok))?;
        self.state = State::Idle(buf);
        Poll::Ready(Ok(Some(op)))
    }

    /// Waits for the job in flight and surfaces a write-behind or rewind
    /// error. Reads and seeks whose caller went away are dropped.
    fn poll_idle(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match ready!(self.poll_job(cx))? {
            Some(Op::Write(Err(err)) | Op::Rewind(Err(err))) => Poll::Ready(Err(err)),
            _ => Poll::Ready(Ok(())),
        }
    }

    /// Writes out buffered data and rewinds over unread data, so the OS
    /// cursor is where the caller thinks it is and the buffer is empty.
    fn poll_settle(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        loop {
            ready!(self.poll_idle(cx))?;
            let buf = self.take_idle();
            match buf.mode {
                Mode::Write if !buf.bytes.is_empty() => self.start_write(buf)?,
                Mode::Read if buf.unread() > 0 => self.start_rewind(buf)?,
                _ => {
                    self.state = State::Idle(buf);
                    return Poll::Ready(Ok(()));
                }
            }
        }
    }
}

impl AsyncRead for File {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        dst: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if dst.is_empty() {
            return Poll::Ready(Ok(0));
        }
        loop {
            if let State::Busy(_) = this.state {
                match ready!(this.poll_job(cx))? {
                    Some(Op::Read(Err(err)) | Op::Write(Err(err)) | Op::Rewind(Err(err))) => {
                        return Poll::Ready(Err(err));
                    }
                    Some(Op::Read(Ok(()))) if this.take_eof() => return Poll::Ready(Ok(0)),
                    _ => {}
                }
            }
            let mut buf = this.take_idle();
            match buf.mode {
                Mode::Write if !buf.bytes.is_empty() => this.start_write(buf)?,
                Mode::Read if buf.unread() > 0 => {
                    let n = dst.len().min(buf.unread());
                    dst[..n].copy_from_slice(&buf.bytes[buf.pos..buf.pos + n]);
                    buf.pos += n;
                    this.state = State::Idle(buf);
                    return Poll::Ready(Ok(n));
                }
                _ => {
                    let want = dst.len().clamp(CHUNK, MAX_CHUNK);
                    this.start(buf, move |file, buf| Op::Read(buf.fill(file, want)))?;
                }
            }
        }
    }
}

impl File {
    /// After a read job: true (and the buffer reset) if it hit end of file.
    fn take_eof(&mut self) -> bool {
        match &mut self.state {
            State::Idle(buf) if buf.mode == Mode::Read && buf.bytes.is_empty() => {
                buf.clear();
                true
            }
            _ => false,
        }
    }
}

impl AsyncWrite for File {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        src: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if src.is_empty() {
            return Poll::Ready(Ok(0));
        }
        loop {
            ready!(this.poll_idle(cx))?;
            let mut buf = this.take_idle();
            match buf.mode {
                Mode::Read if buf.unread() > 0 => this.start_rewind(buf)?,
                Mode::Write if buf.bytes.len() >= CHUNK => this.start_write(buf)?,
                _ => {
                    if buf.mode != Mode::Write {
                        buf.clear(); // read data all handed out
                    }
                    let limit = if buf.bytes.is_empty() {
                        src.len().clamp(CHUNK, MAX_CHUNK)
                    } else {
                        CHUNK
                    };
                    let n = src.len().min(limit - buf.bytes.len());
                    buf.bytes.extend_from_slice(&src[..n]);
                    buf.mode = Mode::Write;
                    if buf.bytes.len() >= CHUNK {
                        // Write-behind: the full buffer goes out while the
                        // caller carries on.
                        this.start_write(buf)?;
                    } else {
                        this.state = State::Idle(buf);
                    }
                    return Poll::Ready(Ok(n));
                }
            }
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        loop {
            ready!(this.poll_idle(cx))?;
            let buf = this.take_idle();
            if buf.mode == Mode::Write && !buf.bytes.is_empty() {
                this.start_write(buf)?;
            } else {
                this.state = State::Idle(buf);
                return Poll::Ready(Ok(()));
            }
        }
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.poll_flush(cx)
    }
}

impl AsyncSeek for File {
    fn poll_seek(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        pos: SeekFrom,
    ) -> Poll<io::Result<u64>> {
        let this = self.get_mut();
        loop {
            if let State::Busy(_) = this.state {
                match ready!(this.poll_job(cx))? {
                    Some(Op::Write(Err(err)) | Op::Rewind(Err(err))) => {
                        return Poll::Ready(Err(err));
                    }
                    // Our seek (an abandoned one for another target is
                    // dropped, and ours started below).
                    Some(Op::Seek(target, result)) if target == pos => {
                        return Poll::Ready(result);
                    }
                    _ => {}
                }
            }
            let buf = this.take_idle();
            if buf.mode == Mode::Write && !buf.bytes.is_empty() {
                this.start_write(buf)?;
                continue;
            }
            // The OS cursor is ahead of ours by the unread bytes.
            let unread = buf.unread() as i64;
            let os_pos = match pos {
                SeekFrom::Current(n) => SeekFrom::Current(n - unread),
                other => other,
            };
            this.start(buf, move |mut file, buf| {
                buf.clear();
                Op::Seek(pos, file.seek(os_pos))
            })?;
        }
    }
}

impl Drop for File {
    fn drop(&mut self) {
        let State::Idle(buf) = &mut self.state else {
            return; // a job in flight finishes on its own
        };
        if buf.mode != Mode::Write || buf.bytes.is_empty() {
            return;
        }
        let buf = std::mem::take(buf);
        let std = self.std.clone();
        let mut job = Some(move || {
            let mut buf = buf;
            let _ = buf.drain_to(&std);
        });
        let _ = context::with_current(|handle| {
            if let Some(job) = job.take() {
                drop(handle.spawn_mandatory(job, TaskMeta::here()));
            }
        });
        // Outside a runtime: write here and now.
        if let Some(job) = job.take() {
            job();
        }
    }
}

impl fmt::Debug for File {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match &self.state {
            State::Idle(buf) => match buf.mode {
                Mode::Empty => "idle",
                Mode::Read => "idle, read-ahead buffered",
                Mode::Write => "idle, writes buffered",
            },
            State::Busy(_) => "busy on the blocking pool",
        };
        f.debug_struct("File")
            .field("std", &self.std)
            .field("state", &state)
            .finish()
    }
}
