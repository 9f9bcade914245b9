//! Address resolution: `ToSocketAddrs`, with DNS on the blocking pool.
//!
//! Literal addresses (`"127.0.0.1:8080"`, a `SocketAddr`, `(ip, port)`)
//! resolve on the spot. Host names go through the system resolver
//! (`getaddrinfo`), which blocks, so they are looked up on the runtime's
//! blocking pool, as asyncio's `loop.getaddrinfo` runs in the default
//! executor.

use crate::scheduler::context;
use crate::task::JoinHandle;
use crate::task::TaskMeta;
use std::future::Future;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::pin::Pin;
use std::task::{Context, Poll};

/// Something that resolves to one or more socket addresses: what
/// [`TcpListener::bind`](super::TcpListener::bind),
/// [`TcpStream::connect`](super::TcpStream::connect) and the
/// [`UdpSocket`](super::UdpSocket) methods accept, like asyncio's
/// `(host, port)` arguments.
///
/// Implemented for `SocketAddr` and its V4/V6 forms, `(IpAddr, u16)`,
/// `(&str, u16)`, `(String, u16)`, `&str` and `String` of the form
/// `"host:port"`, `&[SocketAddr]`, and references to any of these. The
/// trait is sealed: its method is an implementation detail.
///
/// ```
/// use runtime::net::TcpListener;
/// use std::net::{Ipv4Addr, SocketAddr};
///
/// runtime::run(async {
///     let a = TcpListener::bind("127.0.0.1:0").await.unwrap();
///     let b = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await.unwrap();
///     let c = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await.unwrap();
///     let d = TcpListener::bind(("localhost", 0)).await.unwrap(); // resolved off the loop
///     for l in [a, b, c, d] {
///         assert!(l.local_addr().unwrap().ip().is_loopback());
///     }
/// });
/// ```
pub trait ToSocketAddrs: sealed::ToSocketAddrsPriv {}

pub(crate) mod sealed {
    use super::Resolve;

    /// The hidden half of [`ToSocketAddrs`](super::ToSocketAddrs).
    pub trait ToSocketAddrsPriv {
        /// Starts resolving.
        fn to_socket_addrs(&self) -> Resolve;
    }
}

/// Resolves `host` (`"name:port"` or anything [`ToSocketAddrs`]) to its
/// addresses: asyncio's `loop.getaddrinfo(host, port)`. Names are looked
/// up on the blocking pool.
///
/// ```
/// runtime::run(async {
///     let addrs: Vec<_> = runtime::net::lookup_host("localhost:80").await.unwrap().collect();
///     assert!(addrs.iter().all(|a| a.port() == 80 && a.ip().is_loopback()));
///     let err = runtime::net::lookup_host("no port here").await.unwrap_err();
///     assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
/// });
/// ```
pub async fn lookup_host(
    host: impl ToSocketAddrs,
) -> io::Result<impl Iterator<Item = SocketAddr> + std::fmt::Debug> {
    host.to_socket_addrs().await
}

/// The addresses an input resolved to (an implementation detail of
/// [`ToSocketAddrs`]).
#[derive(Debug)]
pub enum Addrs {
    #[doc(hidden)]
    One(Option<SocketAddr>),
    #[doc(hidden)]
    Many(std::vec::IntoIter<SocketAddr>),
}

impl Iterator for Addrs {
    type Item = SocketAddr;

    fn next(&mut self) -> Option<SocketAddr> {
        match self {
            Addrs::One(one) => one.take(),
            Addrs::Many(many) => many.next(),
        }
    }
}

/// The future of a resolution: ready at once, or a lookup on the blocking
/// pool.
#[derive(Debug)]
pub enum Resolve {
    /// Resolved (or failed) without a lookup.
    #[doc(hidden)]
    Ready(Option<io::Result<Addrs>>),
    /// A `getaddrinfo` running on the blocking pool.
    #[doc(hidden)]
    Blocking(JoinHandle<io::Result<Vec<SocketAddr>>>),
}

impl Future for Resolve {
    type Output = io::Result<Addrs>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<Addrs>> {
        match &mut *self {
            Resolve::Ready(out) => {
                Poll::Ready(out.take().expect("Resolve polled after completion"))
            }
            Resolve::Blocking(handle) => match std::task::ready!(Pin::new(handle).poll(cx)) {
                Ok(result) => Poll::Ready(result.map(|v| Addrs::Many(v.into_iter()))),
                Err(err) if err.is_panic() => std::panic::resume_unwind(err.into_panic()),
                Err(_) => Poll::Ready(Err(io::Error::other(
                    "address lookup cancelled: the runtime shut down",
                ))),
            },
        }
    }
}

fn ready(addr: SocketAddr) -> Resolve {
    Resolve::Ready(Some(Ok(Addrs::One(Some(addr)))))
}

