//! `JoinSet`: a long-lived set of spawned tasks, reaped as they finish.
//!
//! What an asyncio server keeps in a `set()` of tasks (adding each new
//! connection's task and discarding it in a done-callback), and tokio's
//! `JoinSet`. Unlike `TaskGroup`, which keeps every result until `join`,
//! a `JoinSet` hands each result out as soon as its task finishes
//! (`join_next`) and forgets the task: a server that runs for weeks holds
//! only its live tasks.
//!
//! # Design
//!
//! Entries live in slots (a `Vec` plus a free list), so memory is bounded
//! by the most tasks alive at once, not by how many ever ran. Each entry's
//! `JoinHandle` is polled with its own waker from a [`ReadyList`]: a
//! finishing task wakes only its entry, and `join_next` polls only the
//! entries that were woken (`O(1)` per finished task, not `O(len)`).
//!
//! A slot is reused by later tasks, while a waker of its former entry may
//! still be around (a task keeps its join waker until it is dropped). So a
//! key is the slot's index *and* a generation bumped at each reuse; a
//! stale key is skipped. Each entry gets a fresh waker, so a stale waker
//! never touches the new entry's `queued` flag. The `loom_*` model at the
//! end checks a reused slot racing a stale waker.

#[cfg(test)]
#[path = "join_set_models.rs"]
mod models;

use super::ready_list::{Batch, EntryWaker, ReadyList};
use crate::task::{JoinError, JoinHandle, TaskId, coop};
use std::fmt;
use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

/// A set of tasks, each result handed out as soon as its task finishes:
/// tokio's `JoinSet`, and the `set()` of tasks an asyncio server keeps
/// (`tasks.add(task)`; `task.add_done_callback(tasks.discard)`).
///
/// * [`spawn`](Self::spawn) starts a task in the set.
/// * [`join_next`](Self::join_next) waits for the next task to finish
///   (earliest first) and removes it; `None` when the set is empty.
/// * [`abort_all`](Self::abort_all) cancels every task;
///   [`shutdown`](Self::shutdown) cancels them and waits until they have
///   stopped.
/// * **Dropping the set aborts its tasks** (as in tokio). Use
///   [`detach_all`](Self::detach_all) to let them run on.
///
/// Finished tasks are reaped by `join_next` / `try_join_next` and take no
/// room afterwards: memory follows the number of tasks alive at once.
///
/// ```
/// use runtime::task::JoinSet;
///
/// #[runtime::main]
/// async fn main() {
///     let mut set = JoinSet::new();
///     for i in 0..10u64 {
///         set.spawn(async move { i * i });
///     }
///     let mut total = 0;
///     while let Some(result) = set.join_next().await {
///         total += result.unwrap();
///     }
///     assert_eq!(total, 285);
///     assert!(set.is_empty());
/// }
/// ```
pub struct JoinSet<T> {
    slots: Vec<Slot<T>>,
    /// Indexes of the empty slots.
    free: Vec<u32>,
    /// Occupied slots.
    len: usize,
    ready: Arc<ReadyList>,
    batch: Batch,
}

struct Slot<T> {
    /// Bumped each time the slot is filled; half of each key.
    generation: u32,
    entry: Option<Entry<T>>,
}

struct Entry<T> {
    handle: JoinHandle<T>,
    state: Arc<EntryWaker>,
    /// `state` as a `Waker`, made once.
    waker: Waker,
}

fn key(index: u32, generation: u32) -> u64 {
    (u64::from(generation) << 32) | u64::from(index)
}

impl<T> JoinSet<T> {
    /// An empty set.
    ///
    /// ```
    /// let set = runtime::task::JoinSet::<()>::new();
    /// assert!(set.is_empty());
    /// ```
    pub fn new() -> JoinSet<T> {
        JoinSet {
            slots: Vec::new(),
            free: Vec::new(),
            len: 0,
            ready: ReadyList::new(),
            batch: Batch::default(),
        }
    }

