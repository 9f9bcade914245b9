//! One-shot fs functions and `read_dir`.
#![cfg(not(miri))]

use futures_lite::StreamExt;
use runtime::fs;
use std::io::ErrorKind;
use tests::{current, multi, temp_path};

#[test]
fn one_shot_round_trips() {
    let rt = multi(2);
    let dir = temp_path("ops");
    rt.block_on(async {
        fs::create_dir_all(dir.join("a/b")).await.unwrap();
        fs::create_dir_all(dir.join("a/b")).await.unwrap(); // exists: fine
        assert!(fs::metadata(dir.join("a/b")).await.unwrap().is_dir());
        let file = dir.join("a/b/f.txt");
        fs::write(&file, "héllo").await.unwrap();
        assert_eq!(fs::read_to_string(&file).await.unwrap(), "héllo");
        assert_eq!(fs::read(&file).await.unwrap(), "héllo".as_bytes());
        assert_eq!(fs::copy(&file, dir.join("copy")).await.unwrap(), 6);
        fs::rename(dir.join("copy"), dir.join("moved"))
            .await
            .unwrap();
        assert!(fs::try_exists(dir.join("moved")).await.unwrap());
        assert!(!fs::try_exists(dir.join("copy")).await.unwrap());
        assert!(fs::canonicalize(&file).await.unwrap().is_absolute());
        fs::remove_file(&file).await.unwrap();
        let err = fs::remove_file(&file).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotFound);
        let err = fs::metadata(&file).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotFound);
        fs::create_dir(dir.join("empty")).await.unwrap();
        fs::remove_dir(dir.join("empty")).await.unwrap();
        // Not UTF-8: an InvalidData error, not a panic.
        fs::write(dir.join("bin"), [0xff, 0xfe]).await.unwrap();
        let err = fs::read_to_string(dir.join("bin")).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidData);
        fs::remove_dir_all(&dir).await.unwrap();
        assert!(!fs::try_exists(&dir).await.unwrap());
    });
}

#[test]
fn read_dir_streams_every_entry_in_batches() {
    let rt = multi(2);
    let dir = temp_path("readdir");
    rt.block_on(async {
        fs::create_dir_all(&dir).await.unwrap();
        // More than three batches of 32.
        for i in 0..100 {
            fs::write(dir.join(format!("f{i:03}")), [i as u8])
                .await
                .unwrap();
        }
        fs::create_dir(dir.join("sub")).await.unwrap();
        let mut names = Vec::new();
        let mut entries = fs::read_dir(&dir).await.unwrap();
        while let Some(entry) = entries.next().await {
            let entry = entry.unwrap();
            assert_eq!(entry.path(), dir.join(entry.file_name()));
            let is_dir = entry.file_type().await.unwrap().is_dir();
            assert_eq!(is_dir, entry.file_name() == "sub");
            if !is_dir {
                assert_eq!(entry.metadata().await.unwrap().len(), 1);
            }
            names.push(entry.file_name().into_string().unwrap());
        }
        assert!(entries.next().await.is_none(), "stays finished");
        names.sort();
        let mut expected: Vec<String> = (0..100).map(|i| format!("f{i:03}")).collect();
        expected.push("sub".into());
        assert_eq!(names, expected);

        let mut entries = fs::read_dir(dir.join("sub")).await.unwrap();
        assert!(entries.next_entry().await.unwrap().is_none());
        assert!(format!("{entries:?}").contains("ReadDir"));
        fs::remove_dir_all(&dir).await.unwrap();
    });
}

#[test]
fn read_dir_of_a_missing_directory_fails() {
    let rt = current();
    rt.block_on(async {
        let err = fs::read_dir(temp_path("nothere")).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotFound);
    });
}
