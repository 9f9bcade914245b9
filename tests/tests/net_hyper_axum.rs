//! An axum `Router` served by `runtime::hyper::serve` (axum without its
//! `tokio` feature: no tokio runtime anywhere), checked with hyper's
//! client: a path parameter, JSON in and out, a handler sleeping on our
//! (paused) clock, and the 404 of a route that does not exist.
#![cfg(not(miri))]

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use runtime::hyper::serve;
use runtime::net::TcpListener;
use runtime::sync::Lock;
use runtime::time::{Instant, sleep};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tests::{Reply, get_request, http1_client};

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct User {
    id: u32,
    name: String,
}

type Users = Arc<Lock<Vec<User>>>;

async fn hello(Path(name): Path<String>) -> String {
    format!("Hello, {name}!")
}

async fn user(State(users): State<Users>, Path(id): Path<u32>) -> Result<Json<User>, StatusCode> {
    let users = users.lock().await;
    let user = users
        .iter()
        .find(|user| user.id == id)
        .ok_or(StatusCode::NOT_FOUND)?;
    Ok(Json(User {
        id: user.id,
        name: user.name.clone(),
    }))
}

async fn add_user(State(users): State<Users>, Json(new): Json<User>) -> StatusCode {
    users.lock().await.push(new);
    StatusCode::CREATED
}

async fn slow() -> &'static str {
    sleep(Duration::from_secs(1)).await; // on the runtime's clock
    "done"
}

fn app() -> Router {
    let users: Users = Arc::new(Lock::new(vec![User {
        id: 1,
        name: "Alice".into(),
    }]));
    Router::new()
        .route("/hello/{name}", get(hello))
        .route("/users/{id}", get(user))
        .route("/users", post(add_user))
        .route("/slow", get(slow))
        .with_state(users)
}

/// Serves `app()` on a fresh listener as a task; returns its address.
async fn start() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    runtime::spawn(serve(listener, app()).into_future()); // axum::serve(listener, app)
    addr
}

#[test]
fn path_parameter() {
    tests::paused().block_on(async {
        let addr = start().await;
        let reply = tests::get(addr, "/hello/world").await.unwrap();
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(reply.body, "Hello, world!");
    });
}

#[test]
fn json_in_and_out() {
    tests::paused().block_on(async {
        let addr = start().await;
        let reply = tests::get(addr, "/users/1").await.unwrap();
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(reply.header("content-type"), "application/json");
        let alice: User = serde_json::from_str(&reply.body).unwrap();
        assert_eq!(
            alice,
            User {
                id: 1,
                name: "Alice".into()
            }
        );

        let (mut sender, _) = http1_client(addr).await;
        let bob = serde_json::to_string(&User {
            id: 2,
            name: "Bob".into(),
        })
        .unwrap();
        let request = hyper::Request::post("/users")
            .header("content-type", "application/json")
            .body(bob)
            .unwrap();
        let created = Reply::read(sender.send_request(request).await.unwrap());
        assert_eq!(created.await.unwrap().status, StatusCode::CREATED);
        let reply = Reply::read(sender.send_request(get_request("/users/2")).await.unwrap());
        assert_eq!(reply.await.unwrap().body, r#"{"id":2,"name":"Bob"}"#);

        // Not JSON: axum's extractor refuses it.
        let request = hyper::Request::post("/users")
            .header("content-type", "application/json")
            .body("{not json".to_string())
            .unwrap();
        let refused = Reply::read(sender.send_request(request).await.unwrap());
        assert_eq!(refused.await.unwrap().status, StatusCode::BAD_REQUEST);
        // A user that does not exist: the handler's own 404.
        let reply = Reply::read(sender.send_request(get_request("/users/9")).await.unwrap());
        assert_eq!(reply.await.unwrap().status, StatusCode::NOT_FOUND);
    });
}

#[test]
fn handlers_sleep_on_the_runtime_clock_concurrently() {
    tests::paused().block_on(async {
        let addr = start().await;
        let start = Instant::now();
        let clients = (0..5).map(|_| runtime::spawn(tests::get(addr, "/slow")));
        for reply in runtime::task::gather(clients).await {
            let reply = reply.unwrap().unwrap();
            assert_eq!(
                (reply.status, reply.body.as_str()),
                (StatusCode::OK, "done")
            );
        }
        // Five requests, each sleeping 1 s, at once: 1 s of paused time.
        assert_eq!(start.elapsed(), Duration::from_secs(1));
    });
}

#[test]
fn an_unknown_route_is_404() {
    tests::paused().block_on(async {
        let addr = start().await;
        let reply = tests::get(addr, "/no/such/route").await.unwrap();
        assert_eq!(reply.status, StatusCode::NOT_FOUND);
        assert_eq!(reply.body, "");
        // The wrong method on a known path: 405.
        let reply = tests::get(addr, "/users").await.unwrap();
        assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);
    });
}

#[test]
fn an_axum_app_serves_on_a_multi_thread_runtime() {
    // The connection tasks move between workers: everything is Send.
    let rt = runtime::Builder::multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    rt.block_on(async {
        let addr = start().await;
        let clients = (0..20)
            .map(|i| runtime::spawn(async move { tests::get(addr, &format!("/hello/{i}")).await }));
        for (i, reply) in runtime::task::gather(clients).await.into_iter().enumerate() {
            assert_eq!(reply.unwrap().unwrap().body, format!("Hello, {i}!"));
        }
    });
}
