//! The task dump: asyncio's `asyncio.all_tasks()`, with more to say.

use crate::task::TaskId;
use crate::task::WaitingOn;
use crate::task::core::Header;
use std::fmt;
use std::panic::Location;
use std::time::Duration;

/// One alive task, as [`Handle::dump`](crate::Handle::dump) saw it.
///
/// ```
/// let rt = runtime::Runtime::new().unwrap();
/// let task = rt.spawn(std::future::pending::<()>());
/// let dump = rt.handle().dump();
/// let info = dump.iter().find(|t| t.id() == task.id()).unwrap();
/// println!("{info}"); // task 1 spawned at src/main.rs:3:15, idle, 1 poll, age 2ms
/// assert!(info.location().file().ends_with(".rs"));
/// ```
#[derive(Clone, Debug)]
pub struct TaskInfo {
    id: TaskId,
    location: &'static Location<'static>,
    state: TaskState,
    waiting_on: Option<WaitingOn>,
    polls: u64,
    age: Duration,
}

/// Where a task is in its life.
///
/// ```
/// use runtime::debug::TaskState;
/// assert_ne!(TaskState::Idle, TaskState::Running);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TaskState {
    /// Waiting to be woken (see [`TaskInfo::waiting_on`] for what on).
    Idle,
    /// Woken, waiting in a run queue for a worker.
    Scheduled,
    /// Being polled by a worker right now.
    Running,
}

impl TaskInfo {
    pub(crate) fn from_header(header: &Header) -> TaskInfo {
        let snapshot = header.snapshot();
        let state = if snapshot.is_running() {
            TaskState::Running
        } else if snapshot.is_notified() {
            TaskState::Scheduled
        } else {
            TaskState::Idle
        };
        TaskInfo {
            id: header.id(),
            location: header.location(),
            state,
            waiting_on: WaitingOn::decode(header.waiting()),
            polls: u64::from(header.polls()),
            age: header.age(),
        }
    }

    /// The task's id.
    ///
    /// ```
    /// let rt = runtime::Runtime::new().unwrap();
    /// let t = rt.spawn(std::future::pending::<()>());
    /// assert!(rt.handle().dump().iter().any(|info| info.id() == t.id()));
    /// ```
    pub fn id(&self) -> TaskId {
        self.id
    }

    /// Where the task was spawned (the caller of `spawn`).
    ///
    /// ```
    /// let rt = runtime::Runtime::new().unwrap();
    /// let _t = rt.spawn(std::future::pending::<()>());
    /// assert!(rt.handle().dump()[0].location().file().ends_with(".rs"));
    /// ```
    pub fn location(&self) -> &'static Location<'static> {
        self.location
    }

    /// Idle, scheduled or running.
    ///
    /// ```
    /// let rt = runtime::Runtime::new().unwrap();
    /// let _t = rt.spawn(std::future::pending::<()>());
    /// let _ = rt.handle().dump()[0].state();
    /// ```
    pub fn state(&self) -> TaskState {
        self.state
    }

    /// What the task waits on, when it is idle and the runtime knows (a
    /// `JoinHandle`, a timer, a socket); `None` for resources the runtime
    /// does not own (a channel of another crate, a `sync` primitive).
    ///
    /// ```
    /// use runtime::debug::WaitingOn;
    /// let rt = runtime::Builder::current_thread().build().unwrap();
    /// let child = rt.spawn(std::future::pending::<()>());
    /// let child_id = child.id();
    /// let parent = rt.spawn(async move { child.await });
    /// rt.block_on(async { for _ in 0..3 { runtime::yield_now().await } });
    /// let dump = rt.handle().dump();
    /// let p = dump.iter().find(|t| t.id() == parent.id()).unwrap();
    /// assert_eq!(p.waiting_on(), Some(WaitingOn::Task(child_id)));
    /// ```
    pub fn waiting_on(&self) -> Option<WaitingOn> {
        self.waiting_on
    }

    /// How many times the task was polled.
    ///
    /// ```
    /// let rt = runtime::Runtime::new().unwrap();
    /// let _t = rt.spawn(std::future::pending::<()>());
    /// let _ = rt.handle().dump()[0].polls();
    /// ```
    pub fn polls(&self) -> u64 {
        self.polls
    }

    /// Time since the task was spawned (to a few milliseconds).
    ///
    /// ```
    /// let rt = runtime::Runtime::new().unwrap();
    /// let _t = rt.spawn(std::future::pending::<()>());
    /// assert!(rt.handle().dump()[0].age() < std::time::Duration::from_secs(3600));
    /// ```
    pub fn age(&self) -> Duration {
        self.age
    }
}

impl fmt::Display for TaskInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "task {} spawned at {}, ", self.id, self.location)?;
        match (self.state, self.waiting_on) {
            (TaskState::Idle, Some(on)) => write!(f, "idle, waiting on {on}")?,
            (TaskState::Idle, None) => f.write_str("idle")?,
            (TaskState::Scheduled, _) => f.write_str("scheduled")?,
            (TaskState::Running, _) => f.write_str("running")?,
        }
        let s = if self.polls == 1 { "" } else { "s" };
        write!(f, ", {} poll{s}, age {:?}", self.polls, self.age)
    }
}
