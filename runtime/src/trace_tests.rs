//! A minimal subscriber that records event messages, to check the
//! runtime emits what the docs promise.

use std::sync::{Arc, Mutex};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<(String, String)>>>);

struct Message(String);
impl Visit for Message {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.0 = format!("{value:?}");
        }
    }
}

impl Subscriber for Recorder {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, _: &Record<'_>) {}
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut message = Message(String::new());
        event.record(&mut message);
        let target = event.metadata().target().to_string();
        self.0.lock().unwrap().push((target, message.0));
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

#[test]
fn task_lifecycle_and_worker_events_are_emitted() {
    let recorder = Recorder::default();
    let dispatch = tracing::Dispatch::new(recorder.clone());
    tracing::dispatcher::with_default(&dispatch, || {
        let rt = crate::Builder::current_thread().build().unwrap();
        rt.block_on(async {
            crate::spawn(async {}).await.unwrap();
            let _ = crate::spawn(async { panic!("traced") }).await;
        });
    });
    let events = recorder.0.lock().unwrap().clone();
    let has = |m: &str| {
        events
            .iter()
            .any(|(t, msg)| t == "runtime::task" && msg == m)
    };
    assert!(has("spawn"), "{events:?}");
    assert!(has("poll"), "{events:?}");
    assert!(has("complete"), "{events:?}");
    assert!(has("task panicked"), "{events:?}");
}
