//! The file, HTTP and database programs of the asyncio guides, ported in
//! `runtime/examples/` (the network ones against local stand-ins): what
//! they print and how long they take, on a paused clock (see
//! `tests/src/guide.rs`).

// Each example brings its own copy of `runtime/examples/guide/console.rs`.
#![allow(clippy::duplicate_mod)]

use tests::{lines, run_guide, secs, temp_path};

#[path = "../../runtime/examples/file_read.rs"]
#[allow(dead_code)] // its `main`
mod file_read;

#[path = "../../runtime/examples/http_fetch.rs"]
#[allow(dead_code)]
mod http_fetch;

#[path = "../../runtime/examples/db_fetch_users.rs"]
#[allow(dead_code)]
mod db_fetch_users;

#[test]
fn file_read_prints_the_contents() {
    let path = temp_path("guide-example.txt");
    std::fs::write(&path, "first line\nsecond line\n").unwrap();
    let run = run_guide!(file_read::program(path.clone()));
    std::fs::remove_file(&path).unwrap();
    run.output.unwrap();
    // print(contents) adds a newline after the file's own.
    assert_eq!(run.printed, "first line\nsecond line\n\n");
}

#[test]
fn file_read_of_a_missing_file_fails() {
    let run = run_guide!(file_read::program(temp_path("guide-missing.txt")));
    let err = run.output.unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
    assert_eq!(run.printed, "");
}

#[test]
fn http_fetch_prints_the_stand_in_page() {
    let run = run_guide!(http_fetch::program());
    run.output.unwrap();
    // One request to the stand-in, which answers after 100 ms.
    assert_eq!(run.took, secs(0.1));
    assert!(
        run.printed.starts_with("<!doctype html>\n"),
        "{}",
        run.printed
    );
    assert!(run.printed.contains("<title>Example Domain</title>"));
    assert!(run.printed.ends_with("</html>\n\n"));
}

#[test]
fn db_fetch_users_prints_each_record() {
    let run = run_guide!(db_fetch_users::program());
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
