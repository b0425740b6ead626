//! Fingerprints the code that turns statements into index records, so that an index written by
//! a build that split or stored passages differently is rebuilt rather than trusted; and links
//! the executable at a fixed address on Linux.

use std::path::{Path, PathBuf};

/// Everything whose change alters what ingest writes.
const INGEST_SOURCES: [&str; 4] = [
    "src/corpus",
    "src/index/schema.rs",
    "src/index/writer.rs",
    "src/country.rs",
];

fn main() {
    let mut files = Vec::new();
    for source in INGEST_SOURCES {
        println!("cargo:rerun-if-changed={source}");
        collect(Path::new(source), &mut files);
    }
    files.sort();
    // FNV-1a: tiny, and stable from one build to the next.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for file in files {
        let bytes = std::fs::read(&file).unwrap_or_default();
        for byte in file.to_string_lossy().bytes().chain(bytes) {
            hash ^= byte as u64;
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    println!("cargo:rustc-env=VERBATIM_INGEST_FINGERPRINT={hash:016x}");

    // A position-independent executable has its 1.1 MB of static pointers (tables of names,
    // panic locations, vtables) rewritten by the loader at every start: about 280 pages copied
    // on write, 1.3 ms of every command's 3 ms start-up. Linked at a fixed address they are
    // read only where used. Shared libraries, the heap and the stack stay randomised.
    let target_os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let target_env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if target_os == "linux" && target_env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}

fn collect(path: &Path, files: &mut Vec<PathBuf>) {
    if path.is_dir() {
        for entry in std::fs::read_dir(path).into_iter().flatten().flatten() {
            collect(&entry.path(), files);
        }
    } else if path.extension().is_some_and(|ext| ext == "rs") {
        files.push(path.to_path_buf());
    }
}
