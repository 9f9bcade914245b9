//! The futures and the stream of the queues.

use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

use futures_core::Stream;
use pin_project_lite::pin_project;

use super::chan::ChanOps;
use crate::error::{PutError, QueueShutDown};
use crate::waiters::WaitNode;

pin_project! {
    /// The future of `get()` on a [`Queue`](crate::Queue),
    /// [`LifoQueue`](crate::LifoQueue) or [`PriorityQueue`](crate::PriorityQueue):
    /// asyncio's `queue.get()` coroutine.
    ///
    /// Dropping it before it resolves leaves the line; if an item had already
    /// been set aside for it, that item goes to the next getter (or back to the
    /// queue): nothing is lost.
    ///
    /// ```
    /// use runtime_sync::Queue;
    /// # futures_lite::future::block_on(async {
    /// let queue = Queue::new(0);
    /// let get = queue.get(); // nothing happens until polled
    /// queue.put_nowait(1).unwrap();
    /// assert_eq!(get.await, Ok(1));
    /// # });
    /// ```
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct GetFuture<'a, T> {
        chan: &'a dyn ChanOps<T>,
        #[pin]
        node: WaitNode,
    }

    impl<'a, T> PinnedDrop for GetFuture<'a, T> {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            // Only a queued node needs the (dynamic) call.
            if this.node.is_queued() {
                this.chan.cancel_get(this.node);
            }
        }
    }
}

// SAFETY: the only `ChanOps<T>` implementor is `Chan<B>` with `B` a std
// collection of `T`; it is `Sync` (a mutex around the buffer) whenever
// `T: Send`, so `&dyn ChanOps<T>` may cross threads then. `WaitNode` is
// `Send + Sync`.
unsafe impl<T: Send> Send for GetFuture<'_, T> {}
// SAFETY: `&GetFuture` allows nothing but `Debug`; see `Send`.
unsafe impl<T: Send> Sync for GetFuture<'_, T> {}

impl<'a, T> GetFuture<'a, T> {
    pub(crate) fn new(chan: &'a dyn ChanOps<T>) -> Self {
        Self {
            chan,
            node: WaitNode::new(),
        }
    }
}

impl<T> Future for GetFuture<'_, T> {
    type Output = Result<T, QueueShutDown>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        this.chan.poll_get(this.node, cx)
    }
}

impl<T> fmt::Debug for GetFuture<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GetFuture")
            .field("queued", &self.node.is_queued())
            .finish_non_exhaustive()
    }
}

pin_project! {
    /// The future of `put(item)` on a queue: asyncio's `queue.put(item)`
    /// coroutine. Holds the item until it is added.
    ///
    /// Dropping it before it resolves leaves the line (dropping the item); if a
    /// slot had already been set aside for it, the slot goes to the next putter.
    ///
    /// ```
    /// use runtime_sync::Queue;
    /// # futures_lite::future::block_on(async {
    /// let queue = Queue::new(1);
    /// queue.put("a").await.unwrap();
    /// let put = queue.put("b"); // would wait: the queue is full
    /// assert_eq!(queue.get_nowait(), Ok("a"));
    /// put.await.unwrap();
    /// # });
    /// ```
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct PutFuture<'a, T> {
        chan: &'a dyn ChanOps<T>,
        #[pin]
        node: WaitNode,
        // `None` once handed to the queue (or back in an error).
        item: Option<T>,
    }

    impl<'a, T> PinnedDrop for PutFuture<'a, T> {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            // Only a queued node needs the (dynamic) call.
            if this.node.is_queued() {
                this.chan.cancel_put(this.node);
            }
        }
    }
}

// SAFETY: as for `GetFuture`; the item moves with the future, hence `T: Send`.
unsafe impl<T: Send> Send for PutFuture<'_, T> {}
// SAFETY: `&PutFuture` gives no access to the item (nor anything but
// `Debug`, which does not show it).
unsafe impl<T: Send> Sync for PutFuture<'_, T> {}

impl<'a, T> PutFuture<'a, T> {
    pub(crate) fn new(chan: &'a dyn ChanOps<T>, item: T) -> Self {
        Self {
            chan,
            node: WaitNode::new(),
            item: Some(item),
        }
    }
}