/// Resolves a `"host:port"` string: parsed on the spot when it is a
/// literal, else looked up on the blocking pool.
fn resolve_str(s: &str) -> Resolve {
    if let Ok(addr) = s.parse::<SocketAddr>() {
        return ready(addr);
    }
    let owned = s.to_string();
    blocking_lookup(
        move || std::net::ToSocketAddrs::to_socket_addrs(owned.as_str()),
        s,
    )
}

fn resolve_host_port(host: &str, port: u16) -> Resolve {
    if let Ok(ip) = host.parse::<IpAddr>() {
        return ready(SocketAddr::new(ip, port));
    }
    let owned = host.to_string();
    blocking_lookup(
        move || std::net::ToSocketAddrs::to_socket_addrs(&(owned.as_str(), port)),
        host,
    )
}

/// Runs `lookup` on the current runtime's blocking pool; errors name what
/// was being resolved.
fn blocking_lookup<I>(
    lookup: impl FnOnce() -> io::Result<I> + Send + 'static,
    what: &str,
) -> Resolve
where
    I: Iterator<Item = SocketAddr>,
{
    let what = what.to_string();
    let job = move || {
        lookup()
            .map(Iterator::collect)
            .map_err(|err| io::Error::new(err.kind(), format!("could not resolve {what:?}: {err}")))
    };
    match context::with_current(|handle| handle.spawn_blocking(job, TaskMeta::here())) {
        Ok(handle) => Resolve::Blocking(handle),
        Err(missing) => Resolve::Ready(Some(Err(io::Error::other(format!(
            "an address lookup was {missing}"
        ))))),
    }
}

macro_rules! ready_impl {
    ($($ty:ty => |$x:ident| $addr:expr;)*) => {$(
        impl ToSocketAddrs for $ty {}
        impl sealed::ToSocketAddrsPriv for $ty {
            fn to_socket_addrs(&self) -> Resolve {
                let $x = self;
                ready($addr)
            }
        }
    )*};
}

ready_impl! {
    SocketAddr => |a| *a;
    SocketAddrV4 => |a| SocketAddr::V4(*a);
    SocketAddrV6 => |a| SocketAddr::V6(*a);
    (IpAddr, u16) => |a| SocketAddr::new(a.0, a.1);
    (Ipv4Addr, u16) => |a| SocketAddr::new(IpAddr::V4(a.0), a.1);
    (Ipv6Addr, u16) => |a| SocketAddr::new(IpAddr::V6(a.0), a.1);
    ([u8; 4], u16) => |a| SocketAddr::from(*a);
}

impl ToSocketAddrs for str {}
impl sealed::ToSocketAddrsPriv for str {
    fn to_socket_addrs(&self) -> Resolve {
        resolve_str(self)
    }
}

impl ToSocketAddrs for String {}
impl sealed::ToSocketAddrsPriv for String {
    fn to_socket_addrs(&self) -> Resolve {
        resolve_str(self)
    }
}

impl ToSocketAddrs for (&str, u16) {}
impl sealed::ToSocketAddrsPriv for (&str, u16) {
    fn to_socket_addrs(&self) -> Resolve {
        resolve_host_port(self.0, self.1)
    }
}

impl ToSocketAddrs for (String, u16) {}
impl sealed::ToSocketAddrsPriv for (String, u16) {
    fn to_socket_addrs(&self) -> Resolve {
        resolve_host_port(&self.0, self.1)
    }
}

impl ToSocketAddrs for [SocketAddr] {}
impl sealed::ToSocketAddrsPriv for [SocketAddr] {
    fn to_socket_addrs(&self) -> Resolve {
        let owned: Vec<SocketAddr> = self.into();
        Resolve::Ready(Some(Ok(Addrs::Many(owned.into_iter()))))
    }
}

impl<T: ToSocketAddrs + ?Sized> ToSocketAddrs for &T {}
impl<T: ToSocketAddrs + ?Sized> sealed::ToSocketAddrsPriv for &T {
    fn to_socket_addrs(&self) -> Resolve {
        (**self).to_socket_addrs()
    }
}

/// Runs `op` on each address `addr` resolves to until one succeeds;
/// otherwise returns the last error (or one saying nothing resolved).
pub(crate) async fn each_addr<T, F, Fut>(addr: impl ToSocketAddrs, mut op: F) -> io::Result<T>
where
    F: FnMut(SocketAddr) -> Fut,
    Fut: Future<Output = io::Result<T>>,
{
    let mut last_err = None;
    for addr in addr.to_socket_addrs().await? {
        match op(addr).await {
            Ok(out) => return Ok(out),
            Err(err) => last_err = Some(err),
        }
    }
    Err(last_err.unwrap_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            "the address did not resolve to any socket address",
        )
    }))
}
