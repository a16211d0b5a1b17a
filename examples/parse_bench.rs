//! The parse benchmark: how many MB of feed XML one core parses per second (parse, sanitize,
//! excerpts: everything `parse_feed` does), over every file in the given directories.
//! Run: `cargo run --release --example parse_bench DIR...` (e.g. `../shared/corpus/feeds`, or a
//! directory of feeds saved from `feedfarm.py`). `--rounds N` parses everything exactly N
//! times instead (for instruction counts under `valgrind --tool=callgrind`).

use std::time::{Duration, Instant};

use toluu::parse::parse_feed;

/// The allocator the `toluu` binary uses.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let fixed_rounds = args.iter().position(|a| a == "--rounds").map(|i| {
        let n = args.get(i + 1).and_then(|n| n.parse::<u32>().ok());
        let n = n.unwrap_or_else(|| panic!("--rounds takes a number"));
        args.drain(i..i + 2);
        n
    });
    let dirs = args;
    if dirs.is_empty() {
        eprintln!("usage: parse_bench DIR...");
        std::process::exit(2);
    }
    let mut feeds: Vec<(String, Vec<u8>)> = Vec::new();
    for dir in &dirs {
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("{dir}: {e}"))
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file())
            .collect();
        paths.sort();
        for path in paths {
            if let Ok(bytes) = std::fs::read(&path) {
                feeds.push((format!("https://bench.example/{}", path.display()), bytes));
            }
        }
    }
    let bytes: usize = feeds.iter().map(|(_, b)| b.len()).sum();
    let now = chrono::Utc::now();
    // Repeat until at least two seconds have passed (or the rounds asked for), on this thread.
    let (mut rounds, mut ok, mut elapsed) = (0, 0, Duration::ZERO);
    while fixed_rounds.map_or(elapsed < Duration::from_secs(2), |n| rounds < n) {
        let start = Instant::now();
        ok = feeds
            .iter()
            .filter(|(url, b)| parse_feed(b, url, now, usize::MAX).is_ok())
            .count();
        elapsed += start.elapsed();
        rounds += 1;
    }
    let mb = (bytes * rounds as usize) as f64 / 1e6;
    println!(
        "{} files ({ok} parsed), {:.1} MB, {rounds} rounds: {:.1} MB/s on one core",
        feeds.len(),
        bytes as f64 / 1e6,
        mb / elapsed.as_secs_f64()
    );
}
