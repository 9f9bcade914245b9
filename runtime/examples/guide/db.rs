//! An in-memory stand-in for a PostgreSQL server and the asyncpg client,
//! for the guide programs that query a database: [`Server::start`] spawns
//! a task that owns the tables and answers the requests that connections
//! send it over a queue, one at a time, as a database server would.
//!
//! Included by the examples with `#[path = "guide/db.rs"] mod db;`.

#![allow(dead_code)] // each program uses a part of it

use runtime::sync::Queue;
use std::fmt;
use std::sync::Arc;

/// A database error: asyncpg's `PostgresError`.
#[derive(Debug, Clone, PartialEq)]
pub struct DbError(String);

impl fmt::Display for DbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DbError {}

/// A column's value.
#[derive(Clone, Debug)]
pub enum Value {
    Int(i64),
    Text(&'static str),
}

/// A row: asyncpg's `Record`, printed as asyncpg prints one
/// (`<Record id=1 name='Alice'>`).
#[derive(Clone, Debug)]
pub struct Record(Vec<(&'static str, Value)>);

impl fmt::Display for Record {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<Record")?;
        for (name, value) in &self.0 {
            match value {
                Value::Int(n) => write!(f, " {name}={n}")?,
                Value::Text(s) => write!(f, " {name}='{s}'")?,
            }
        }
        f.write_str(">")
    }
}

/// What a connection asks the server.
enum Request {
    Connect {
        user: String,
        password: String,
        database: String,
    },
    Fetch {
        database: String,
        sql: String,
    },
}

/// A request and where to put its answer.
struct Call {
    request: Request,
    reply: Arc<Queue<Result<Vec<Record>, DbError>>>,
}

/// The database server (PostgreSQL at 127.0.0.1 in the guides).
#[derive(Clone)]
pub struct Server {
    calls: Arc<Queue<Call>>,
}

impl Server {
    /// Starts the server task, with the guides' data: a `users` table in
    /// database `testdb` and a `mytable` table in database `database`, both
    /// for user `user` with password `password`. It runs until the runtime
    /// shuts down.
    pub fn start() -> Server {
        let calls = Arc::new(Queue::<Call>::new(0));
        let queue = calls.clone();
        runtime::spawn(async move {
            while let Ok(Call { request, reply }) = queue.get().await {
                // The reply queue is new and unbounded: this cannot fail.
                let _ = reply.put_nowait(answer(request));
            }
        });
        Server { calls }
    }

    async fn call(&self, request: Request) -> Result<Vec<Record>, DbError> {
        let reply = Arc::new(Queue::new(1));
        let call = Call {
            request,
            reply: reply.clone(),
        };
        let gone = || DbError("connection to server was lost".into());
        self.calls.put(call).await.map_err(|_| gone())?;
        reply.get().await.map_err(|_| gone())?
    }
}

/// `await asyncpg.connect(user=..., password=..., database=..., host=...)`.
pub async fn connect(
    server: &Server,
    user: &str,
    password: &str,
    database: &str,
) -> Result<Connection, DbError> {
    let request = Request::Connect {
        user: user.into(),
        password: password.into(),
        database: database.into(),
    };
    server.call(request).await?;
    Ok(Connection {
        server: server.clone(),
        database: database.into(),
    })
}

/// An open connection: asyncpg's `Connection`.
pub struct Connection {
    server: Server,
    database: String,
}

impl Connection {
    /// `await conn.fetch(sql)`: the rows of a `SELECT * FROM table`.
    pub async fn fetch(&self, sql: &str) -> Result<Vec<Record>, DbError> {
        let database = self.database.clone();
        let sql = sql.to_string();
        self.server.call(Request::Fetch { database, sql }).await
    }

    /// `await conn.close()`.
    pub async fn close(self) {}
}

fn answer(request: Request) -> Result<Vec<Record>, DbError> {
    match request {
        Request::Connect {
            user,
            password,
            database,
        } => {
            if user != "user" || password != "password" {
                return Err(DbError(format!(
                    "password authentication failed for user \"{user}\""
                )));
            }
            if database != "testdb" && database != "database" {
                return Err(DbError(format!("database \"{database}\" does not exist")));
            }
            Ok(Vec::new())
        }
        Request::Fetch { database, sql } => {
            let Some(table) = sql.trim().strip_prefix("SELECT * FROM ") else {
                return Err(DbError(format!(
                    "this stand-in only runs SELECT * FROM: {sql}"
                )));
            };
            table_rows(&database, table.trim_end_matches(';'))
        }
    }
}

fn table_rows(database: &str, table: &str) -> Result<Vec<Record>, DbError> {
    use Value::{Int, Text};
    let rows = match (database, table) {
        ("testdb", "users") => vec![
            Record(vec![
                ("id", Int(1)),
                ("name", Text("Alice")),
                ("email", Text("alice@example.com")),
            ]),
            Record(vec![
                ("id", Int(2)),
                ("name", Text("Bob")),
                ("email", Text("bob@example.com")),
            ]),
            Record(vec![
                ("id", Int(3)),
                ("name", Text("Carol")),
                ("email", Text("carol@example.com")),
            ]),
        ],
        ("database", "mytable") => vec![
            Record(vec![("id", Int(1)), ("value", Text("first"))]),
            Record(vec![("id", Int(2)), ("value", Text("second"))]),
        ],
        _ => return Err(DbError(format!("relation \"{table}\" does not exist"))),
    };
    Ok(rows)
}
