//! 100 concurrent tokio-postgres queries, on our runtime or on tokio's:
//! the same client crate over each runtime's own TcpStream
//! (`Config::connect_raw`, `NoTls`), the connection futures spawned on
//! the runtime under test, 100 tasks of one `SELECT $1::int` each spread
//! over a few connections, gathered. One process measures one runtime;
//! run them alternately (see BENCHMARKS.md).
//!
//! ```sh
//! cargo run --release -p benches --bin pg_queries -- ours  postgres://postgres:postgres@127.0.0.1:PORT/postgres
//! cargo run --release -p benches --bin pg_queries -- tokio postgres://postgres:postgres@127.0.0.1:PORT/postgres
//! ```
//!
//! Prints the median time of one round of 100 queries (after a warm-up),
//! and the 10th and 90th percentiles, in microseconds.

use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_postgres::{Client, Config, NoTls, Statement};

/// Queries in flight at once: one round.
const CONCURRENT: usize = 100;
/// Connections the queries are spread over (pipelined on each).
const CONNECTIONS: usize = 4;
const WARMUP_ROUNDS: usize = 50;
const ROUNDS: usize = 500;

fn main() {
    let mut args = std::env::args().skip(1);
    let usage = "usage: pg_queries ours|tokio DATABASE_URL";
    let which = args.next().expect(usage);
    let url = args
        .next()
        .or_else(|| std::env::var("DATABASE_URL").ok())
        .expect(usage);
    let config = Config::from_str(&url).expect("a postgres:// URL");
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let addr = format!("127.0.0.1:{port}");
    let rounds = match which.as_str() {
        "ours" => benches::ours().block_on(ours(config, addr)),
        "tokio" => benches::tokio().block_on(tokio(config, addr)),
        other => panic!("unknown runtime {other:?}; {usage}"),
    };
    report(&which, rounds);
}

/// Connections, each with its prepared statement.
type Conns = Vec<(Arc<Client>, Statement)>;

async fn ours(config: Config, addr: String) -> Vec<Duration> {
    let mut conns: Conns = Vec::new();
    for _ in 0..CONNECTIONS {
        let stream = runtime::net::TcpStream::connect(addr.as_str())
            .await
            .unwrap();
        stream.set_nodelay(true).unwrap();
        let (client, connection) = config.connect_raw(stream, NoTls).await.unwrap();
        runtime::spawn(connection);
        let statement = client.prepare("SELECT $1::int").await.unwrap();
        conns.push((Arc::new(client), statement));
    }
    let mut times = Vec::with_capacity(ROUNDS);
    for round in 0..WARMUP_ROUNDS + ROUNDS {
        let start = Instant::now();
        let tasks: Vec<_> = (0..CONCURRENT)
            .map(|i| {
                let (client, statement) = conns[i % CONNECTIONS].clone();
                runtime::spawn(async move { query(&client, &statement, i).await })
            })
            .collect();
        for result in runtime::task::gather(tasks).await {
            result.unwrap();
        }
        if round >= WARMUP_ROUNDS {
            times.push(start.elapsed());
        }
    }
    times
}

async fn tokio(config: Config, addr: String) -> Vec<Duration> {
    let mut conns: Conns = Vec::new();
    for _ in 0..CONNECTIONS {
        let stream = tokio::net::TcpStream::connect(addr.as_str()).await.unwrap();
        stream.set_nodelay(true).unwrap();
        let (client, connection) = config.connect_raw(stream, NoTls).await.unwrap();
        tokio::spawn(connection);
        let statement = client.prepare("SELECT $1::int").await.unwrap();
        conns.push((Arc::new(client), statement));
    }
    let mut times = Vec::with_capacity(ROUNDS);
    for round in 0..WARMUP_ROUNDS + ROUNDS {
        let start = Instant::now();
        let tasks: Vec<_> = (0..CONCURRENT)
            .map(|i| {
                let (client, statement) = conns[i % CONNECTIONS].clone();
                tokio::spawn(async move { query(&client, &statement, i).await })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        if round >= WARMUP_ROUNDS {
            times.push(start.elapsed());
        }
    }
    times
}

/// One query; checks the answer.
async fn query(client: &Client, statement: &Statement, i: usize) {
    let n = i as i32;
    let row = client.query_one(statement, &[&n]).await.unwrap();
    assert_eq!(row.get::<_, i32>(0), n);
}

fn report(which: &str, mut rounds: Vec<Duration>) {
    rounds.sort();
    let at = |q: f64| rounds[((rounds.len() - 1) as f64 * q) as usize].as_secs_f64() * 1e6;
    println!(
        "{which}: {CONCURRENT} concurrent queries over {CONNECTIONS} connections: median \
         {:.0} us per round (p10 {:.0}, p90 {:.0}; {} rounds)",
        at(0.5),
        at(0.1),
        at(0.9),
        rounds.len()
    );
}
