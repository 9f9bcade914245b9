//! A `JoinSet` that has reaped 100k tasks holds no more memory than after
//! the first thousand: finished tasks take no room. Live heap bytes are
//! counted by a global allocator (this test binary only).

use runtime::task::JoinSet;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};

struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

// SAFETY: every call is forwarded to the system allocator unchanged; the
// counter is only bookkeeping.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: the caller's contract for `alloc` is passed on as is.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: as above, for `dealloc`.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

#[test]
fn reaped_tasks_leave_memory_flat() {
    tests::current().block_on(async {
        let mut set = JoinSet::new();
        let mut spawned = 0usize;
        let mut run = |set: &mut JoinSet<usize>, n: usize| {
            for _ in 0..n {
                set.spawn(async move { spawned });
                spawned += 1;
            }
        };
        // Warm up: 1000 tasks, 50 alive at a time.
        for _ in 0..20 {
            run(&mut set, 50);
            while set.join_next().await.is_some() {}
        }
        let after_1k = LIVE.load(Ordering::SeqCst);
        for _ in 0..2_000 {
            run(&mut set, 50);
            while set.join_next().await.is_some() {}
        }
        let after_100k = LIVE.load(Ordering::SeqCst);
        // 99k more tasks: a byte kept per task would show as 99 KB.
        let growth = after_100k - after_1k;
        assert!(
            growth < 16 * 1024,
            "live heap grew by {growth} bytes over 99k reaped tasks"
        );
    });
}
