//! `TcpSocket`: a TCP socket to configure before it listens or connects.

use super::{TcpListener, TcpStream};
use socket2::{Domain, Socket, Type};
use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::time::Duration;

/// A TCP socket not yet listening or connected, to set options on first:
/// what asyncio users build with `socket.socket()` + `setsockopt` + `bind`
/// and hand to `start_server(sock=...)` or `open_connection(sock=...)`.
///
/// [`listen`](Self::listen) turns it into a [`TcpListener`] with the
/// backlog you choose, [`connect`](Self::connect) into a [`TcpStream`]
/// (bind first to pick the local address). The socket is non-blocking and
/// close-on-exec from the start; it joins a runtime's reactor only when it
/// listens or connects, so it can be made and configured anywhere.
///
/// ```
/// use runtime::net::{TcpSocket, TcpStream};
///
/// runtime::run(async {
///     let socket = TcpSocket::new_v4().unwrap();
///     socket.set_reuseaddr(true).unwrap();                  // SO_REUSEADDR
///     socket.set_recv_buffer_size(256 * 1024).unwrap();     // SO_RCVBUF
///     socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
///     let listener = socket.listen(4096).unwrap();          // listen(backlog)
///     let addr = listener.local_addr().unwrap();
///
///     let client = TcpSocket::new_v4().unwrap();
///     client.set_nodelay(true).unwrap();
///     let stream: TcpStream = client.connect(addr).await.unwrap();
///     assert_eq!(stream.peer_addr().unwrap(), addr);
/// });
/// ```
pub struct TcpSocket {
    inner: Socket,
}

impl TcpSocket {
    /// A new IPv4 TCP socket: `socket.socket(AF_INET, SOCK_STREAM)`.
    ///
    /// ```
    /// let socket = runtime::net::TcpSocket::new_v4().unwrap();
    /// socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    /// assert!(socket.local_addr().unwrap().is_ipv4());
    /// ```
    pub fn new_v4() -> io::Result<TcpSocket> {
        TcpSocket::new(Domain::IPV4)
    }

    /// A new IPv6 TCP socket: `socket.socket(AF_INET6, SOCK_STREAM)`.
    ///
    /// ```
    /// // Fails only on hosts without IPv6.
    /// if let Ok(socket) = runtime::net::TcpSocket::new_v6() {
    ///     if socket.bind("[::1]:0".parse().unwrap()).is_ok() {
    ///         assert!(socket.local_addr().unwrap().is_ipv6());
    ///     }
    /// }
    /// ```
    pub fn new_v6() -> io::Result<TcpSocket> {
        TcpSocket::new(Domain::IPV6)
    }

    fn new(domain: Domain) -> io::Result<TcpSocket> {
        let inner = crate::sys::socket(domain, Type::STREAM, Some(socket2::Protocol::TCP))?;
        Ok(TcpSocket { inner })
    }

    /// Sets `SO_REUSEADDR`: bind a port that connections closed a moment
    /// ago still hold (in `TIME_WAIT`), as a restarted server must.
    /// [`TcpListener::bind`] sets it; asyncio's `start_server` too
    /// (`reuse_address=True`).
    ///
    /// ```
    /// let socket = runtime::net::TcpSocket::new_v4().unwrap();
    /// socket.set_reuseaddr(true).unwrap();
    /// assert!(socket.reuseaddr().unwrap());
    /// ```
    pub fn set_reuseaddr(&self, reuse: bool) -> io::Result<()> {
        self.inner.set_reuse_address(reuse)
    }

    /// Whether `SO_REUSEADDR` is set.
    ///
    /// ```
    /// assert!(!runtime::net::TcpSocket::new_v4().unwrap().reuseaddr().unwrap());
    /// ```
    pub fn reuseaddr(&self) -> io::Result<bool> {
        self.inner.reuse_address()
    }

    /// Sets `SO_REUSEPORT`: several sockets (of several processes) may
    /// bind and listen on the same address; Linux spreads incoming
    /// connections over them. asyncio's `start_server(reuse_port=True)`.
    ///
    /// ```
    /// use runtime::net::TcpSocket;
    /// runtime::run(async {
    ///     let a = TcpSocket::new_v4().unwrap();
    ///     a.set_reuseport(true).unwrap();
    ///     a.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    ///     let addr = a.local_addr().unwrap();
    ///     let b = TcpSocket::new_v4().unwrap();
    ///     b.set_reuseport(true).unwrap();
    ///     b.bind(addr).unwrap();                       // the same port, twice
    ///     let (_la, _lb) = (a.listen(128).unwrap(), b.listen(128).unwrap());
    /// });
    /// ```
    pub fn set_reuseport(&self, reuse: bool) -> io::Result<()> {
        self.inner.set_reuse_port(reuse)
    }

