//! Querying PostgreSQL with asyncpg: "The Art of Concurrency: When and How
//! to Use AsyncIO in Python", *Advanced Patterns — Integrating AsyncIO with
//! External APIs*.
//!
//! The Python program connects to PostgreSQL at 127.0.0.1, fetches
//! `SELECT * FROM mytable` and prints each row. So does this port, against
//! a real PostgreSQL: asyncpg's `connect` / `fetch` / `close` are
//! tokio-postgres over our own `TcpStream` (`guide/pg.rs`; the `tokio-io`
//! feature gives our sockets the I/O traits tokio-postgres speaks), and
//! the connection is driven by one of our tasks. The server is the one
//! `DATABASE_URL` names, holding the table of [`SETUP`]:
//!
//! ```sh
//! psql "$DATABASE_URL" -c "CREATE TABLE mytable (id int PRIMARY KEY, value text); \
//!     INSERT INTO mytable VALUES (1, 'first'), (2, 'second')"
//! DATABASE_URL=postgres://user:password@127.0.0.1:5432/database \
//!     cargo run -p runtime --features tokio-io --example db_query
//! ```
//!
//! (`tests/tests/guide_db.rs` starts a throwaway server for it with
//! `tests::PgCluster`.) Each row prints as asyncpg's `Record` does:
//!
//! ```text
//! <Record id=1 value='first'>
//! <Record id=2 value='second'>
//! ```

#[path = "guide/console.rs"]
pub mod console;
use console::Console;

#[path = "guide/pg.rs"]
pub mod pg;
use pg::{Error, Record};

/// The table the program reads, as SQL.
pub const SETUP: &str = "CREATE TABLE mytable (id int PRIMARY KEY, value text); \
    INSERT INTO mytable VALUES (1, 'first'), (2, 'second')";

async fn query_db(database_url: &str) -> Result<Vec<Record>, Error> {
    let conn = pg::connect(database_url).await?;
    let values = conn.fetch("SELECT * FROM mytable").await?;
    conn.close().await?;
    Ok(values)
}

/// `async def main()`, on the database at `database_url`.
pub async fn program(out: Console, database_url: String) -> Result<(), Error> {
    let data = query_db(&database_url).await?;
    for row in data {
        out.print(row);
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
        eprintln!("db_query: {err}");
        std::process::exit(1);
    }
}
