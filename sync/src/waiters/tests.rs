//! Unit tests of the waiter list and of `WaitNode`.

use super::*;
use crate::test_util::Counter;

/// Pushes every node of `nodes` with payload = its index.
fn push_all(list: &mut WaiterList, nodes: &[Waiter], waker: &Waker) {
    for (i, node) in nodes.iter().enumerate() {
        // SAFETY: fresh nodes, living (unmoved) in `nodes` until after the
        // list is emptied in each test.
        unsafe { list.push_back(node, i, waker) };
    }
}

#[test]
fn fifo_order_codes_and_payloads() {
    let (counter, waker) = Counter::new();
    let nodes: Vec<Waiter> = (0..4).map(|_| Waiter::new()).collect();
    let mut list = WaiterList::new();
    push_all(&mut list, &nodes, &waker);
    assert!(nodes.iter().all(|n| n.completion().is_none()));
    assert_eq!(list.front_payload(), Some(0));
    list.set_front_payload(9);
    assert_eq!(list.front_payload(), Some(9));
    list.pop_front(3).unwrap().wake();
    assert_eq!(nodes[0].completion(), Some(3));
    assert_eq!(list.front_payload(), Some(1));
    // Remove from the middle, then the tail.
    // SAFETY: each node is in `list` or in no list.
    unsafe {
        assert!(list.remove(&nodes[2]));
        assert!(!list.remove(&nodes[2]), "already unlinked");
        assert!(list.remove(&nodes[3]));
    }
    assert_eq!(nodes[2].completion(), Some(2), "payload kept on removal");
    list.pop_front(0).unwrap().wake();
    assert!(list.is_empty());
    assert!(list.pop_front(0).is_none());
    assert_eq!(counter.count(), 2);
}

#[test]
fn tickets_bound_pop_front_before() {
    let (_, waker) = Counter::new();
    let early: Vec<Waiter> = (0..2).map(|_| Waiter::new()).collect();
    let late = Waiter::new();
    let mut list = WaiterList::new();
    push_all(&mut list, &early, &waker);
    let limit = list.next_ticket();
    // SAFETY: fresh node, outlives the list's use of it.
    unsafe { list.push_back(&late, 0, &waker) };
    assert!(list.pop_front_before(limit, 0).is_some());
    assert!(list.pop_front_before(limit, 0).is_some());
    assert!(
        list.pop_front_before(limit, 0).is_none(),
        "late is after the limit"
    );
    assert!(list.pop_front(0).is_some());
}

#[test]
fn update_waker_replaces_only_a_different_waker() {
    let (first, first_waker) = Counter::new();
    let (second, second_waker) = Counter::new();
    let node = Waiter::new();
    let mut list = WaiterList::new();
    // SAFETY: `node` outlives its time in the list.
    unsafe {
        list.push_back(&node, 0, &first_waker);
        // `will_wake` is best-effort (Miri varies vtable addresses), so
        // the same waker may or may not be replaced; another one must be.
        drop(list.update_waker(&node, &first_waker));
        assert!(list.update_waker(&node, &second_waker).is_some());
    }
    list.pop_front(0).unwrap().wake();
    assert_eq!((first.count(), second.count()), (0, 1));
}

#[test]
fn node_reused_after_completion() {
    let (_, waker) = Counter::new();
    let node = Waiter::new();
    let mut list = WaiterList::new();
    for round in 0..3 {
        // SAFETY: `node` is in no list at the start of each round.
        unsafe { list.push_back(&node, round, &waker) };
        assert_eq!(list.pop_front(round + 1).map(drop), Some(()));
        assert_eq!(node.completion(), Some(round + 1));
    }
}

#[test]
fn wait_node_polls_and_cancels() {
    let (old, old_waker) = Counter::new();
    let (new, new_waker) = Counter::new();
    let mutex = Mutex::new(WaiterList::new());
    let mut node = Box::pin(WaitNode::new());
    // SAFETY: `node` is only used with `mutex`'s list (here and below).
    let poll = unsafe { node.as_mut().poll_completion(&mutex, |l| l, &new_waker) };
    assert_eq!(poll, Poll::Ready(None), "not queued yet");
    // SAFETY: as above.
    unsafe { node.as_mut().push(&mut mutex.lock(), 4, &old_waker) };
    // SAFETY: as above.
    let poll = unsafe { node.as_mut().poll_completion(&mutex, |l| l, &new_waker) };
    assert!(poll.is_pending() && node.is_queued());
    mutex.lock().pop_front(7).unwrap().wake();
    assert_eq!(
        (old.count(), new.count()),
        (0, 1),
        "the waker was refreshed"
    );
    // SAFETY: as above.
    let poll = unsafe { node.as_mut().poll_completion(&mutex, |l| l, &new_waker) };
    assert_eq!(poll, Poll::Ready(Some(7)));
    assert!(!node.is_queued());

    // Cancelled while waiting: removed, with its payload, lock held.
    // SAFETY: as above.
    unsafe { node.as_mut().push(&mut mutex.lock(), 4, &old_waker) };
    // SAFETY: as above.
    match unsafe { node.as_mut().cancel(&mutex, |l| l) } {
        Cancelled::Removed(list, 4) => assert!(list.is_empty()),
        _ => panic!("not removed"),
    }
    // Cancelled after an unseen completion: the code is reported.
    // SAFETY: as above.
    unsafe { node.as_mut().push(&mut mutex.lock(), 0, &old_waker) };
    drop(mutex.lock().pop_front(3));
    // SAFETY: as above.
    let cancelled = unsafe { node.as_mut().cancel(&mutex, |l| l) };
    assert!(matches!(cancelled, Cancelled::Completed(3)));
    // SAFETY: as above.
    let cancelled = unsafe { node.as_mut().cancel(&mutex, |l| l) };
    assert!(matches!(cancelled, Cancelled::NotQueued));
}
