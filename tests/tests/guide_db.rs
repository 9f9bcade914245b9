//! The asyncpg programs of the asyncio guides (`db_fetch_users`,
//! `db_query` in `runtime/examples/`), run against a real PostgreSQL: each
//! test starts a throwaway cluster (`tests::PgCluster`: initdb into a temp
//! dir, a free loopback port, stopped and removed at the end), creates the
//! guide's user, database and table, and checks what the program prints.
//! Without PostgreSQL installed they fail, saying how to install it.
#![cfg(not(miri))]
// Each example brings its own copy of `runtime/examples/guide/*.rs`.
#![allow(clippy::duplicate_mod)]

use tests::{PgCluster, lines, run_guide};

#[path = "../../runtime/examples/db_fetch_users.rs"]
#[allow(dead_code)] // its `main`
mod db_fetch_users;

#[path = "../../runtime/examples/db_query.rs"]
#[allow(dead_code)]
mod db_query;

#[test]
fn db_fetch_users_prints_each_record() {
    let pg = PgCluster::start();
    // asyncpg.connect(user='user', password='password', database='testdb', host='127.0.0.1')
    let url = pg.create_database("user", "password", "testdb");
    pg.psql("user", "testdb", db_fetch_users::SETUP);
    let run = run_guide!(db_fetch_users::program(url));
    run.output.unwrap();
    assert_eq!(
        run.printed,
        lines(&[
            "<Record id=1 name='Alice' email='alice@example.com'>",
            "<Record id=2 name='Bob' email='bob@example.com'>",
            "<Record id=3 name='Carol' email='carol@example.com'>",
        ])
    );
}

#[test]
fn db_query_prints_each_row() {
    let pg = PgCluster::start();
    let url = pg.create_database("user", "password", "database");
    pg.psql("user", "database", db_query::SETUP);
    let run = run_guide!(db_query::program(url));
    run.output.unwrap();
    assert_eq!(
        run.printed,
        lines(&[
            "<Record id=1 value='first'>",
            "<Record id=2 value='second'>"
        ])
    );
}

#[test]
fn a_wrong_password_is_the_servers_error() {
    let pg = PgCluster::start();
    pg.create_database("user", "password", "testdb");
    let url = pg.url_for("user", "not the password", "testdb");
    let run = run_guide!(db_fetch_users::program(url));
    let err = run.output.unwrap_err().to_string();
    assert!(
        err.contains("password authentication failed for user \"user\""),
        "{err}"
    );
    assert_eq!(run.printed, "");
}
