//! tokio-postgres on our runtime, against a real PostgreSQL (a throwaway
//! `tests::PgCluster`): `Config::connect_raw` over our `TcpStream` (the
//! `tokio-io` feature), the connection driven by our `spawn`, no tokio
//! runtime anywhere. A CREATE / INSERT / SELECT round trip (over TCP, then
//! over our `UnixStream`), and 100
//! concurrent queries gathered, on both schedulers; several connections in
//! parallel.
#![cfg(not(miri))]

use runtime::net::TcpStream;
use std::str::FromStr;
use std::sync::Arc;
use tests::{PgCluster, current, multi};
use tokio_postgres::{Client, NoTls};

/// Connects to the cluster over our TcpStream; the connection future runs
/// as one of our tasks, whose handle is returned.
async fn connect(pg: &PgCluster) -> (Client, runtime::task::JoinHandle<()>) {
    let config = tokio_postgres::Config::from_str(&pg.url()).unwrap();
    let stream = TcpStream::connect(("127.0.0.1", pg.port())).await.unwrap();
    stream.set_nodelay(true).unwrap();
    let (client, connection) = config.connect_raw(stream, NoTls).await.unwrap();
    let driver = runtime::spawn(async move { connection.await.unwrap() });
    (client, driver)
}

#[test]
fn create_insert_select_round_trip() {
    let pg = PgCluster::start();
    for (i, rt) in [current(), multi(2)].into_iter().enumerate() {
        rt.block_on(async {
            let (client, driver) = connect(&pg).await;
            let table = format!("guests_{i}");
            client
                .batch_execute(&format!(
                    "CREATE TABLE {table} (id serial PRIMARY KEY, name text NOT NULL, visits int)"
                ))
                .await
                .unwrap();
            let insert = client
                .prepare(&format!(
                    "INSERT INTO {table} (name, visits) VALUES ($1, $2) RETURNING id"
                ))
                .await
                .unwrap();
            let mut ids = Vec::new();
            for (name, visits) in [("Ada", 3), ("Grace", 5), ("Édith ✓", 0)] {
                let row = client.query_one(&insert, &[&name, &visits]).await.unwrap();
                ids.push(row.get::<_, i32>(0));
            }
            assert_eq!(ids, [1, 2, 3]);
            let rows = client
                .query(
                    &format!("SELECT id, name, visits FROM {table} WHERE visits >= $1 ORDER BY id"),
                    &[&0i32],
                )
                .await
                .unwrap();
            let got: Vec<(i32, String, i32)> = rows
                .iter()
                .map(|r| (r.get(0), r.get(1), r.get(2)))
                .collect();
            assert_eq!(
                got,
                [
                    (1, "Ada".to_string(), 3),
                    (2, "Grace".to_string(), 5),
                    (3, "Édith ✓".to_string(), 0)
                ]
            );
            // A server-side error comes back as an error, the connection lives on.
            let err = client
                .execute(&format!("INSERT INTO {table} (name) VALUES (NULL)"), &[])
                .await
                .unwrap_err();
            assert!(err.as_db_error().unwrap().message().contains("null value"));
            let count: i64 = client
                .query_one(&format!("SELECT count(*) FROM {table}"), &[])
                .await
                .unwrap()
                .get(0);
            assert_eq!(count, 3);
            // Dropping the client ends the session: the driver task finishes.
            drop(client);
            driver.await.unwrap();

            // The same over our UnixStream (the server's socket file).
            let socket = pg.socket_dir().join(format!(".s.PGSQL.{}", pg.port()));
            let stream = runtime::net::UnixStream::connect(&socket).await.unwrap();
            let config = tokio_postgres::Config::from_str("user=postgres dbname=postgres").unwrap();
            let (client, connection) = config.connect_raw(stream, NoTls).await.unwrap();
            runtime::spawn(connection);
            let names: Vec<String> = client
                .query(&format!("SELECT name FROM {table} ORDER BY id"), &[])
                .await
                .unwrap()
                .iter()
                .map(|r| r.get(0))
                .collect();
            assert_eq!(names, ["Ada", "Grace", "Édith ✓"]);
        });
    }
}

#[test]
fn a_hundred_concurrent_queries_gathered() {
    let pg = PgCluster::start();
    for rt in [current(), multi(2)] {
        rt.block_on(async {
            let (client, _driver) = connect(&pg).await;
            let client = Arc::new(client);
            let statement = client.prepare("SELECT $1::int * 2").await.unwrap();
            // 100 tasks, all in flight at once on one connection (pipelined).
            let tasks: Vec<_> = (0..100i32)
                .map(|i| {
                    let client = client.clone();
                    let statement = statement.clone();
                    runtime::spawn(async move {
                        let row = client.query_one(&statement, &[&i]).await.unwrap();
                        row.get::<_, i32>(0)
                    })
                })
                .collect();
            let doubled: Vec<i32> = runtime::task::gather(tasks)
                .await
                .into_iter()
                .map(Result::unwrap)
                .collect();
            assert_eq!(doubled, (0..100).map(|i| i * 2).collect::<Vec<_>>());

            // gather! runs queries side by side inside this task.
            let (a, b, c) = runtime::gather!(
                client.query_one("SELECT 'asyncio'::text", &[]),
                client.query_one("SELECT 40 + 2", &[]),
                client.query_one("SELECT pg_sleep(0.01)::text", &[]),
            )
            .await;
            assert_eq!(a.unwrap().get::<_, String>(0), "asyncio");
            assert_eq!(b.unwrap().get::<_, i32>(0), 42);
            assert_eq!(c.unwrap().get::<_, String>(0), "");
        });
    }
    // (The same cluster: each one costs an initdb.)
    several_connections_in_parallel(&pg);
}

/// Eight connections, each a task with 20 queries in a row, on two workers.
fn several_connections_in_parallel(pg: &PgCluster) {
    multi(2).block_on(async {
        let tasks: Vec<_> = (0..8i64)
            .map(|i| {
                let url_port = pg.port();
                let config = tokio_postgres::Config::from_str(&pg.url()).unwrap();
                runtime::spawn(async move {
                    let stream = TcpStream::connect(("127.0.0.1", url_port)).await.unwrap();
                    let (client, connection) = config.connect_raw(stream, NoTls).await.unwrap();
                    runtime::spawn(connection);
                    let mut sum = 0i64;
                    for j in 0..20i64 {
                        let row = client
                            .query_one("SELECT $1::int8 + $2::int8", &[&i, &j])
                            .await;
                        sum += row.unwrap().get::<_, i64>(0);
                    }
                    sum
                })
            })
            .collect();
        let sums = runtime::task::try_gather(tasks).await.unwrap();
        let expected: Vec<i64> = (0..8).map(|i| 20 * i + 190).collect();
        assert_eq!(sums, expected);
    });
}
