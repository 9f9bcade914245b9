//! Querying PostgreSQL with asyncpg: "The Art of Concurrency: When and How
//! to Use AsyncIO in Python", *Advanced Patterns — Integrating AsyncIO with
//! External APIs*.
//!
//! ```sh
//! cargo run --example db_query
//! ```
//!
//! The Python program connects to PostgreSQL at 127.0.0.1, fetches
//! `SELECT * FROM mytable` and prints each row. This port needs no database:
//! it starts an in-memory stand-in first (`guide/db.rs`: a task that owns
//! the tables and answers queries sent over a `runtime::sync::Queue`), with
//! asyncpg's `connect`, `fetch` and `close`. Each row prints as asyncpg's
//! `Record` does:
//!
//! ```text
//! <Record id=1 value='first'>
//! <Record id=2 value='second'>
//! ```

#[path = "guide/console.rs"]
pub mod console;
use console::Console;

#[path = "guide/db.rs"]
mod db;
use db::{DbError, Record};

async fn query_db(postgres: &db::Server) -> Result<Vec<Record>, DbError> {
    let conn = db::connect(postgres, "user", "password", "database").await?;
    let values = conn.fetch("SELECT * FROM mytable").await?;
    conn.close().await;
    Ok(values)
}

/// `async def main()`.
pub async fn program(out: Console) -> Result<(), DbError> {
    // The stand-in for the PostgreSQL server at 127.0.0.1.
    let postgres = db::Server::start();

    let data = query_db(&postgres).await?;
    for row in data {
        out.print(row);
    }
    Ok(())
}

// asyncio runs every task on one thread; so does a current_thread runtime.
#[runtime::main(flavor = "current_thread")]
async fn main() -> Result<(), DbError> {
    program(Console::stdout()).await // asyncio.run(main())
}
