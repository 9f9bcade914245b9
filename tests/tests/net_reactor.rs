//! The I/O reactor's dispatch seen from the public API: a user waker that
//! panics, and the wakers of cancelled operations.
#![cfg(not(miri))]

use runtime::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use runtime::net::{TcpListener, TcpStream};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use tests::current;

struct Panics;
impl Wake for Panics {
    fn wake(self: Arc<Self>) {
        panic!("a user waker panics");
    }
}

struct Noop;
impl Wake for Noop {
    fn wake(self: Arc<Self>) {}
}

/// A hand-rolled poll with a waker that panics, then a task reading the
/// same socket: the edge wakes both. The panic must neither escape the
/// driver (on a current-thread runtime it would unwind out of `block_on`)
/// nor keep the task's waker from being woken.
#[test]
fn a_panicking_waker_takes_down_neither_the_driver_nor_the_other_waiters() {
    let rt = current();
    rt.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (server, _) = listener.accept().await.unwrap();
        let server = Arc::new(server);
        let panicking = Waker::from(Arc::new(Panics));
        let mut buf = [0u8; 8];
        assert!(
            Pin::new(&mut &*server)
                .poll_read(&mut Context::from_waker(&panicking), &mut buf)
                .is_pending()
        );
        let reader = runtime::spawn({
            let server = server.clone();
            async move {
                let mut buf = [0u8; 8];
                let mut stream = &*server;
                let n = stream.read(&mut buf).await.unwrap();
                buf[..n].to_vec()
            }
        });
        runtime::yield_now().await; // the reader registers
        client.write_all(b"ping").await.unwrap();
        assert_eq!(reader.await.unwrap(), b"ping");
    });
}

/// `peek` is a future of the reactor's own: cancelling it releases the
/// task's waker at once, not at the socket's next edge.
#[test]
fn a_cancelled_peek_releases_its_waker() {
    let rt = current();
    rt.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let _client = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (server, _) = listener.accept().await.unwrap();
        let task = Arc::new(Noop);
        let waker = Waker::from(task.clone());
        let mut buf = [0u8; 8];
        {
            let mut peek = std::pin::pin!(server.peek(&mut buf));
            let polled = peek.as_mut().poll(&mut Context::from_waker(&waker));
            assert!(matches!(polled, Poll::Pending));
            drop(waker);
            assert_eq!(Arc::strong_count(&task), 2, "registered while pending");
        }
        assert_eq!(
            Arc::strong_count(&task),
            1,
            "the cancelled peek left its waker in the reactor"
        );
    });
}

/// Polls `fut` once with a counted waker, expecting `Pending`, drops it,
/// and says whether the reactor let go of the waker.
fn cancelled_releases_its_waker<F: Future>(fut: F) -> bool {
    let task = Arc::new(Noop);
    let waker = Waker::from(task.clone());
    {
        let mut fut = std::pin::pin!(fut);
        let polled = fut.as_mut().poll(&mut Context::from_waker(&waker));
        assert!(polled.is_pending(), "expected the operation to wait");
        drop(waker);
        assert_eq!(Arc::strong_count(&task), 2, "registered while pending");
    }
    Arc::strong_count(&task) == 1
}

/// A server's accept loop cancelled by a timeout (or a `select`) must not
/// leave the task's waker behind until the next connection arrives.
#[test]
fn cancelled_accepts_release_their_wakers() {
    let rt = current();
    rt.block_on(async {
        let tcp = TcpListener::bind("127.0.0.1:0").await.unwrap();
        assert!(
            cancelled_releases_its_waker(tcp.accept()),
            "the cancelled TCP accept left its waker in the reactor"
        );
        let path = std::env::temp_dir().join(format!(
            "runtime-test-cancel-accept-{}.sock",
            std::process::id()
        ));
        let _ = std::fs::remove_file(&path);
        let unix = runtime::net::UnixListener::bind(&path).await.unwrap();
        assert!(
            cancelled_releases_its_waker(unix.accept()),
            "the cancelled Unix accept left its waker in the reactor"
        );
        std::fs::remove_file(&path).unwrap();
    });
}

/// The same for a datagram socket's receives.
#[test]
fn cancelled_receives_release_their_wakers() {
    let rt = current();
    rt.block_on(async {
        let socket = runtime::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let mut buf = [0u8; 8];
        assert!(
            cancelled_releases_its_waker(socket.recv_from(&mut buf)),
            "the cancelled recv_from left its waker in the reactor"
        );
        socket.connect(socket.local_addr().unwrap()).await.unwrap();
        assert!(
            cancelled_releases_its_waker(socket.recv(&mut buf)),
            "the cancelled recv left its waker in the reactor"
        );
    });
}
