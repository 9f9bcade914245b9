//! `fs::File`: round trips, buffered small reads and writes, seeking in
//! every mode, read-then-write positions, drop without flush.
#![cfg(not(miri))]

use runtime::fs::{self, File};
use runtime::io::{AsyncBufReadExt, AsyncReadExt, AsyncSeekExt, AsyncWriteExt, BufReader};
use std::io::SeekFrom;
use tests::{current, multi, temp_path};

fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 31 % 251) as u8).collect()
}

#[test]
fn write_then_read_round_trip() {
    for rt in [current(), multi(2)] {
        let path = temp_path("roundtrip");
        rt.block_on(async {
            let data = pattern(1_000_000);
            let mut f = File::create(&path).await.unwrap();
            f.write_all(&data).await.unwrap();
            f.close().await.unwrap();
            assert_eq!(fs::metadata(&path).await.unwrap().len(), 1_000_000);

            let mut f = File::open(&path).await.unwrap();
            let mut back = Vec::new();
            f.read_to_end(&mut back).await.unwrap();
            assert!(back == data);
            assert_eq!(fs::read(&path).await.unwrap().len(), data.len());
        });
        std::fs::remove_file(&path).unwrap();
    }
}

#[test]
fn many_small_writes_and_reads() {
    let rt = multi(2);
    let path = temp_path("small");
    rt.block_on(async {
        let data = pattern(300_000);
        let mut f = File::create(&path).await.unwrap();
        for chunk in data.chunks(7) {
            f.write_all(chunk).await.unwrap();
        }
        f.flush().await.unwrap();
        let mut f = File::open(&path).await.unwrap();
        let mut back = Vec::new();
        let mut buf = [0u8; 5];
        loop {
            let n = f.read(&mut buf).await.unwrap();
            if n == 0 {
                break;
            }
            back.extend_from_slice(&buf[..n]);
        }
        assert!(back == data);
        // At end of file, reads keep returning 0.
        assert_eq!(f.read(&mut buf).await.unwrap(), 0);
    });
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn lines_through_a_buf_reader() {
    let rt = current();
    let path = temp_path("lines");
    rt.block_on(async {
        let text: String = (0..10_000).map(|i| format!("line {i}\n")).collect();
        fs::write(&path, &text).await.unwrap();
        let mut lines = BufReader::new(File::open(&path).await.unwrap()).lines();
        let mut n = 0;
        while let Some(line) = futures_lite::StreamExt::next(&mut lines).await {
            assert_eq!(line.unwrap(), format!("line {n}"));
            n += 1;
        }
        assert_eq!(n, 10_000);
    });
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn seek_in_every_mode() {
    let rt = current();
    let path = temp_path("seek");
    rt.block_on(async {
        fs::write(&path, b"0123456789").await.unwrap();
        let mut f = File::open(&path).await.unwrap();
        let mut two = [0u8; 2];
        assert_eq!(f.seek(SeekFrom::Start(3)).await.unwrap(), 3);
        f.read_exact(&mut two).await.unwrap();
        assert_eq!(&two, b"34");
        // The read fetched the whole file ahead; Current must still count
        // from the logical position (5), not the OS cursor (10).
        assert_eq!(f.seek(SeekFrom::Current(1)).await.unwrap(), 6);
        f.read_exact(&mut two).await.unwrap();
        assert_eq!(&two, b"67");
        assert_eq!(f.seek(SeekFrom::End(-1)).await.unwrap(), 9);
        f.read_exact(&mut [0u8; 1]).await.unwrap();
        assert_eq!(f.seek(SeekFrom::Current(0)).await.unwrap(), 10);
        assert!(f.seek(SeekFrom::Current(-100)).await.is_err());
    });
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn write_after_read_lands_at_the_logical_position() {
    let rt = current();
    let path = temp_path("rw");
    rt.block_on(async {
        fs::write(&path, b"abcdef").await.unwrap();
        let mut options = std::fs::OpenOptions::new();
        options.read(true).write(true);
        let mut f = File::open_with(&path, options).await.unwrap();
        let mut two = [0u8; 2];
        f.read_exact(&mut two).await.unwrap(); // buffer holds "abcdef"
        f.write_all(b"XY").await.unwrap(); // must overwrite "cd"
        f.read_exact(&mut two).await.unwrap(); // then read "ef"
        assert_eq!(&two, b"ef");
        f.close().await.unwrap();
        assert_eq!(fs::read(&path).await.unwrap(), b"abXYef");
    });
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn seek_flushes_buffered_writes() {
    let rt = current();
    let path = temp_path("seekflush");
    rt.block_on(async {
        let mut options = std::fs::OpenOptions::new();
        options.read(true).write(true).create(true).truncate(true);
        let mut f = File::open_with(&path, options).await.unwrap();
        f.write_all(b"hello world").await.unwrap();
        assert_eq!(f.seek(SeekFrom::Start(6)).await.unwrap(), 6);
        f.write_all(b"WORLD").await.unwrap();
        f.seek(SeekFrom::Start(0)).await.unwrap();
        let mut s = String::new();
        f.read_to_string(&mut s).await.unwrap();
        assert_eq!(s, "hello WORLD");
    });
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn dropping_a_file_with_buffered_writes_still_writes_them() {
    let path = temp_path("dropflush");
    {
        let rt = multi(1);
        rt.block_on(async {
            let mut f = File::create(&path).await.unwrap();
            f.write_all(b"written on drop").await.unwrap();
            drop(f); // no flush: handed to the blocking pool
        });
    } // the runtime's shutdown waits for its blocking pool
    assert_eq!(std::fs::read(&path).unwrap(), b"written on drop");
    // Outside any runtime, the drop writes in place.
    let f = {
        let rt = current();
        rt.block_on(async {
            let mut f = File::create(&path).await.unwrap();
            f.write_all(b"outside").await.unwrap();
            f
        })
    };
    drop(f);
    assert_eq!(std::fs::read(&path).unwrap(), b"outside");
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn file_metadata_set_len_sync_and_std() {
    let rt = current();
    let path = temp_path("meta");
    rt.block_on(async {
        let mut f = File::create(&path).await.unwrap();
        f.write_all(&pattern(1000)).await.unwrap();
        f.sync_all().await.unwrap();
        assert_eq!(f.metadata().await.unwrap().len(), 1000);
        f.set_len(10).await.unwrap();
        f.sync_data().await.unwrap();
        assert_eq!(f.metadata().await.unwrap().len(), 10);
        assert!(format!("{f:?}").contains("File"));
        let std_file = f.into_std().await.unwrap();
        assert_eq!(std_file.metadata().unwrap().len(), 10);
        let f = File::from_std(std_file);
        assert_eq!(f.metadata().await.unwrap().len(), 10);
    });
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn errors_are_io_errors() {
    let rt = current();
    rt.block_on(async {
        let err = File::open("/no/such/dir/file").await.unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
        // Writing to a file opened read-only fails when the buffer goes out.
        let mut f = File::open(std::env::current_exe().unwrap()).await.unwrap();
        f.write_all(b"nope").await.unwrap(); // buffered
        assert!(f.flush().await.is_err());
    });
    // No runtime: the error says so.
    let err = futures_lite::future::block_on(File::open("x")).unwrap_err();
    assert!(err.to_string().contains("outside of a runtime"), "{err}");
}
