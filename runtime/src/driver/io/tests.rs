//! The reactor end to end: sockets registered, read and written through
//! real runtimes.

use super::{Direction, PollEvented};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};

async fn accept(listener: &PollEvented<TcpListener>) -> TcpStream {
    let (stream, _) = listener
        .async_io(Direction::Read, |l| l.accept())
        .await
        .unwrap();
    stream.set_nonblocking(true).unwrap();
    stream
}

#[test]
fn echo_through_the_reactor() {
    for rt in [
        crate::Builder::current_thread().build().unwrap(),
        crate::Builder::multi_thread()
            .worker_threads(2)
            .build()
            .unwrap(),
    ] {
        rt.block_on(async {
            let std_listener = TcpListener::bind("127.0.0.1:0").unwrap();
            std_listener.set_nonblocking(true).unwrap();
            let addr = std_listener.local_addr().unwrap();
            let listener = crate::net::register(std_listener).unwrap();
            let server = crate::spawn(async move {
                let stream = crate::net::register(accept(&listener).await).unwrap();
                let mut buf = [0u8; 1024];
                loop {
                    let n = std::future::poll_fn(|cx| stream.poll_read(cx, &mut buf))
                        .await
                        .unwrap();
                    if n == 0 {
                        return;
                    }
                    let mut written = 0;
                    while written < n {
                        written +=
                            std::future::poll_fn(|cx| stream.poll_write(cx, &buf[written..n]))
                                .await
                                .unwrap();
                    }
                }
            });
            let client = crate::spawn_blocking(move || {
                let mut c = std::net::TcpStream::connect(addr).unwrap();
                for i in 0..100u32 {
                    let msg = i.to_le_bytes();
                    c.write_all(&msg).unwrap();
                    let mut back = [0u8; 4];
                    c.read_exact(&mut back).unwrap();
                    assert_eq!(back, msg);
                }
            });
            client.await.unwrap();
            server.await.unwrap();
        });
    }
}

/// Data and the peer's FIN can arrive in one edge; a read that returns
/// the data (short of the buffer) must still leave the end of stream
/// visible to the next read.
#[test]
fn data_and_fin_in_one_edge_both_reach_the_reader() {
    let rt = crate::Builder::current_thread().build().unwrap();
    rt.block_on(async {
        let std_listener = TcpListener::bind("127.0.0.1:0").unwrap();
        std_listener.set_nonblocking(true).unwrap();
        let addr = std_listener.local_addr().unwrap();
        let listener = crate::net::register(std_listener).unwrap();
        let mut client = TcpStream::connect(addr).unwrap();
        let stream = crate::net::register(accept(&listener).await).unwrap();
        client.write_all(b"last words").unwrap();
        client.shutdown(std::net::Shutdown::Write).unwrap();
        // Let both reach the socket before the reader first looks.
        while stream.get_ref().peek(&mut [0u8; 16]).map_or(0, |n| n) < 10 {
            std::thread::yield_now();
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
        let mut buf = [0u8; 64];
        let n = std::future::poll_fn(|cx| stream.poll_read(cx, &mut buf))
            .await
            .unwrap();
        assert_eq!(&buf[..n], b"last words");
        let n = std::future::poll_fn(|cx| stream.poll_read(cx, &mut buf))
            .await
            .unwrap();
        assert_eq!(n, 0);
    });
}

#[test]
fn pending_io_fails_when_the_runtime_shuts_down() {
    let rt = crate::Builder::multi_thread()
        .worker_threads(1)
        .build()
        .unwrap();
    let std_listener = TcpListener::bind("127.0.0.1:0").unwrap();
    std_listener.set_nonblocking(true).unwrap();
    let listener = {
        let _enter = rt.enter();
        crate::net::register(std_listener).unwrap()
    };
    let waiting = rt.spawn(async move {
        listener
            .async_io(Direction::Read, |l| l.accept())
            .await
            .map(|_| ())
    });
    rt.block_on(async {
        for _ in 0..10 {
            crate::yield_now().await;
        }
    });
    drop(rt);
    // The task was cancelled at shutdown, and its listener deregistered.
    let other = crate::Builder::current_thread().build().unwrap();
    assert!(other.block_on(waiting).unwrap_err().is_cancelled());
}

/// Regression: a cancelled operation's waker stayed in the source's
/// waiter list until the next edge (which may never come), keeping its
/// task alive. Dropping the future must release it at once.
#[test]
fn a_dropped_io_future_releases_its_waker() {
    use std::future::Future;
    use std::sync::Arc;
    use std::task::{Context, Wake, Waker};

    struct Noop;
    impl Wake for Noop {
        fn wake(self: Arc<Self>) {}
    }

    let rt = crate::Builder::current_thread().build().unwrap();
    let _enter = rt.enter();
    let std_listener = TcpListener::bind("127.0.0.1:0").unwrap();
    std_listener.set_nonblocking(true).unwrap();
    let listener = crate::net::register(std_listener).unwrap();
    let task = Arc::new(Noop);
    let waker = Waker::from(task.clone());
    let mut accept = Box::pin(listener.async_io(Direction::Read, |l| l.accept()));
    assert!(
        accept
            .as_mut()
            .poll(&mut Context::from_waker(&waker))
            .is_pending()
    );
    drop(waker);
    assert_eq!(Arc::strong_count(&task), 2, "registered while pending");
    drop(accept);
    assert_eq!(
        Arc::strong_count(&task),
        1,
        "the cancelled accept left its waker in the reactor"
    );
}

#[test]
fn registering_outside_a_runtime_is_an_error() {
    let std_listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let err = crate::net::register(std_listener).unwrap_err();
    assert!(err.to_string().contains("outside of a runtime"), "{err}");
}