    /// Whether `SO_REUSEPORT` is set.
    ///
    /// ```
    /// assert!(!runtime::net::TcpSocket::new_v4().unwrap().reuseport().unwrap());
    /// ```
    pub fn reuseport(&self) -> io::Result<bool> {
        self.inner.reuse_port()
    }

    /// Sets `SO_SNDBUF`, the kernel's send buffer size in bytes (Linux
    /// doubles it for its bookkeeping, and [`send_buffer_size`](Self::send_buffer_size)
    /// reports the doubled value).
    ///
    /// ```
    /// let socket = runtime::net::TcpSocket::new_v4().unwrap();
    /// socket.set_send_buffer_size(64 * 1024).unwrap();
    /// assert!(socket.send_buffer_size().unwrap() >= 64 * 1024);
    /// ```
    pub fn set_send_buffer_size(&self, size: u32) -> io::Result<()> {
        self.inner.set_send_buffer_size(size as usize)
    }

    /// `SO_SNDBUF`, in bytes.
    ///
    /// ```
    /// assert!(runtime::net::TcpSocket::new_v4().unwrap().send_buffer_size().unwrap() > 0);
    /// ```
    pub fn send_buffer_size(&self) -> io::Result<u32> {
        self.inner.send_buffer_size().map(saturate)
    }

    /// Sets `SO_RCVBUF`, the kernel's receive buffer size in bytes (which
    /// also bounds the TCP window offered to the peer; doubled by Linux as
    /// for [`set_send_buffer_size`](Self::set_send_buffer_size)).
    ///
    /// ```
    /// let socket = runtime::net::TcpSocket::new_v4().unwrap();
    /// socket.set_recv_buffer_size(64 * 1024).unwrap();
    /// assert!(socket.recv_buffer_size().unwrap() >= 64 * 1024);
    /// ```
    pub fn set_recv_buffer_size(&self, size: u32) -> io::Result<()> {
        self.inner.set_recv_buffer_size(size as usize)
    }

    /// `SO_RCVBUF`, in bytes.
    ///
    /// ```
    /// assert!(runtime::net::TcpSocket::new_v4().unwrap().recv_buffer_size().unwrap() > 0);
    /// ```
    pub fn recv_buffer_size(&self) -> io::Result<u32> {
        self.inner.recv_buffer_size().map(saturate)
    }

    /// Sets `SO_KEEPALIVE`: the kernel probes an idle connection and
    /// reports a dead peer as an error (after about two hours by default on
    /// Linux).
    ///
    /// ```
    /// let socket = runtime::net::TcpSocket::new_v4().unwrap();
    /// socket.set_keepalive(true).unwrap();
    /// assert!(socket.keepalive().unwrap());
    /// ```
    pub fn set_keepalive(&self, keepalive: bool) -> io::Result<()> {
        self.inner.set_keepalive(keepalive)
    }

    /// Whether `SO_KEEPALIVE` is set.
    ///
    /// ```
    /// assert!(!runtime::net::TcpSocket::new_v4().unwrap().keepalive().unwrap());
    /// ```
    pub fn keepalive(&self) -> io::Result<bool> {
        self.inner.keepalive()
    }

