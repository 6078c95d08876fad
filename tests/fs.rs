//! `mini_rt::fs`: each free function against std's view of the result,
//! directory listings longer than one batch, and `File`: reads, buffered
//! writes whose errors surface at flush or at the next operation, seeks
//! that account for read-ahead, and the std conversions.
//!
//! The runtime comes from `MINI_RT_BACKEND` (the suite runs once per
//! backend); files go through the blocking pool whatever the backend.

mod support;

use mini_rt::fs::{self, DirBuilder, File, OpenOptions};
use std::io::ErrorKind;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use support::{bounded, TempDir};

#[mini_rt::test]
async fn write_read_and_read_to_string_round_trip() {
    let dir = TempDir::new("fs");
    let path = dir.path("a.txt");
    bounded(5, fs::write(&path, "héllo")).await.unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), "héllo".as_bytes());
    assert_eq!(
        bounded(5, fs::read(&path)).await.unwrap(),
        "héllo".as_bytes()
    );
    assert_eq!(
        bounded(5, fs::read_to_string(&path)).await.unwrap(),
        "héllo"
    );
    // write replaces the whole file.
    bounded(5, fs::write(&path, b"x")).await.unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"x");
}

#[mini_rt::test]
async fn read_to_string_of_invalid_utf8_is_invalid_data() {
    let dir = TempDir::new("fs");
    let path = dir.path("bin");
    std::fs::write(&path, [0xff, 0xfe]).unwrap();
    let err = bounded(5, fs::read_to_string(&path)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidData);
}

#[mini_rt::test]
async fn missing_paths_give_the_plain_os_error() {
    let dir = TempDir::new("fs");
    let missing = dir.path("missing");
    for err in [
        bounded(5, fs::read(&missing)).await.unwrap_err(),
        bounded(5, fs::metadata(&missing)).await.unwrap_err(),
        bounded(5, fs::remove_file(&missing)).await.unwrap_err(),
        bounded(5, File::open(&missing)).await.unwrap_err(),
        bounded(5, fs::read_dir(&missing)).await.unwrap_err(),
    ] {
        assert_eq!(err.kind(), ErrorKind::NotFound);
        assert_eq!(err.raw_os_error(), Some(libc::ENOENT));
    }
}

#[mini_rt::test]
async fn copy_rename_and_remove_file() {
    let dir = TempDir::new("fs");
    let (a, b, c) = (dir.path("a"), dir.path("b"), dir.path("c"));
    std::fs::write(&a, b"12345").unwrap();
    assert_eq!(bounded(5, fs::copy(&a, &b)).await.unwrap(), 5);
    assert_eq!(std::fs::read(&b).unwrap(), b"12345");
    bounded(5, fs::rename(&b, &c)).await.unwrap();
    assert!(!b.exists());
    assert_eq!(std::fs::read(&c).unwrap(), b"12345");
    bounded(5, fs::remove_file(&c)).await.unwrap();
    assert!(!c.exists());
}

#[mini_rt::test]
async fn directories_are_created_and_removed() {
    let dir = TempDir::new("fs");
    let one = dir.path("one");
    bounded(5, fs::create_dir(&one)).await.unwrap();
    assert!(one.is_dir());
    let again = bounded(5, fs::create_dir(&one)).await.unwrap_err();
    assert_eq!(again.kind(), ErrorKind::AlreadyExists);
    let deep = dir.path("x/y/z");
    bounded(5, fs::create_dir_all(&deep)).await.unwrap();
    bounded(5, fs::create_dir_all(&deep)).await.unwrap(); // exists: fine
    assert!(deep.is_dir());
    std::fs::write(deep.join("f"), b"").unwrap();
    // remove_dir refuses a non-empty directory; remove_dir_all does not.
    let x = dir.path("x");
    assert!(bounded(5, fs::remove_dir(&x)).await.is_err());
    bounded(5, fs::remove_dir_all(&x)).await.unwrap();
    assert!(!x.exists());
    bounded(5, fs::remove_dir(&one)).await.unwrap();
    assert!(!one.exists());
}

#[mini_rt::test]
async fn dir_builder_recursive_and_mode() {
    let dir = TempDir::new("fs");
    let nested = dir.path("a/b");
    let err = bounded(5, DirBuilder::new().create(&nested))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    bounded(
        5,
        DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&nested),
    )
    .await
    .unwrap();
    let mode = std::fs::metadata(&nested).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o700);
}

