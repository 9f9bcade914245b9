//! `AsyncFd`: arbitrary descriptors (a pipe, an eventfd, a Unix datagram
//! socket) on the runtime's reactor, asyncio's `add_reader`/`add_writer`.
#![cfg(not(miri))]

use futures_lite::future::poll_once;
use runtime::io::{AsyncFd, Interest};
use std::future::Future;
use std::io::{ErrorKind, Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixDatagram;
use std::sync::Arc;
use std::task::{Context, Wake, Waker};

fn set_nonblocking(fd: &impl AsRawFd) {
    let fd = fd.as_raw_fd();
    // SAFETY: fcntl on a descriptor the caller holds open.
    unsafe {
        let flags = libc::fcntl(fd, libc::F_GETFL);
        assert!(flags >= 0);
        assert_eq!(libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK), 0);
    }
}

/// Reads what the pipe has now through the guard protocol: wait, then
/// read until `WouldBlock` (which clears the readiness).
async fn read_available(fd: &AsyncFd<std::io::PipeReader>) -> Vec<u8> {
    let mut got = Vec::new();
    loop {
        let mut guard = fd.readable().await.unwrap();
        let mut buf = [0u8; 1024];
        match guard.try_io(|mut pipe| pipe.read(&mut buf)) {
            Ok(Ok(0)) => return got,
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
            Ok(Err(err)) => panic!("{err}"),
            Err(_would_block) if !got.is_empty() => return got,
            Err(_would_block) => continue,
        }
    }
}

#[runtime::test]
async fn a_pipe_becomes_readable_when_written_and_waits_again_once_drained() {
    let (reader, mut writer) = std::io::pipe().unwrap();
    set_nonblocking(&reader);
    let fd = AsyncFd::with_interest(reader, Interest::READABLE).unwrap();
    assert!(poll_once(fd.readable()).await.is_none(), "empty pipe");

    writer.write_all(b"first").unwrap();
    assert_eq!(read_available(&fd).await, b"first");
    // The last try_io answered WouldBlock and cleared the readiness.
    assert!(poll_once(fd.readable()).await.is_none(), "drained pipe");

    // From another thread, as an event source outside the runtime would.
    let writing = std::thread::spawn(move || {
        writer.write_all(b"second").unwrap();
        writer // dropped below: end of file
    });
    assert_eq!(read_available(&fd).await, b"second");
    drop(writing.join().unwrap());
    let mut guard = fd.readable().await.unwrap();
    let eof = guard.try_io(|mut pipe| pipe.read(&mut [0u8; 8]));
    assert_eq!(
        eof.unwrap().unwrap(),
        0,
        "end of file once the writer is gone"
    );
}

#[runtime::test]
async fn a_blocking_descriptor_is_refused_with_a_clear_error() {
    let (reader, _writer) = std::io::pipe().unwrap();
    let err = AsyncFd::new(reader).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(err.to_string().contains("O_NONBLOCK"), "{err}");
}

#[runtime::test]
async fn a_unix_datagram_socket_in_both_directions() {
    let (ours, theirs) = UnixDatagram::pair().unwrap();
    ours.set_nonblocking(true).unwrap();
    let fd = AsyncFd::new(ours).unwrap();

    let mut guard = fd.writable().await.unwrap();
    guard.try_io(|s| s.send(b"out")).unwrap().unwrap();
    drop(guard);
    let mut buf = [0u8; 8];
    assert_eq!(theirs.recv(&mut buf).unwrap(), 3);

    theirs.send(b"in").unwrap();
    let n = loop {
        let mut guard = fd.readable().await.unwrap();
        if let Ok(result) = guard.try_io(|s| s.recv(&mut buf)) {
            break result.unwrap();
        }
    };
    assert_eq!(&buf[..n], b"in");
    // Nothing more: WouldBlock is reported as TryIoError and clears.
    let mut guard = fd.readable().await.unwrap();
    assert!(guard.try_io(|s| s.recv(&mut buf)).is_err());
    drop(guard);
    assert!(poll_once(fd.readable()).await.is_none());
}

#[runtime::test]
async fn waiting_in_a_direction_not_registered_is_an_error_not_a_hang() {
    let (reader, _writer) = std::io::pipe().unwrap();
    set_nonblocking(&reader);
    let fd = AsyncFd::with_interest(reader, Interest::READABLE).unwrap();
    let err = fd.writable().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(err.to_string().contains("WRITABLE"), "{err}");
}