    /// Sets `TCP_NODELAY` (see [`TcpStream::set_nodelay`]); inherited by
    /// the stream `connect` returns.
    ///
    /// ```
    /// let socket = runtime::net::TcpSocket::new_v4().unwrap();
    /// socket.set_nodelay(true).unwrap();
    /// assert!(socket.nodelay().unwrap());
    /// ```
    pub fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        self.inner.set_tcp_nodelay(nodelay)
    }

    /// Whether `TCP_NODELAY` is set.
    ///
    /// ```
    /// assert!(!runtime::net::TcpSocket::new_v4().unwrap().nodelay().unwrap());
    /// ```
    pub fn nodelay(&self) -> io::Result<bool> {
        self.inner.tcp_nodelay()
    }

    /// Sets `SO_LINGER` (see [`TcpStream::set_linger`]).
    ///
    /// ```
    /// use std::time::Duration;
    /// let socket = runtime::net::TcpSocket::new_v4().unwrap();
    /// socket.set_linger(Some(Duration::from_secs(1))).unwrap();
    /// assert_eq!(socket.linger().unwrap(), Some(Duration::from_secs(1)));
    /// ```
    pub fn set_linger(&self, linger: Option<Duration>) -> io::Result<()> {
        self.inner.set_linger(linger)
    }

    /// The `SO_LINGER` setting.
    ///
    /// ```
    /// assert_eq!(runtime::net::TcpSocket::new_v4().unwrap().linger().unwrap(), None);
    /// ```
    pub fn linger(&self) -> io::Result<Option<Duration>> {
        self.inner.linger()
    }

    /// Binds the socket to `addr`: `sock.bind((host, port))`. Port 0 picks
    /// a free port. Before [`connect`](Self::connect), it picks the local
    /// address of the connection.
    ///
    /// # Errors
    /// [`io::ErrorKind::AddrInUse`] if the address is taken (see
    /// [`set_reuseaddr`](Self::set_reuseaddr)); an error if `addr` is not
    /// of the socket's family. The message names the address.
    ///
    /// ```
    /// let socket = runtime::net::TcpSocket::new_v4().unwrap();
    /// let err = socket.bind("[::1]:0".parse().unwrap()).unwrap_err();
    /// assert!(err.to_string().contains("[::1]:0"), "{err}");
    /// ```
    pub fn bind(&self, addr: SocketAddr) -> io::Result<()> {
        self.inner
            .bind(&addr.into())
            .map_err(|err| io::Error::new(err.kind(), format!("could not bind to {addr}: {err}")))
    }

    /// The address the socket is bound to.
    ///
    /// ```
    /// let socket = runtime::net::TcpSocket::new_v4().unwrap();
    /// socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    /// assert_ne!(socket.local_addr().unwrap().port(), 0);
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner
            .local_addr()?
            .as_socket()
            .ok_or_else(|| io::Error::other("the socket is not bound to an IP address"))
    }

    /// Starts listening, with room for `backlog` connections completed by
    /// the kernel and not yet accepted (capped by `net.core.somaxconn` on
    /// Linux), and registers the listener with the current runtime:
    /// asyncio's `start_server(sock=sock, backlog=n)`. Bind first, or the
    /// kernel picks a port.
    ///
    /// # Errors
    /// Outside a runtime; errors of `listen(2)`.
    ///
    /// ```
    /// use runtime::net::{TcpSocket, TcpStream};
    /// runtime::run(async {
    ///     let socket = TcpSocket::new_v4().unwrap();
    ///     socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    ///     let listener = socket.listen(16).unwrap();
    ///     let _client = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
    ///     listener.accept().await.unwrap();
    /// });
    /// ```
    pub fn listen(self, backlog: u32) -> io::Result<TcpListener> {
        self.inner
            .listen(i32::try_from(backlog).unwrap_or(i32::MAX))?;
        TcpListener::new(self.inner.into())
    }

    /// Connects to `addr` and registers the stream with the current
    /// runtime: asyncio's `open_connection(sock=sock)` after
    /// `sock.connect()`. The options set on the socket carry over.
    ///
    /// # Errors
    /// Outside a runtime; [`io::ErrorKind::ConnectionRefused`] and the
    /// other errors of `connect(2)`.
    ///
    /// ```
    /// use runtime::net::{TcpListener, TcpSocket};
    /// runtime::run(async {
    ///     let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let socket = TcpSocket::new_v4().unwrap();
    ///     socket.set_keepalive(true).unwrap();
    ///     let stream = socket.connect(listener.local_addr().unwrap()).await.unwrap();
    ///     assert_eq!(stream.peer_addr().unwrap(), listener.local_addr().unwrap());
    /// });
    /// ```
    pub async fn connect(self, addr: SocketAddr) -> io::Result<TcpStream> {
        TcpStream::connect_socket(self.inner, addr).await
    }
}

/// A size from the kernel, which never exceeds u32 in practice.
fn saturate(size: usize) -> u32 {
    u32::try_from(size).unwrap_or(u32::MAX)
}

impl AsFd for TcpSocket {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.inner.as_fd()
    }
}

impl AsRawFd for TcpSocket {
    fn as_raw_fd(&self) -> RawFd {
        self.inner.as_raw_fd()
    }
}

impl fmt::Debug for TcpSocket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TcpSocket")
            .field("local_addr", &self.local_addr().ok())
            .field("fd", &self.as_raw_fd())
            .finish()
    }
}