#[mini_rt::test]
async fn links_metadata_and_canonicalize() {
    let dir = TempDir::new("fs");
    let target = dir.path("target");
    std::fs::write(&target, b"abc").unwrap();
    let link = dir.path("link");
    bounded(5, fs::symlink(&target, &link)).await.unwrap();
    assert_eq!(bounded(5, fs::read_link(&link)).await.unwrap(), target);
    // metadata follows the link, symlink_metadata does not.
    let followed = bounded(5, fs::metadata(&link)).await.unwrap();
    assert!(followed.is_file());
    assert_eq!(followed.len(), 3);
    let own = bounded(5, fs::symlink_metadata(&link)).await.unwrap();
    assert!(own.file_type().is_symlink());
    let canonical = bounded(5, fs::canonicalize(&link)).await.unwrap();
    assert_eq!(canonical, std::fs::canonicalize(&target).unwrap());
    // A hard link is the same inode, counted twice.
    let hard = dir.path("hard");
    bounded(5, fs::hard_link(&target, &hard)).await.unwrap();
    let meta = bounded(5, fs::metadata(&hard)).await.unwrap();
    assert_eq!(meta.ino(), followed.ino());
    assert_eq!(meta.nlink(), 2);
}

#[mini_rt::test]
async fn set_permissions_and_try_exists() {
    let dir = TempDir::new("fs");
    let path = dir.path("p");
    std::fs::write(&path, b"").unwrap();
    let perm = std::fs::Permissions::from_mode(0o604);
    bounded(5, fs::set_permissions(&path, perm)).await.unwrap();
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o604);
    assert!(bounded(5, fs::try_exists(&path)).await.unwrap());
    assert!(!bounded(5, fs::try_exists(dir.path("nope"))).await.unwrap());
    // A dangling symbolic link counts as missing.
    let dangling = dir.path("dangling");
    std::os::unix::fs::symlink(dir.path("nope"), &dangling).unwrap();
    assert!(!bounded(5, fs::try_exists(&dangling)).await.unwrap());
}

#[mini_rt::test]
async fn read_dir_lists_every_entry_across_batches() {
    let dir = TempDir::new("fs");
    // More than one batch of 32 entries.
    let mut expected: Vec<String> = (0..100).map(|i| format!("f{i:03}")).collect();
    for name in &expected {
        std::fs::write(dir.path(name), name).unwrap();
    }
    std::fs::create_dir(dir.path("sub")).unwrap();
    expected.push("sub".into());
    let mut entries = bounded(5, fs::read_dir(&dir.0)).await.unwrap();
    let mut seen = Vec::new();
    while let Some(entry) = bounded(5, entries.next_entry()).await.unwrap() {
        let name = entry.file_name().into_string().unwrap();
        assert_eq!(entry.path(), dir.path(&name));
        let file_type = entry.file_type().await.unwrap();
        let meta = bounded(5, entry.metadata()).await.unwrap();
        assert_eq!(file_type.is_dir(), name == "sub");
        assert_eq!(meta.is_dir(), name == "sub");
        assert_eq!(entry.ino(), meta.ino());
        seen.push(name);
    }
    // Done is done.
    assert!(bounded(5, entries.next_entry()).await.unwrap().is_none());
    seen.sort();
    assert_eq!(seen, expected);
}

#[mini_rt::test]
async fn open_options_create_new_append_and_truncate() {
    let dir = TempDir::new("fs");
    let path = dir.path("f");
    let mut opts = OpenOptions::new();
    opts.write(true).create_new(true);
    let file = bounded(5, opts.open(&path)).await.unwrap();
    drop(file);
    let err = bounded(5, opts.open(&path)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AlreadyExists);
    let err = bounded(5, File::create_new(&path)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AlreadyExists);

    use mini_rt::io::AsyncWriteExt;
    let mut append = bounded(5, OpenOptions::new().append(true).open(&path))
        .await
        .unwrap();
    append.write_all(b"one").await.unwrap();
    append.write_all(b"two").await.unwrap();
    bounded(5, append.flush()).await.unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"onetwo");
    let truncated = bounded(5, File::create(&path)).await.unwrap();
    assert_eq!(bounded(5, truncated.metadata()).await.unwrap().len(), 0);
}