    /// How many tasks are in the set: running, or finished and not yet
    /// returned by [`join_next`](Self::join_next) (asyncio's `len(tasks)`).
    ///
    /// ```
    /// # runtime::run(async {
    /// let mut set = runtime::task::JoinSet::new();
    /// set.spawn(async { 1 });
    /// assert_eq!(set.len(), 1);
    /// set.join_next().await;
    /// assert_eq!(set.len(), 0);
    /// # });
    /// ```
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the set holds no task.
    ///
    /// ```
    /// assert!(runtime::task::JoinSet::<u8>::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Adds a running task (its [`JoinHandle`]) to the set; returns its id.
    ///
    /// ```
    /// # runtime::run(async {
    /// let mut set = runtime::task::JoinSet::new();
    /// let id = set.insert(runtime::spawn_blocking(|| 6 * 7));
    /// assert_eq!(set.join_next_with_id().await.map(|(i, r)| (i, r.unwrap())), Some((id, 42)));
    /// # });
    /// ```
    pub fn insert(&mut self, handle: JoinHandle<T>) -> TaskId {
        let id = handle.id();
        let index = match self.free.pop() {
            Some(index) => index,
            None => {
                let index = u32::try_from(self.slots.len())
                    .expect("JoinSet holds more than u32::MAX tasks at once");
                self.slots.push(Slot {
                    generation: 0,
                    entry: None,
                });
                index
            }
        };
        let slot = &mut self.slots[index as usize];
        slot.generation = slot.generation.wrapping_add(1);
        // Queued at once: the first `join_next` polls the handle, which
        // hands the task this entry's waker.
        let (state, waker) = self.ready.entry(key(index, slot.generation));
        slot.entry = Some(Entry {
            handle,
            state,
            waker,
        });
        self.len += 1;
        id
    }

    /// Spawns `future` as a task in this set (asyncio's
    /// `tasks.add(asyncio.create_task(coro))`); returns the task's id.
    ///
    /// # Panics
    /// Outside a runtime, as [`spawn`](crate::spawn).
    ///
    /// ```
    /// # runtime::run(async {
    /// let mut set = runtime::task::JoinSet::new();
    /// set.spawn(async { "done" });
    /// assert_eq!(set.join_next().await.unwrap().unwrap(), "done");
    /// # });
    /// ```
    #[track_caller]
    pub fn spawn<F>(&mut self, future: F) -> TaskId
    where
        F: Future<Output = T> + Send + 'static,
        T: Send + 'static,
    {
        self.insert(crate::spawn(future))
    }

    /// Spawns a `!Send` future on the current thread's current_thread
    /// runtime, in this set (see [`spawn_local`](crate::task::spawn_local)).
    ///
    /// ```
    /// # runtime::Builder::current_thread().build().unwrap().block_on(async {
    /// let mut set = runtime::task::JoinSet::new();
    /// let shared = std::rc::Rc::new(5);
    /// set.spawn_local(async move { *shared + 1 });
    /// assert_eq!(set.join_next().await.unwrap().unwrap(), 6);
    /// # });
    /// ```
    #[track_caller]
    pub fn spawn_local<F>(&mut self, future: F) -> TaskId
    where
        F: Future<Output = T> + 'static,
        T: 'static,
    {
        self.insert(crate::task::spawn_local(future))
    }

