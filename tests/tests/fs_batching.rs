//! `fs::File` does not make one trip to the OS per small read or write: it
//! reads ahead in 64 KiB chunks and writes behind through a 64 KiB buffer.
//! Counted with the process's read/write syscall counters
//! (`/proc/self/io`), so this test is alone in its binary.
#![cfg(not(miri))]

use runtime::fs::File;
use runtime::io::{AsyncReadExt, AsyncWriteExt};
use tests::{multi, temp_path};

/// `(syscr, syscw)`: read and write syscalls made by this process so far.
fn syscalls() -> (u64, u64) {
    let io = std::fs::read_to_string("/proc/self/io").expect("/proc/self/io");
    let field = |name: &str| {
        io.lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or_else(|| panic!("{name} in /proc/self/io"))
    };
    (field("syscr:"), field("syscw:"))
}

#[test]
fn small_reads_and_writes_are_batched() {
    const BYTES: usize = 1_000_000;
    let rt = multi(2);
    let path = temp_path("batching");
    rt.block_on(async {
        let (_, w0) = syscalls();
        let mut f = File::create(&path).await.unwrap();
        for i in 0..BYTES {
            f.write_all(&[i as u8]).await.unwrap();
        }
        f.close().await.unwrap();
        let (_, w1) = syscalls();
        // 1,000,000 one-byte writes; about 16 writes of 64 KiB reach the OS.
        let writes = w1 - w0;
        assert!(
            writes < 100,
            "{writes} write syscalls for {BYTES} 1-byte writes"
        );

        let (r0, _) = syscalls();
        let mut f = File::open(&path).await.unwrap();
        let mut byte = [0u8; 1];
        for i in 0..BYTES {
            f.read_exact(&mut byte).await.unwrap();
            assert_eq!(byte[0], i as u8);
        }
        let (r1, _) = syscalls();
        let reads = r1 - r0;
        assert!(
            reads < 100,
            "{reads} read syscalls for {BYTES} 1-byte reads"
        );
    });
    std::fs::remove_file(&path).unwrap();
}
