//! The file and HTTP programs of the asyncio guides, ported in
//! `runtime/examples/` (the network ones against local stand-ins; the
//! database ones are in `guide_db.rs`): what
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

#[path = "../../runtime/examples/fetch_urls.rs"]
#[allow(dead_code)]
mod fetch_urls;

#[path = "../../runtime/examples/file_read_gather.rs"]
#[allow(dead_code)]
mod file_read_gather;

#[test]
fn fetch_urls_fetches_the_three_sites_at_once() {
    let run = run_guide!(fetch_urls::program());
    run.output.unwrap();
    // Three 100 ms requests in flight together.
    assert_eq!(run.took, secs(0.1));
    let starts: Vec<&str> = run
        .printed
        .lines()
        .filter(|l| l.starts_with("Content"))
        .collect();
    assert_eq!(
        starts,
        [
            "Content from https://example.com: <!doctype html>",
            "Content from https://httpbin.org: <!DOCTYPE html>",
            "Content from https://python.org: <!doctype html>",
        ]
    );
    // content[:60], then "...".
    assert!(run.printed.contains("    <title>Example Domain</tit...\n"));
    assert_eq!(run.printed.matches("...\n").count(), 3);
}

#[test]
fn file_read_gather_prints_the_start_of_each_file_in_order() {
    let dir = temp_path("guide-files");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("file1.txt"), "one\n").unwrap();
    std::fs::write(dir.join("file2.txt"), "x".repeat(80)).unwrap();
    std::fs::write(
        dir.join("file3.txt"),
        "three: ünïcödé, cut by characters, not bytes: abcdef",
    )
    .unwrap();
    let run = run_guide!(file_read_gather::program(dir.clone()));
    std::fs::remove_dir_all(&dir).unwrap();
    run.output.unwrap();
    assert_eq!(
        run.printed,
        lines(&[
            "one\n...",
            &format!("{}...", "x".repeat(50)),
            "three: ünïcödé, cut by characters, not bytes: abcd...",
        ])
    );
}

#[test]
fn file_read_gather_fails_on_a_missing_file() {
    let run = run_guide!(file_read_gather::program(temp_path("guide-no-such-dir")));
    assert_eq!(run.output.unwrap_err().kind(), std::io::ErrorKind::NotFound);
    assert_eq!(run.printed, "");
}
