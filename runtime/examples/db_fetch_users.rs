//! A database query with asyncpg: "Asynchronous Programming with Asyncio",
//! *Further Learning — 2. Asynchronous Database Operations with asyncpg*.
//!
//! The Python program connects to PostgreSQL at 127.0.0.1, fetches
//! `SELECT * FROM users` and prints each row. So does this port, against a
//! real PostgreSQL: asyncpg's `connect` / `fetch` / `close` are
//! tokio-postgres over our own `TcpStream` (`guide/pg.rs`; the `tokio-io`
//! feature gives our sockets the I/O traits tokio-postgres speaks), and
//! the connection is driven by one of our tasks. The server is the one
//! `DATABASE_URL` names, holding the table of [`SETUP`]:
//!
//! ```sh
//! psql "$DATABASE_URL" -c "CREATE TABLE users (id int PRIMARY KEY, name text, email text); \
//!     INSERT INTO users VALUES (1, 'Alice', 'alice@example.com'), \
//!     (2, 'Bob', 'bob@example.com'), (3, 'Carol', 'carol@example.com')"
//! DATABASE_URL=postgres://user:password@127.0.0.1:5432/testdb \
//!     cargo run -p runtime --features tokio-io --example db_fetch_users
//! ```
//!
//! (`tests/tests/guide_db.rs` starts a throwaway server for it with
//! `tests::PgCluster`.) Each row prints as asyncpg's `Record` does:
//!
//! ```text
//! <Record id=1 name='Alice' email='alice@example.com'>
//! <Record id=2 name='Bob' email='bob@example.com'>
//! <Record id=3 name='Carol' email='carol@example.com'>
//! ```

#[path = "guide/console.rs"]
pub mod console;
use console::Console;

#[path = "guide/pg.rs"]
pub mod pg;
use pg::{Error, Record};

/// The table the program reads, as SQL.
pub const SETUP: &str = "CREATE TABLE users (id int PRIMARY KEY, name text, email text); \
    INSERT INTO users VALUES (1, 'Alice', 'alice@example.com'), \
    (2, 'Bob', 'bob@example.com'), (3, 'Carol', 'carol@example.com')";

async fn fetch_users(database_url: &str) -> Result<Vec<Record>, Error> {
    let conn = pg::connect(database_url).await?;
    let rows = conn.fetch("SELECT * FROM users").await?;
    conn.close().await?;
    Ok(rows)
}

/// `async def main()`, on the database at `database_url`.
pub async fn program(out: Console, database_url: String) -> Result<(), Error> {
    let users = fetch_users(&database_url).await?;
    for user in users {
        out.print(user);
    }
    Ok(())
}

// asyncio runs every task on one thread; so does a current_thread runtime.
#[runtime::main(flavor = "current_thread")]
async fn main() {
    let result = match pg::database_url() {
        Ok(url) => program(Console::stdout(), url).await, // asyncio.run(main())
        Err(err) => Err(err),
    };
    if let Err(err) = result {
        eprintln!("db_fetch_users: {err}");
        std::process::exit(1);
    }
}