#[runtime::test]
async fn into_inner_deregisters_so_the_descriptor_can_be_registered_again() {
    let (ours, theirs) = UnixDatagram::pair().unwrap();
    ours.set_nonblocking(true).unwrap();
    let fd = AsyncFd::new(ours).unwrap();
    let ours = fd.into_inner();
    // A second registration of a descriptor still in epoll fails (EEXIST).
    let fd = AsyncFd::new(ours).unwrap();
    theirs.send(b"x").unwrap();
    let mut guard = fd.readable().await.unwrap();
    assert_eq!(guard.try_io(|s| s.recv(&mut [0u8; 4])).unwrap().unwrap(), 1);
}

struct Noop;
impl Wake for Noop {
    fn wake(self: Arc<Self>) {}
}

#[runtime::test]
async fn a_cancelled_readable_releases_its_waker() {
    let (reader, _writer) = std::io::pipe().unwrap();
    set_nonblocking(&reader);
    let fd = AsyncFd::new(reader).unwrap();
    let task = Arc::new(Noop);
    let waker = Waker::from(task.clone());
    {
        let mut readable = std::pin::pin!(fd.readable());
        assert!(
            readable
                .as_mut()
                .poll(&mut Context::from_waker(&waker))
                .is_pending()
        );
        drop(waker);
        assert_eq!(Arc::strong_count(&task), 2, "registered while pending");
    }
    assert_eq!(
        Arc::strong_count(&task),
        1,
        "the cancelled readable() left its waker in the reactor"
    );
}

#[test]
fn after_the_runtime_shuts_down_waiting_fails() {
    let rt = tests::current();
    let (ours, _theirs) = UnixDatagram::pair().unwrap();
    ours.set_nonblocking(true).unwrap();
    let fd = rt.block_on(async { AsyncFd::new(ours).unwrap() });
    drop(rt);
    let err = futures_lite::future::block_on(fd.readable()).unwrap_err();
    assert!(err.to_string().contains("shut down"), "{err}");
}

#[test]
fn outside_a_runtime_registration_fails_with_a_message() {
    let (ours, _theirs) = UnixDatagram::pair().unwrap();
    ours.set_nonblocking(true).unwrap();
    let err = AsyncFd::new(ours).unwrap_err();
    assert!(err.to_string().contains("runtime"), "{err}");
}

/// An eventfd, the usual way another library signals "something happened".
#[cfg(target_os = "linux")]
mod eventfd {
    use super::*;
    use std::os::fd::{FromRawFd, OwnedFd};

    #[runtime::test]
    async fn an_eventfd_written_from_another_thread_wakes_the_task() {
        // SAFETY: eventfd returns a new descriptor (or -1, checked).
        let raw = unsafe { libc::eventfd(0, libc::EFD_NONBLOCK | libc::EFD_CLOEXEC) };
        assert!(raw >= 0, "{}", std::io::Error::last_os_error());
        // SAFETY: `raw` is a new descriptor nobody else owns.
        let efd = unsafe { OwnedFd::from_raw_fd(raw) };
        let fd = Arc::new(AsyncFd::with_interest(efd, Interest::READABLE).unwrap());
        let signaller = {
            let fd = fd.clone();
            std::thread::spawn(move || {
                let one = 5u64.to_ne_bytes();
                // SAFETY: writing 8 bytes from a valid buffer to an open eventfd.
                let n = unsafe { libc::write(fd.as_raw_fd(), one.as_ptr().cast(), 8) };
                assert_eq!(n, 8);
            })
        };
        let count = loop {
            let mut guard = fd.readable().await.unwrap();
            let read = guard.try_io(|efd| {
                let mut value = [0u8; 8];
                // SAFETY: reading 8 bytes into a valid buffer from an open eventfd.
                let n = unsafe { libc::read(efd.as_raw_fd(), value.as_mut_ptr().cast(), 8) };
                if n < 0 {
                    Err(std::io::Error::last_os_error())
                } else {
                    Ok(u64::from_ne_bytes(value))
                }
            });
            if let Ok(result) = read {
                break result.unwrap();
            }
        };
        assert_eq!(count, 5);
        signaller.join().unwrap();
    }
}