    /// Runs `f` on the blocking pool, as a task in this set (asyncio's
    /// `tasks.add(asyncio.create_task(asyncio.to_thread(f)))`). Aborting it
    /// cancels it only if it has not started.
    ///
    /// ```
    /// # runtime::run(async {
    /// let mut set = runtime::task::JoinSet::new();
    /// set.spawn_blocking(|| std::thread::current().name().is_some());
    /// assert!(set.join_next().await.unwrap().is_ok());
    /// # });
    /// ```
    #[track_caller]
    pub fn spawn_blocking<F>(&mut self, f: F) -> TaskId
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        self.insert(crate::spawn_blocking(f))
    }

    /// Waits for the next task to finish and removes it from the set:
    /// `None` when the set is empty. Tasks come out in the order they
    /// finish (asyncio's `asyncio.wait(tasks, return_when=FIRST_COMPLETED)`
    /// in a loop, without rebuilding the set each time).
    ///
    /// Cancel-safe: dropping the future before it completes loses no
    /// result (the task stays in the set).
    ///
    /// ```
    /// use std::time::Duration;
    /// # let rt = runtime::Builder::current_thread().start_paused(true).build().unwrap();
    /// # rt.block_on(async {
    /// let mut set = runtime::task::JoinSet::new();
    /// for ms in [30u64, 10, 20] {
    ///     set.spawn(async move {
    ///         runtime::time::sleep(Duration::from_millis(ms)).await;
    ///         ms
    ///     });
    /// }
    /// let mut order = Vec::new();
    /// while let Some(done) = set.join_next().await {
    ///     order.push(done.unwrap());
    /// }
    /// assert_eq!(order, [10, 20, 30]);
    /// # });
    /// ```
    pub async fn join_next(&mut self) -> Option<Result<T, JoinError>> {
        poll_fn(|cx| self.poll_join_next(cx))
            .await
            .map(|(_, result)| result)
    }

    /// Like [`join_next`](Self::join_next), with the finished task's id.
    ///
    /// ```
    /// # runtime::run(async {
    /// let mut set = runtime::task::JoinSet::new();
    /// let id = set.spawn(async {});
    /// assert_eq!(set.join_next_with_id().await.unwrap().0, id);
    /// # });
    /// ```
    pub async fn join_next_with_id(&mut self) -> Option<(TaskId, Result<T, JoinError>)> {
        poll_fn(|cx| self.poll_join_next(cx)).await
    }

    /// Removes a task that has finished, without waiting: `None` if none
    /// has (or the set is empty). For a loop that spawns and reaps as it
    /// goes, like a server's accept loop.
    ///
    /// ```
    /// # runtime::run(async {
    /// let mut set = runtime::task::JoinSet::new();
    /// set.spawn(async { 3 });
    /// assert!(set.try_join_next().is_none() || set.is_empty());
    /// while set.try_join_next().is_none() {
    ///     runtime::yield_now().await; // let it run
    /// }
    /// assert!(set.is_empty());
    /// # });
    /// ```
    pub fn try_join_next(&mut self) -> Option<Result<T, JoinError>> {
        // No task waits for this call: any registered waker will do, and a
        // later `join_next` registers its own.
        let mut cx = Context::from_waker(Waker::noop());
        match coop::with_unconstrained(|| self.poll_join_next(&mut cx)) {
            Poll::Ready(Some((_, result))) => Some(result),
            Poll::Ready(None) | Poll::Pending => None,
        }
    }

    /// Polls for the next finished task: `join_next` by hand, for a
    /// `Future` or `Stream` implementation. `Ready(None)` when empty.
    ///
    /// ```
    /// # runtime::run(async {
    /// let mut set = runtime::task::JoinSet::new();
    /// set.spawn(async { 1 });
    /// let done = std::future::poll_fn(|cx| set.poll_join_next(cx)).await;
    /// assert_eq!(done.map(|(_, r)| r.unwrap()), Some(1));
    /// # });
    /// ```
    pub fn poll_join_next(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<(TaskId, Result<T, JoinError>)>> {
        if self.len == 0 {
            self.ready.release_parent();
            return Poll::Ready(None);
        }
        let mut took = self.batch.begin(&self.ready, cx.waker());
        loop {
            while let Some(key) = self.batch.next_key() {
                if !coop::has_budget_remaining() {
                    // Handles polled now would only answer "out of budget":
                    // keep them for the next turn and yield.
                    self.batch.put_back();
                    cx.waker().wake_by_ref();
                    return Poll::Pending;
                }
                if let Some(done) = self.poll_entry(key) {
                    return Poll::Ready(Some(done));
                }
            }
            if took {
                return Poll::Pending;
            }
            // The leftovers of the last poll are done: register the waker
            // and take what was woken since, once.
            self.batch.refill(&self.ready, cx.waker());
            took = true;
        }
    }

    /// Polls the entry under `key`, if it is still there; removes it and
    /// gives its result if its task has finished.
    fn poll_entry(&mut self, key: u64) -> Option<(TaskId, Result<T, JoinError>)> {
        let index = key as u32 as usize;
        let generation = (key >> 32) as u32;
        let slot = &mut self.slots[index];
        if slot.generation != generation {
            return None; // a stale wake of an entry long gone
        }
        let entry = slot.entry.as_mut()?;
        // Clear before polling, so a wake during the poll queues again.
        entry.state.clear();
        let mut entry_cx = Context::from_waker(&entry.waker);
        let result = match Pin::new(&mut entry.handle).poll(&mut entry_cx) {
            Poll::Ready(result) => result,
            Poll::Pending => return None,
        };
        let entry = slot.entry.take().expect("polled just now");
        self.free.push(index as u32);
        self.len -= 1;
        if self.len == 0 {
            self.ready.release_parent();
        }
        Some((entry.handle.id(), result))
    }

    /// Cancels every task in the set (asyncio's `for t in tasks:
    /// t.cancel()`). They stay in the set until `join_next` returns them,
    /// as cancelled errors unless they had already finished.
    ///
    /// ```
    /// # runtime::run(async {
    /// let mut set = runtime::task::JoinSet::<()>::new();
    /// set.spawn(std::future::pending());
    /// set.abort_all();
    /// assert!(set.join_next().await.unwrap().unwrap_err().is_cancelled());
    /// # });
    /// ```
    pub fn abort_all(&self) {
        for entry in self.entries() {
            entry.handle.abort();
        }
    }

    /// Empties the set without cancelling its tasks: they run on, their
    /// results dropped (asyncio: forgetting tasks you keep no reference to).
    ///
    /// ```
    /// # runtime::run(async {
    /// let mut set = runtime::task::JoinSet::new();
    /// let (tx, rx) = std::sync::mpsc::channel();
    /// set.spawn(async move { tx.send(1).unwrap() });
    /// set.detach_all();
    /// assert!(set.is_empty());
    /// drop(set); // does not abort the detached task
    /// runtime::spawn_blocking(move || rx.recv().unwrap()).await.unwrap();
    /// # });
    /// ```
    pub fn detach_all(&mut self) {
        for slot in &mut self.slots {
            slot.entry = None;
        }
        self.reset();
    }

    /// Cancels every task and waits until all have stopped, dropping their
    /// results (asyncio: cancel each, then `await asyncio.gather(*tasks,
    /// return_exceptions=True)`). The set is empty afterwards.
    ///
    /// ```
    /// # runtime::run(async {
    /// let mut set = runtime::task::JoinSet::<()>::new();
    /// for _ in 0..3 {
    ///     set.spawn(std::future::pending());
    /// }
    /// set.shutdown().await;
    /// assert!(set.is_empty());
    /// # });
    /// ```
    pub async fn shutdown(&mut self) {
        self.abort_all();
        while self.join_next().await.is_some() {}
    }

    fn entries(&self) -> impl Iterator<Item = &Entry<T>> {
        self.slots.iter().filter_map(|slot| slot.entry.as_ref())
    }

    /// Forgets every slot, after the entries were dropped.
    fn reset(&mut self) {
        self.slots.clear();
        self.free.clear();
        self.len = 0;
        // Keys of the old slots must not match the new ones: a fresh list.
        self.ready.release_parent();
        self.ready = ReadyList::new();
        self.batch = Batch::default();
    }
}

