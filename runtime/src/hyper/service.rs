//! What [`serve`](super::serve) accepts: a hyper service or a tower service
//! (an axum `Router`), brought to one shape, [`ConnService`].
//!
//! hyper 1.x and tower have two `Service` traits: hyper's `call` takes
//! `&self` and has no readiness, tower's takes `&mut self` after
//! `poll_ready`. [`IntoService`] is implemented for both, told apart by a
//! marker type ([`Hyper`] or [`Tower`]) that the compiler infers, so
//! `serve(listener, service_fn(..))` and `serve(listener, router)` are the
//! same call. A tower service runs through [`TowerService`]: each request
//! gets a clone of the service, made ready, then called (as tower's
//! `oneshot` does), so a service that is not always ready is still
//! honoured.

use ::hyper::body::{Body, Incoming};
use ::hyper::{Request, Response};
use pin_project_lite::pin_project;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// The error type hyper takes from services and bodies (any error, boxed):
/// what an exception escaping an aiohttp handler is, a 500 or a dropped
/// connection.
///
/// ```
/// let err: runtime::hyper::BoxError = "the database is down".into();
/// assert_eq!(err.to_string(), "the database is down");
/// ```
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A hyper service that can serve connections on this runtime: called for
/// each request of each connection (from tasks on any worker), it answers
/// with a `Response` whose body hyper can send. Implemented for every
/// hyper `Service` that fits; [`IntoService`] makes one from a hyper or a
/// tower service.
///
/// ```
/// use runtime::hyper::ConnService;
/// use hyper::{Request, Response, body::Incoming};
///
/// fn assert_serves<S: ConnService>(_: &S) {}
/// let hello = hyper::service::service_fn(|_: Request<Incoming>| async {
///     Ok::<_, std::convert::Infallible>(Response::new(String::from("hello")))
/// });
/// assert_serves(&hello);
/// ```
pub trait ConnService:
    ::hyper::service::Service<
        Request<Incoming>,
        Response = Response<Self::Body>,
        Error: Into<BoxError>,
        Future: Send + 'static,
    > + Clone
    + Send
    + 'static
{
    /// The response body.
    type Body: Body<Data: Send, Error: Into<BoxError>> + Send + 'static;
}

impl<S, B> ConnService for S
where
    S: ::hyper::service::Service<Request<Incoming>, Response = Response<B>>
        + Clone
        + Send
        + 'static,
    S::Error: Into<BoxError>,
    S::Future: Send + 'static,
    B: Body<Data: Send, Error: Into<BoxError>> + Send + 'static,
{
    type Body = B;
}

/// Marks [`IntoService`] for hyper services (`hyper::service::service_fn`,
/// or any `hyper::service::Service<Request<Incoming>>`): an aiohttp
/// handler coroutine. Inferred, never written; a type with no values.
///
/// ```
/// use runtime::hyper::{Hyper, IntoService};
/// let hello = hyper::service::service_fn(|_| async {
///     Ok::<_, std::convert::Infallible>(hyper::Response::new(String::new()))
/// });
/// let _service = IntoService::<Hyper>::into_service(hello); // what serve infers
/// ```
#[derive(Debug)]
pub enum Hyper {}

/// Marks [`IntoService`] for tower services (an axum `Router`,
/// `tower::service_fn`, any `tower_service::Service<Request<Incoming>>`):
/// an aiohttp `web.Application` with its router. Inferred, never written.
///
/// ```
/// use runtime::hyper::{IntoService, Tower};
/// let app = axum::Router::new().route("/", axum::routing::get(|| async { "hi" }));
/// let _service = IntoService::<Tower>::into_service(app); // what serve infers
/// ```
#[derive(Debug)]
pub enum Tower {}

mod sealed {
    pub trait Sealed<M> {}
}

/// A hyper or a tower service, as [`serve`](super::serve) takes it: the
/// request handler, what aiohttp's `web.Application` (with its router) is
/// to `web.run_app`. `M` ([`Hyper`] or [`Tower`]) is inferred; you never
/// write it.
///
/// ```
/// use runtime::hyper::{ConnService, IntoService};
/// use hyper::{Request, Response, body::Incoming};
///
/// fn normalise<M, S: IntoService<M>>(s: S) -> impl ConnService { s.into_service() }
/// let hello = hyper::service::service_fn(|_: Request<Incoming>| async {
///     Ok::<_, std::convert::Infallible>(Response::new(String::from("hello")))
/// });
/// let _ = normalise(hello);
/// ```
pub trait IntoService<M>: sealed::Sealed<M> {
    /// The service, as hyper calls it.
    type Service: ConnService;

