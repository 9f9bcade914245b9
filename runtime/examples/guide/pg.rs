//! What the asyncpg ports need from a real PostgreSQL: asyncpg's
//! `connect`, `fetch` and `close` on tokio-postgres, over our own
//! `TcpStream` (or `UnixStream`), with the `tokio-io` feature that gives
//! our sockets tokio's I/O traits. No tokio runtime is involved: the
//! connection's driver future is one of our tasks (`runtime::spawn`).
//!
//! Included by the examples with `#[path = "guide/pg.rs"] mod pg;`.

#![allow(dead_code)] // each program uses a part of it

use runtime::net::{TcpStream, UnixStream};
use runtime::task::JoinHandle;
use std::fmt;
use std::str::FromStr;
use tokio_postgres::types::Type;
use tokio_postgres::{Client, NoTls, Row, config::Host};

/// Any error of these programs: a bad URL, a socket's, or the server's.
pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// The database to use: `$DATABASE_URL`, as
/// `postgres://user:password@127.0.0.1:5432/database`.
pub fn database_url() -> Result<String, Error> {
    std::env::var("DATABASE_URL").map_err(|_| {
        "DATABASE_URL is not set: point it at a PostgreSQL database, e.g. \
         DATABASE_URL=postgres://user:password@127.0.0.1:5432/testdb (the example's docs \
         show how to start a throwaway server and create its table)"
            .into()
    })
}

/// An open connection: asyncpg's `Connection`.
pub struct Connection {
    client: Client,
    /// The task that drives the connection's socket.
    driver: JoinHandle<Result<(), tokio_postgres::Error>>,
}

/// `await asyncpg.connect(dsn)`: connects our socket to the server the
/// URL names, then hands it to tokio-postgres (`connect_raw`), whose
/// connection future runs as one of our tasks.
pub async fn connect(url: &str) -> Result<Connection, Error> {
    let config = tokio_postgres::Config::from_str(url)?;
    let host = config
        .get_hosts()
        .first()
        .cloned()
        .unwrap_or(Host::Tcp("localhost".into()));
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let (client, driver) = match host {
        Host::Tcp(name) => {
            let stream = TcpStream::connect((name.as_str(), port)).await?;
            stream.set_nodelay(true)?;
            let (client, connection) = config.connect_raw(stream, NoTls).await.map_err(server)?;
            (client, runtime::spawn(connection))
        }
        Host::Unix(dir) => {
            let stream = UnixStream::connect(dir.join(format!(".s.PGSQL.{port}"))).await?;
            let (client, connection) = config.connect_raw(stream, NoTls).await.map_err(server)?;
            (client, runtime::spawn(connection))
        }
    };
    Ok(Connection { client, driver })
}

impl Connection {
    /// `await conn.fetch(sql)`: every row of a query.
    pub async fn fetch(&self, sql: &str) -> Result<Vec<Record>, Error> {
        let rows = self.client.query(sql, &[]).await.map_err(server)?;
        Ok(rows.into_iter().map(Record).collect())
    }

    /// The tokio-postgres client, for what asyncpg's three calls do not
    /// cover.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// `await conn.close()`: ends the session and waits until the
    /// connection's task has closed the socket.
    pub async fn close(self) -> Result<(), Error> {
        drop(self.client);
        self.driver.await??;
        Ok(())
    }
}

/// A tokio-postgres error with the server's message in its text
/// (tokio-postgres's own says only "db error", as asyncpg's
/// `PostgresError` would not).
fn server(err: tokio_postgres::Error) -> Error {
    match err.as_db_error() {
        Some(db) => format!("{db}").into(),
        None => err.into(),
    }
}

/// A row, printed as asyncpg prints a `Record`:
/// `<Record id=1 name='Alice'>`.
pub struct Record(pub Row);

impl fmt::Display for Record {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let row = &self.0;
        f.write_str("<Record")?;
        for (i, column) in row.columns().iter().enumerate() {
            let name = column.name();
            let value = match *column.type_() {
                Type::INT2 => row.get::<_, Option<i16>>(i).map(|n| n.to_string()),
                Type::INT4 => row.get::<_, Option<i32>>(i).map(|n| n.to_string()),
                Type::INT8 => row.get::<_, Option<i64>>(i).map(|n| n.to_string()),
                Type::BOOL => row
                    .get::<_, Option<bool>>(i)
                    .map(|b| if b { "True" } else { "False" }.to_string()),
                Type::TEXT | Type::VARCHAR | Type::NAME | Type::BPCHAR => {
                    row.get::<_, Option<String>>(i).map(|s| format!("'{s}'"))
                }
                ref other => Some(format!("<{other}>")),
            };
            write!(f, " {name}={}", value.as_deref().unwrap_or("None"))?;
        }
        f.write_str(">")
    }
}
