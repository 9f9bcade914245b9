//! A database query with asyncpg: "Asynchronous Programming with Asyncio",
//! *Further Learning — 2. Asynchronous Database Operations with asyncpg*.
//!
//! ```sh
//! cargo run --example db_fetch_users
//! ```
//!
//! The Python program connects to PostgreSQL at 127.0.0.1, fetches
//! `SELECT * FROM users` and prints each row. This port needs no database:
//! it starts an in-memory stand-in first (`guide/db.rs`: a task that owns
//! the tables and answers queries sent over a `runtime::sync::Queue`), with
//! asyncpg's `connect`, `fetch` and `close`. Each row prints as asyncpg's
//! `Record` does:
//!
//! ```text
//! <Record id=1 name='Alice' email='alice@example.com'>
//! <Record id=2 name='Bob' email='bob@example.com'>
//! <Record id=3 name='Carol' email='carol@example.com'>
//! ```

#[path = "guide/console.rs"]
pub mod console;
use console::Console;

#[path = "guide/db.rs"]
mod db;
use db::{DbError, Record};

async fn fetch_users(postgres: &db::Server) -> Result<Vec<Record>, DbError> {
    let conn = db::connect(postgres, "user", "password", "testdb").await?;
    let rows = conn.fetch("SELECT * FROM users").await?;
    conn.close().await;
    Ok(rows)
}

/// `async def main()`.
pub async fn program(out: Console) -> Result<(), DbError> {
    // The stand-in for the PostgreSQL server at 127.0.0.1.
    let postgres = db::Server::start();

    let users = fetch_users(&postgres).await?;
    for user in users {
        out.print(user);
    }
    Ok(())
}

// asyncio runs every task on one thread; so does a current_thread runtime.
#[runtime::main(flavor = "current_thread")]
async fn main() -> Result<(), DbError> {
    program(Console::stdout()).await // asyncio.run(main())
}