    /// Makes the hyper service.
    fn into_service(self) -> Self::Service;
}

impl<S: ConnService> sealed::Sealed<Hyper> for S {}

impl<S: ConnService> IntoService<Hyper> for S {
    type Service = S;

    fn into_service(self) -> S {
        self
    }
}

impl<S> sealed::Sealed<Tower> for S where TowerService<S>: ConnService {}

impl<S> IntoService<Tower> for S
where
    TowerService<S>: ConnService,
{
    type Service = TowerService<S>;

    fn into_service(self) -> TowerService<S> {
        TowerService(self)
    }
}

/// A tower service as a hyper service: each request gets a clone of the
/// service, waits until it is ready (`poll_ready`), then calls it.
///
/// ```
/// use runtime::hyper::{ConnService, TowerService};
///
/// // Any tower service of requests; here one that echoes the path.
/// #[derive(Clone)]
/// struct Echo;
/// impl tower_service::Service<hyper::Request<hyper::body::Incoming>> for Echo {
///     type Response = hyper::Response<String>;
///     type Error = std::convert::Infallible;
///     type Future = std::future::Ready<Result<Self::Response, Self::Error>>;
///     fn poll_ready(&mut self, _: &mut std::task::Context<'_>) -> std::task::Poll<Result<(), Self::Error>> {
///         std::task::Poll::Ready(Ok(()))
///     }
///     fn call(&mut self, req: hyper::Request<hyper::body::Incoming>) -> Self::Future {
///         std::future::ready(Ok(hyper::Response::new(req.uri().path().to_string())))
///     }
/// }
/// fn assert_serves<S: ConnService>(_: &S) {}
/// assert_serves(&TowerService(Echo));
/// ```
#[derive(Clone, Copy, Debug)]
pub struct TowerService<S>(pub S);

impl<S, R> ::hyper::service::Service<Request<Incoming>> for TowerService<S>
where
    S: tower_service::Service<Request<Incoming>, Response = R> + Clone,
{
    type Response = R;
    type Error = S::Error;
    type Future = TowerFuture<S>;

    fn call(&self, request: Request<Incoming>) -> TowerFuture<S> {
        TowerFuture {
            service: self.0.clone(),
            request: Some(request),
            call: None,
        }
    }
}

pin_project! {
    /// The future of one request to a [`TowerService`]: readiness, then
    /// the call (an aiohttp handler's coroutine, for one request).
    ///
    /// ```
    /// use hyper::service::Service as _;
    /// use runtime::hyper::{TowerFuture, TowerService};
    ///
    /// // Calling a tower service through hyper's trait gives a TowerFuture.
    /// let app = axum::Router::new();
    /// fn is_tower_future<S: tower_service::Service<hyper::Request<hyper::body::Incoming>>>(
    ///     _: &TowerFuture<S>,
    /// ) {}
    /// # let _ = |request: hyper::Request<hyper::body::Incoming>| {
    /// let future = TowerService(app).call(request);
    /// is_tower_future(&future);
    /// # };
    /// ```
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct TowerFuture<S>
    where
        S: tower_service::Service<Request<Incoming>>,
    {
        service: S,
        // `Some` until the service was ready and called.
        request: Option<Request<Incoming>>,
        #[pin]
        call: Option<S::Future>,
    }
}

impl<S> Future for TowerFuture<S>
where
    S: tower_service::Service<Request<Incoming>>,
{
    type Output = Result<S::Response, S::Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        if let Some(request) = this.request.take() {
            match this.service.poll_ready(cx) {
                Poll::Ready(Ok(())) => this.call.set(Some(this.service.call(request))),
                Poll::Ready(Err(err)) => return Poll::Ready(Err(err)),
                Poll::Pending => {
                    *this.request = Some(request);
                    return Poll::Pending;
                }
            }
        }
        match this.call.as_pin_mut() {
            Some(call) => call.poll(cx),
            None => panic!("TowerFuture polled after it completed"),
        }
    }
}

impl<S> std::fmt::Debug for TowerFuture<S>
where
    S: tower_service::Service<Request<Incoming>>,
{
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TowerFuture")
            .field("called", &self.request.is_none())
            .finish_non_exhaustive()
    }
}