impl<T> Future for PutFuture<'_, T> {
    type Output = Result<(), PutError<T>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        this.chan.poll_put(this.node, this.item, cx)
    }
}

impl<T> fmt::Debug for PutFuture<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PutFuture")
            .field("queued", &self.node.is_queued())
            .finish_non_exhaustive()
    }
}

pin_project! {
    /// The future of `join()` on a queue: asyncio's `queue.join()` coroutine.
    /// Resolves when every item put has been marked done with `task_done()`.
    ///
    /// ```
    /// use runtime_sync::Queue;
    /// # futures_lite::future::block_on(async {
    /// let queue = Queue::new(0);
    /// queue.put_nowait(1).unwrap();
    /// queue.get_nowait().unwrap();
    /// queue.task_done();
    /// queue.join().await;
    /// # });
    /// ```
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct JoinFuture<'a, T> {
        chan: &'a dyn ChanOps<T>,
        #[pin]
        node: WaitNode,
    }

    impl<'a, T> PinnedDrop for JoinFuture<'a, T> {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            // Only a queued node needs the (dynamic) call.
            if this.node.is_queued() {
                this.chan.cancel_join(this.node);
            }
        }
    }
}

// SAFETY: as for `GetFuture`.
unsafe impl<T: Send> Send for JoinFuture<'_, T> {}
// SAFETY: as for `GetFuture`.
unsafe impl<T: Send> Sync for JoinFuture<'_, T> {}

impl<'a, T> JoinFuture<'a, T> {
    pub(crate) fn new(chan: &'a dyn ChanOps<T>) -> Self {
        Self {
            chan,
            node: WaitNode::new(),
        }
    }
}

impl<T> Future for JoinFuture<'_, T> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.project();
        this.chan.poll_join(this.node, cx)
    }
}

impl<T> fmt::Debug for JoinFuture<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinFuture")
            .field("queued", &self.node.is_queued())
            .finish_non_exhaustive()
    }
}

/// The items of a queue as a [`Stream`]: asyncio's
/// `while True: item = await queue.get()`, ending when the queue is shut
/// down and drained.
///
/// Its waiter node is boxed once, when the stream is made, so the stream is
/// `Unpin` and still allocates nothing per item.
///
/// ```
/// use futures_lite::StreamExt;
/// use runtime_sync::Queue;
/// # futures_lite::future::block_on(async {
/// let queue = Queue::new(0);
/// for n in 1..=3 {
///     queue.put_nowait(n).unwrap();
/// }
/// queue.shutdown(false); // the stream ends after the last item
/// let items: Vec<i32> = queue.stream().collect().await;
/// assert_eq!(items, [1, 2, 3]);
/// # });
/// ```
#[must_use = "streams do nothing unless polled"]
pub struct QueueStream<'a, T> {
    chan: &'a dyn ChanOps<T>,
    node: Pin<Box<WaitNode>>,
    done: bool,
}

// SAFETY: as for `GetFuture`.
unsafe impl<T: Send> Send for QueueStream<'_, T> {}
// SAFETY: as for `GetFuture`.
unsafe impl<T: Send> Sync for QueueStream<'_, T> {}

impl<'a, T> QueueStream<'a, T> {
    pub(crate) fn new(chan: &'a dyn ChanOps<T>) -> Self {
        Self {
            chan,
            node: Box::pin(WaitNode::new()),
            done: false,
        }
    }
}

impl<T> Stream for QueueStream<'_, T> {
    type Item = T;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        if self.done {
            return Poll::Ready(None);
        }
        let this = &mut *self;
        match this.chan.poll_get(this.node.as_mut(), cx) {
            Poll::Ready(Ok(item)) => Poll::Ready(Some(item)),
            Poll::Ready(Err(QueueShutDown)) => {
                this.done = true;
                Poll::Ready(None)
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<T> Drop for QueueStream<'_, T> {
    fn drop(&mut self) {
        if self.node.is_queued() {
            self.chan.cancel_get(self.node.as_mut());
        }
    }
}

impl<T> fmt::Debug for QueueStream<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("QueueStream")
            .field("queued", &self.node.is_queued())
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}
