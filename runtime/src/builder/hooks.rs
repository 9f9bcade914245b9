//! `Builder::on_thread_start` / `on_thread_stop`, and in their docs the
//! recipe for crates hard-wired to tokio's runtime. The hooks themselves
//! run in `scheduler/thread_hooks.rs`.

use super::Builder;
use std::sync::Arc;

impl Builder {
    /// Runs `f` on every thread the runtime starts, on that thread, before
    /// it runs any task: each worker thread, and each blocking-pool thread
    /// (those of [`spawn_blocking`](crate::spawn_blocking), asyncio's
    /// `to_thread` pool). asyncio's nearest twin is the `initializer` of
    /// the `ThreadPoolExecutor` given to `loop.set_default_executor`; tokio
    /// has the same hook under the same name.
    ///
    /// `f` runs inside the runtime ([`Handle::current`](crate::Handle::current)
    /// works). Threads the runtime did not start run no hook: the thread
    /// that calls [`block_on`](crate::Runtime::block_on) (the only one a
    /// current_thread runtime polls tasks on) is yours, so set up there
    /// what the hook sets up on the others. A later call replaces the hook.
    ///
    /// A hook must not panic: a panic is caught and reported on stderr
    /// (naming the hook, the thread and the panic's message), and the
    /// thread carries on without what the hook was to do, since a worker
    /// that died would strand the tasks queued on it.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    ///
    /// let started = Arc::new(AtomicUsize::new(0));
    /// let counter = started.clone();
    /// let rt = runtime::Builder::multi_thread()
    ///     .worker_threads(2)
    ///     .on_thread_start(move || {
    ///         counter.fetch_add(1, Ordering::SeqCst);
    ///     })
    ///     .build()
    ///     .unwrap();
    /// rt.block_on(async { runtime::spawn_blocking(|| ()).await.unwrap() });
    /// drop(rt);
    /// assert_eq!(started.load(Ordering::SeqCst), 3); // two workers, one blocking thread
    /// ```
    ///
    /// # Crates hard-wired to tokio's runtime (reqwest, tonic, sqlx...)
    ///
    /// Some crates do their I/O through `tokio::net` and their timeouts
    /// through `tokio::time`; called outside a tokio runtime they panic
    /// with "there is no reactor running, must be called from the context
    /// of a Tokio 1.x runtime". To use one from this runtime, start a small
    /// tokio runtime beside ours and *enter* its handle on each of our
    /// threads with this hook (and on the thread that calls `block_on`).
    /// Say it plainly: **their sockets and timers then run on tokio's
    /// reactor and timer**, on tokio's thread, not on ours; their futures
    /// are polled by our tasks, and tokio's reactor wakes our tasks when
    /// their I/O is ready. Our own sockets, timers and tasks are untouched.
    /// Crates that only need tokio's I/O *traits* (tokio-postgres with
    /// `connect_raw`, tokio-util codecs, tokio-tungstenite) need none of
    /// this: the `tokio-io` feature lets them use our sockets directly.
    ///
    /// ```
    /// use std::cell::RefCell;
    /// use std::time::Duration;
    ///
    /// thread_local! {
    ///     // The guard that keeps tokio's handle entered on one of our threads.
    ///     static TOKIO: RefCell<Option<tokio::runtime::EnterGuard<'static>>> =
    ///         const { RefCell::new(None) };
    /// }
    ///
    /// // A tokio runtime of its own: one thread driving tokio's reactor and timer.
    /// let tokio_rt = tokio::runtime::Builder::new_multi_thread()
    ///     .worker_threads(1)
    ///     .enable_all()
    ///     .build()
    ///     .unwrap();
    /// let handle: &'static tokio::runtime::Handle = Box::leak(Box::new(tokio_rt.handle().clone()));
    ///
    /// let rt = runtime::Builder::multi_thread()
    ///     .on_thread_start(move || TOKIO.with(|g| *g.borrow_mut() = Some(handle.enter())))
    ///     .on_thread_stop(|| TOKIO.with(|g| drop(g.borrow_mut().take())))
    ///     .build()
    ///     .unwrap();
    /// let _tokio = handle.enter(); // the thread that calls block_on is ours to set up
    ///
    /// rt.block_on(async {
    ///     // tokio-bound code, in one of our tasks: here tokio's own timer.
    ///     let task = runtime::spawn(async {
    ///         tokio::time::sleep(Duration::from_millis(1)).await;
    ///         "slept on tokio's timer"
    ///     });
    ///     assert_eq!(task.await.unwrap(), "slept on tokio's timer");
    /// });
    /// drop(rt);
    /// drop(_tokio);
    /// drop(tokio_rt);
    /// ```
    ///
    /// The same works for a current_thread runtime: enter the handle
    /// around `block_on`, and the hook covers its blocking threads. The
    /// `async-compat` crate is another way in: its `Compat` wrapper enters
    /// a tokio runtime of its own around every poll of one future.
    pub fn on_thread_start(&mut self, f: impl Fn() + Send + Sync + 'static) -> &mut Self {
        self.hooks.start = Some(Arc::new(f));
        self
    }

    /// Runs `f` on every thread the runtime started, on that thread, just
    /// before it exits: a worker at shutdown, a blocking-pool thread at
    /// shutdown or after its keep-alive without work
    /// ([`thread_keep_alive`](Self::thread_keep_alive)). The counterpart of
    /// [`on_thread_start`](Self::on_thread_start) (see it for the rules and
    /// the tokio recipe), as tokio's hook of the same name.
    ///
    /// A shutdown that waits for the threads (dropping the `Runtime`)
    /// returns only after their stop hooks have run. A panic in the hook is
    /// caught and reported on stderr; the thread still exits.
    ///
    /// ```
    /// use std::sync::{Arc, Mutex};
    ///
    /// let stopped = Arc::new(Mutex::new(Vec::new()));
    /// let names = stopped.clone();
    /// let rt = runtime::Builder::multi_thread()
    ///     .worker_threads(2)
    ///     .thread_name("app-worker")
    ///     .on_thread_stop(move || {
    ///         let name = std::thread::current().name().unwrap().to_string();
    ///         names.lock().unwrap().push(name);
    ///     })
    ///     .build()
    ///     .unwrap();
    /// drop(rt); // shuts down: each worker runs the hook on its way out
    /// assert_eq!(*stopped.lock().unwrap(), ["app-worker", "app-worker"]);
    /// ```
    pub fn on_thread_stop(&mut self, f: impl Fn() + Send + Sync + 'static) -> &mut Self {
        self.hooks.stop = Some(Arc::new(f));
        self
    }
}
