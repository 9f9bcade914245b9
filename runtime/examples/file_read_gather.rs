//! Reading three files at once: "The Art of Concurrency: When and How to
//! Use AsyncIO in Python", *Concurrent I/O with AsyncIO — File I/O Example*
//! (aiofiles).
//!
//! ```sh
//! cargo run --example file_read_gather -- some/dir   # reads dir/file1.txt, file2.txt, file3.txt
//! cargo run --example file_read_gather               # writes three sample files first
//! ```
//!
//! One task per file (`runtime::spawn`), gathered in order.
//! `aiofiles.open(path, 'r')` is `runtime::fs::File::open`, which runs the
//! file system calls on the blocking pool, as aiofiles does; the file is
//! closed when dropped, at the end of `read_file`. The guide reads
//! `file1.txt`..`file3.txt` from the working directory; this port reads
//! them from the directory given, or writes three samples into a temporary
//! directory and reads those. Prints the first 50 characters of each, as
//! the Python program does:
//!
//! ```text
//! The first file: it is read concurrently with the ...
//! ...
//! ```

use runtime::fs::File;
use runtime::io::AsyncReadExt;
use std::io;
use std::path::{Path, PathBuf};

#[path = "guide/console.rs"]
pub mod console;
use console::Console;

async fn read_file(path: PathBuf) -> io::Result<String> {
    let mut f = File::open(path).await?;
    let mut contents = String::new();
    f.read_to_string(&mut contents).await?;
    Ok(contents)
}

/// `async def main()`, reading the files in `dir`.
pub async fn program(out: Console, dir: PathBuf) -> io::Result<()> {
    let tasks = vec![
        runtime::spawn(read_file(dir.join("file1.txt"))),
        runtime::spawn(read_file(dir.join("file2.txt"))),
        runtime::spawn(read_file(dir.join("file3.txt"))),
    ];
    let contents = runtime::task::gather(tasks).await;
    let contents = contents
        .into_iter()
        .map(|result| result.expect("read_file panicked"))
        .collect::<io::Result<Vec<String>>>()?; // the first error, as gather raises it

    for content in contents {
        let start: String = content.chars().take(50).collect(); // content[:50]
        out.print(format!("{start}..."));
    }
    Ok(())
}

/// Writes three sample files into `dir`.
async fn write_samples(dir: &Path) -> io::Result<()> {
    runtime::fs::create_dir_all(dir).await?;
    for (name, text) in [
        (
            "file1.txt",
            "The first file: it is read concurrently with the other two.\n",
        ),
        (
            "file2.txt",
            "The second file, read on the blocking pool, like aiofiles does.\n",
        ),
        (
            "file3.txt",
            "The third file. Only the first fifty characters are printed.\n",
        ),
    ] {
        runtime::fs::write(dir.join(name), text).await?;
    }
    Ok(())
}

// asyncio runs every task on one thread; so does a current_thread runtime.
#[runtime::main(flavor = "current_thread")]
async fn main() -> io::Result<()> {
    let dir = match std::env::args_os().nth(1) {
        Some(dir) => PathBuf::from(dir),
        None => {
            let dir = std::env::temp_dir().join("file_read_gather");
            write_samples(&dir).await?;
            dir
        }
    };
    program(Console::stdout(), dir).await // asyncio.run(main())
}