impl<T> Default for JoinSet<T> {
    fn default() -> JoinSet<T> {
        JoinSet::new()
    }
}

impl<T> Drop for JoinSet<T> {
    /// Aborts every task still in the set (as tokio's `JoinSet` does).
    fn drop(&mut self) {
        self.abort_all();
        self.ready.release_parent();
    }
}

impl<T> fmt::Debug for JoinSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinSet").field("len", &self.len).finish()
    }
}

impl<T, F> Extend<F> for JoinSet<T>
where
    F: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    /// Spawns each future into the set.
    #[track_caller]
    fn extend<I: IntoIterator<Item = F>>(&mut self, futures: I) {
        for future in futures {
            self.spawn(future);
        }
    }
}

impl<T, F> FromIterator<F> for JoinSet<T>
where
    F: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    /// Spawns each future into a new set.
    ///
    /// ```
    /// # runtime::run(async {
    /// let mut set: runtime::task::JoinSet<u32> = (1..=3).map(|i| async move { i }).collect();
    /// let mut sum = 0;
    /// while let Some(r) = set.join_next().await {
    ///     sum += r.unwrap();
    /// }
    /// assert_eq!(sum, 6);
    /// # });
    /// ```
    #[track_caller]
    fn from_iter<I: IntoIterator<Item = F>>(futures: I) -> JoinSet<T> {
        let mut set = JoinSet::new();
        set.extend(futures);
        set
    }
}
