//! `UdpSocket`: asyncio's datagram endpoint, with awaitable send and
//! receive instead of a protocol's callbacks.

use crate::driver::io::{Direction, PollEvented};
use crate::net::addr::{ToSocketAddrs, each_addr};
use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::task::{Context, Poll};

/// A UDP socket: what `loop.create_datagram_endpoint` sets up, with
/// `send_to` / `recv_from` to await instead of `datagram_received`
/// callbacks.
///
/// Every method takes `&self`: share the socket through an `Arc` and let
/// several tasks send and receive on it at once.
///
/// ```
/// use runtime::net::UdpSocket;
/// runtime::run(async {
///     let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
///     let b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
///     a.send_to(b"ping", b.local_addr().unwrap()).await.unwrap();
///     let mut buf = [0u8; 16];
///     let (n, from) = b.recv_from(&mut buf).await.unwrap();
///     assert_eq!((&buf[..n], from), (&b"ping"[..], a.local_addr().unwrap()));
/// });
/// ```
pub struct UdpSocket {
    io: PollEvented<std::net::UdpSocket>,
}

impl UdpSocket {
    /// Binds a socket to `addr`: asyncio's
    /// `create_datagram_endpoint(local_addr=...)`. Port 0 picks a free port.
    ///
    /// ```
    /// use runtime::net::UdpSocket;
    /// runtime::run(async {
    ///     let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    ///     assert_ne!(socket.local_addr().unwrap().port(), 0);
    /// });
    /// ```
    pub async fn bind(addr: impl ToSocketAddrs) -> io::Result<UdpSocket> {
        each_addr(addr, |addr| async move {
            let socket = std::net::UdpSocket::bind(addr).map_err(|err| {
                io::Error::new(err.kind(), format!("could not bind to {addr}: {err}"))
            })?;
            UdpSocket::from_std(socket)
        })
        .await
    }

    /// Wraps a `std` socket (which it sets non-blocking), registering it with
    /// the current runtime.
    ///
    /// # Errors
    /// Outside a runtime.
    ///
    /// ```
    /// let std_socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    /// runtime::run(async move {
    ///     let socket = runtime::net::UdpSocket::from_std(std_socket).unwrap();
    ///     assert!(socket.local_addr().is_ok());
    /// });
    /// ```
    pub fn from_std(socket: std::net::UdpSocket) -> io::Result<UdpSocket> {
        crate::sys::adopt_socket(&socket)?;
        Ok(UdpSocket {
            io: crate::net::register(socket)?,
        })
    }

    /// Deregisters the socket and gives it back as a blocking `std` one.
    ///
    /// ```
    /// runtime::run(async {
    ///     let socket = runtime::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    ///     let addr = socket.local_addr().unwrap();
    ///     assert_eq!(socket.into_std().unwrap().local_addr().unwrap(), addr);
    /// });
    /// ```
    pub fn into_std(self) -> io::Result<std::net::UdpSocket> {
        let socket = self.io.into_inner()?;
        socket.set_nonblocking(false)?;
        Ok(socket)
    }

    /// Sets the default destination and only accepts datagrams from it:
    /// asyncio's `create_datagram_endpoint(remote_addr=...)`. Then use
    /// [`send`](Self::send) and [`recv`](Self::recv).
    ///
    /// ```
    /// use runtime::net::UdpSocket;
    /// runtime::run(async {
    ///     let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    ///     let b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    ///     a.connect(b.local_addr().unwrap()).await.unwrap();
    ///     b.connect(a.local_addr().unwrap()).await.unwrap();
    ///     a.send(b"hi").await.unwrap();
    ///     let mut buf = [0u8; 8];
    ///     assert_eq!(b.recv(&mut buf).await.unwrap(), 2);
    /// });
    /// ```
    pub async fn connect(&self, addr: impl ToSocketAddrs) -> io::Result<()> {
        let socket = self.io.get_ref();
        each_addr(addr, |addr| async move { socket.connect(addr) }).await
    }

