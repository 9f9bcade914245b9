//! Reading a file: "Asynchronous Programming with Asyncio", *Asynchronous
//! Context Managers — Example: Asynchronous File Handling* (aiofiles).
//!
//! ```sh
//! cargo run --example file_read -- path/to/example.txt
//! cargo run --example file_read      # writes a sample example.txt first
//! ```
//!
//! `async with aiofiles.open(path, mode='r') as f: contents = await
//! f.read()` is `runtime::fs::File::open(path).await?` and
//! `read_to_string`; the file is closed when `f` is dropped, at the end of
//! its block. Like aiofiles, the file system calls run on the blocking
//! pool. The guide reads `example.txt` from the working directory; without
//! an argument this port writes a sample one into the temporary directory
//! and reads that. It prints the contents, as the Python program does.

use runtime::fs::File;
use runtime::io::AsyncReadExt;
use std::io;
use std::path::{Path, PathBuf};

#[path = "guide/console.rs"]
pub mod console;
use console::Console;

async fn read_file(out: &Console, file_path: &Path) -> io::Result<()> {
    let mut f = File::open(file_path).await?;
    let mut contents = String::new();
    f.read_to_string(&mut contents).await?;
    out.print(contents);
    Ok(())
}

/// `async def main()`, with the file to read.
pub async fn program(out: Console, file_path: PathBuf) -> io::Result<()> {
    read_file(&out, &file_path).await
}

// asyncio runs every task on one thread; so does a current_thread runtime.
#[runtime::main(flavor = "current_thread")]
async fn main() -> io::Result<()> {
    let file_path = match std::env::args_os().nth(1) {
        Some(path) => PathBuf::from(path),
        None => {
            let sample = std::env::temp_dir().join("example.txt");
            runtime::fs::write(
                &sample,
                "Hello from example.txt!\nRead without blocking the loop.\n",
            )
            .await?;
            sample
        }
    };
    program(Console::stdout(), file_path).await // asyncio.run(main())
}