    /// Sends one datagram to `target`: asyncio's `transport.sendto(data, addr)`.
    /// Returns the bytes sent. A host name is resolved first (on the
    /// blocking pool), and the datagram goes to its first address.
    ///
    /// ```
    /// use runtime::net::UdpSocket;
    /// runtime::run(async {
    ///     let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    ///     let b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    ///     assert_eq!(a.send_to(b"data", b.local_addr().unwrap()).await.unwrap(), 4);
    /// });
    /// ```
    pub async fn send_to(&self, buf: &[u8], target: impl ToSocketAddrs) -> io::Result<usize> {
        let mut addrs =
            crate::net::addr::sealed::ToSocketAddrsPriv::to_socket_addrs(&target).await?;
        let Some(addr) = addrs.next() else {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "the address did not resolve to any socket address",
            ));
        };
        self.io
            .async_io(Direction::Write, |s| s.send_to(buf, addr))
            .await
    }

    /// Polls sending one datagram to `target`; see [`send_to`](Self::send_to).
    ///
    /// ```
    /// use runtime::net::UdpSocket;
    /// runtime::run(async {
    ///     let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    ///     let to = a.local_addr().unwrap();
    ///     let n = std::future::poll_fn(|cx| a.poll_send_to(cx, b"self", to)).await.unwrap();
    ///     assert_eq!(n, 4);
    /// });
    /// ```
    pub fn poll_send_to(
        &self,
        cx: &mut Context<'_>,
        buf: &[u8],
        target: SocketAddr,
    ) -> Poll<io::Result<usize>> {
        self.io
            .poll_io(cx, Direction::Write, |s| s.send_to(buf, target))
    }

    /// Receives one datagram into `buf`: asyncio's `datagram_received(data,
    /// addr)`. Returns its length and sender. A datagram longer than `buf`
    /// is truncated (the rest is lost).
    ///
    /// ```
    /// use runtime::net::UdpSocket;
    /// runtime::run(async {
    ///     let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    ///     a.send_to(b"to myself", a.local_addr().unwrap()).await.unwrap();
    ///     let mut buf = [0u8; 64];
    ///     let (n, from) = a.recv_from(&mut buf).await.unwrap();
    ///     assert_eq!((&buf[..n], from), (&b"to myself"[..], a.local_addr().unwrap()));
    /// });
    /// ```
    pub async fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.io
            .async_io(Direction::Read, |s| s.recv_from(&mut *buf))
            .await
    }

    /// Polls receiving one datagram; see [`recv_from`](Self::recv_from).
    ///
    /// ```
    /// use runtime::net::UdpSocket;
    /// runtime::run(async {
    ///     let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    ///     a.send_to(b"x", a.local_addr().unwrap()).await.unwrap();
    ///     let mut buf = [0u8; 8];
    ///     let (n, _) = std::future::poll_fn(|cx| a.poll_recv_from(cx, &mut buf)).await.unwrap();
    ///     assert_eq!(n, 1);
    /// });
    /// ```
    pub fn poll_recv_from(
        &self,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<(usize, SocketAddr)>> {
        self.io.poll_io(cx, Direction::Read, |s| s.recv_from(buf))
    }

    /// Sends one datagram to the [`connect`](Self::connect)ed address:
    /// asyncio's `transport.sendto(data)` on a connected endpoint.
    ///
    /// ```
    /// use runtime::net::UdpSocket;
    /// runtime::run(async {
    ///     let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    ///     a.connect(a.local_addr().unwrap()).await.unwrap();
    ///     assert_eq!(a.send(b"loop").await.unwrap(), 4);
    /// });
    /// ```
    pub async fn send(&self, buf: &[u8]) -> io::Result<usize> {
        self.io.async_io(Direction::Write, |s| s.send(buf)).await
    }

    /// Polls sending to the connected address; see [`send`](Self::send).
    ///
    /// ```
    /// use runtime::net::UdpSocket;
    /// runtime::run(async {
    ///     let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    ///     a.connect(a.local_addr().unwrap()).await.unwrap();
    ///     let n = std::future::poll_fn(|cx| a.poll_send(cx, b"ab")).await.unwrap();
    ///     assert_eq!(n, 2);
    /// });
    /// ```
    pub fn poll_send(&self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.io.poll_io(cx, Direction::Write, |s| s.send(buf))
    }

    /// Receives one datagram from the connected address.
    ///
    /// ```
    /// use runtime::net::UdpSocket;
    /// runtime::run(async {
    ///     let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    ///     a.connect(a.local_addr().unwrap()).await.unwrap();
    ///     a.send(b"echo").await.unwrap();
    ///     let mut buf = [0u8; 8];
    ///     assert_eq!(a.recv(&mut buf).await.unwrap(), 4);
    /// });
    /// ```
    pub async fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.io
            .async_io(Direction::Read, |s| s.recv(&mut *buf))
            .await
    }

    /// Polls receiving from the connected address; see [`recv`](Self::recv).
    ///
    /// ```
    /// use runtime::net::UdpSocket;
    /// runtime::run(async {
    ///     let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    ///     a.connect(a.local_addr().unwrap()).await.unwrap();
    ///     a.send(b"z").await.unwrap();
    ///     let mut buf = [0u8; 8];
    ///     assert_eq!(std::future::poll_fn(|cx| a.poll_recv(cx, &mut buf)).await.unwrap(), 1);
    /// });
    /// ```
    pub fn poll_recv(&self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        self.io.poll_io(cx, Direction::Read, |s| s.recv(buf))
    }

    /// Receives one datagram without removing it from the queue.
    ///
    /// ```
    /// use runtime::net::UdpSocket;
    /// runtime::run(async {
    ///     let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    ///     a.send_to(b"twice", a.local_addr().unwrap()).await.unwrap();
    ///     let mut buf = [0u8; 8];
    ///     assert_eq!(a.peek_from(&mut buf).await.unwrap().0, 5);
    ///     assert_eq!(a.recv_from(&mut buf).await.unwrap().0, 5);
    /// });
    /// ```
    pub async fn peek_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.io
            .async_io(Direction::Read, |s| s.peek_from(buf))
            .await
    }

    /// Waits until a datagram can be received (or an error reported),
    /// without receiving it: asyncio's `loop.add_reader` on the socket.
    /// Then [`try_recv`](Self::try_recv) / [`try_recv_from`](Self::try_recv_from),
    /// looping on `WouldBlock`. Cancel safe.
    ///
    /// ```
    /// use runtime::net::UdpSocket;
    /// runtime::run(async {
    ///     let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    ///     let b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    ///     a.send_to(b"dgram", b.local_addr().unwrap()).await.unwrap();
    ///     let mut buf = [0u8; 16];
    ///     let (n, from) = loop {
    ///         b.readable().await.unwrap();
    ///         if let Ok(got) = b.try_recv_from(&mut buf) {
    ///             break got;
    ///         }
    ///     };
    ///     assert_eq!((&buf[..n], from), (&b"dgram"[..], a.local_addr().unwrap()));
    /// });
    /// ```
    pub async fn readable(&self) -> io::Result<()> {
        self.io
            .registration()
            .readiness(Direction::Read)
            .await
            .map(drop)
    }

    /// Waits until a datagram can be sent, without sending: asyncio's
    /// `loop.add_writer`. Then [`try_send`](Self::try_send) /
    /// [`try_send_to`](Self::try_send_to). Cancel safe.
    ///
    /// ```
    /// use runtime::net::UdpSocket;
    /// runtime::run(async {
    ///     let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    ///     a.writable().await.unwrap();
    ///     assert_eq!(a.try_send_to(b"x", a.local_addr().unwrap()).unwrap(), 1);
    /// });
    /// ```
    pub async fn writable(&self) -> io::Result<()> {
        self.io
            .registration()
            .readiness(Direction::Write)
            .await
            .map(drop)
    }

    /// Receives a datagram from the connected peer if one is there now,
    /// else `WouldBlock` (which clears the readiness): asyncio's
    /// `sock.recv(n)` on a non-blocking socket.
    ///
    /// ```
    /// runtime::run(async {
    ///     let s = runtime::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    ///     let err = s.try_recv(&mut [0u8; 8]).unwrap_err();
    ///     assert_eq!(err.kind(), std::io::ErrorKind::WouldBlock);
    /// });
    /// ```
    pub fn try_recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.io.try_io(Direction::Read, |s| s.recv(buf))
    }

    /// Receives a datagram and its sender if one is there now, else
    /// `WouldBlock`: asyncio's `sock.recvfrom(n)` on a non-blocking socket.
    ///
    /// ```
    /// runtime::run(async {
    ///     let s = runtime::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    ///     assert!(s.try_recv_from(&mut [0u8; 8]).is_err());
    /// });
    /// ```
    pub fn try_recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.io.try_io(Direction::Read, |s| s.recv_from(buf))
    }

    /// Sends to the connected peer now, or `WouldBlock` (which clears the
    /// readiness): asyncio's `sock.send(data)`. A new socket answers
    /// `WouldBlock` until the reactor has seen it writable: await
    /// [`writable`](Self::writable) first.
    ///
    /// ```
    /// use runtime::net::UdpSocket;
    /// runtime::run(async {
    ///     let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    ///     a.connect(a.local_addr().unwrap()).await.unwrap();
    ///     a.writable().await.unwrap();
    ///     assert_eq!(a.try_send(b"self").unwrap(), 4);
    /// });
    /// ```
    pub fn try_send(&self, buf: &[u8]) -> io::Result<usize> {
        self.io.try_io(Direction::Write, |s| s.send(buf))
    }

    /// Sends to `target` now, or `WouldBlock`: asyncio's
    /// `sock.sendto(data, addr)`. Await [`writable`](Self::writable) first.
    ///
    /// ```
    /// use runtime::net::UdpSocket;
    /// runtime::run(async {
    ///     let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    ///     a.writable().await.unwrap();
    ///     assert_eq!(a.try_send_to(b"hi", a.local_addr().unwrap()).unwrap(), 2);
    /// });
    /// ```
    pub fn try_send_to(&self, buf: &[u8], target: SocketAddr) -> io::Result<usize> {
        self.io.try_io(Direction::Write, |s| s.send_to(buf, target))
    }

    /// The address the socket is bound to.
    ///
    /// ```
    /// runtime::run(async {
    ///     let s = runtime::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    ///     assert!(s.local_addr().unwrap().ip().is_loopback());
    /// });
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().local_addr()
    }

    /// The connected address; an error (`NotConnected`) before
    /// [`connect`](Self::connect).
    ///
    /// ```
    /// runtime::run(async {
    ///     let s = runtime::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    ///     assert!(s.peer_addr().is_err());
    ///     s.connect(s.local_addr().unwrap()).await.unwrap();
    ///     assert_eq!(s.peer_addr().unwrap(), s.local_addr().unwrap());
    /// });
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().peer_addr()
    }

    /// Allows sending to broadcast addresses (`SO_BROADCAST`): asyncio's
    /// `allow_broadcast=True`.
    ///
    /// ```
    /// runtime::run(async {
    ///     let s = runtime::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    ///     s.set_broadcast(true).unwrap();
    ///     assert!(s.broadcast().unwrap());
    /// });
    /// ```
    pub fn set_broadcast(&self, on: bool) -> io::Result<()> {
        self.io.get_ref().set_broadcast(on)
    }

    /// Whether `SO_BROADCAST` is set.
    ///
    /// ```
    /// runtime::run(async {
    ///     let s = runtime::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    ///     assert!(!s.broadcast().unwrap());
    /// });
    /// ```
    pub fn broadcast(&self) -> io::Result<bool> {
        self.io.get_ref().broadcast()
    }
}

impl AsFd for UdpSocket {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.io.get_ref().as_fd()
    }
}

impl AsRawFd for UdpSocket {
    fn as_raw_fd(&self) -> RawFd {
        self.io.get_ref().as_raw_fd()
    }
}

impl fmt::Debug for UdpSocket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UdpSocket")
            .field("local_addr", &self.local_addr().ok())
            .field("fd", &self.as_raw_fd())
            .finish()
    }
}
