//! The discovery benchmark: 100,000 people following 50 feeds each out of 200,000 feeds with
//! Zipf-like popularity, then every suggestion, related feed and similar person.
//! Run: `cargo run --release --example discover_bench [PEOPLE] [FOLLOWS] [FEEDS]`.

use std::time::Instant;

use toluu::index::discover::{Community, DiscoverConfig, FeedContent, discover};

/// splitmix64: a small, fixed pseudo-random generator (the input is the same on every run).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let people = args.first().copied().unwrap_or(100_000);
    let follows = args.get(1).copied().unwrap_or(50);
    let feeds = args.get(2).copied().unwrap_or(200_000);

    // Zipf(s = 1) over feed ranks, drawn by inverting the cumulative weights.
    let started = Instant::now();
    let mut cumulative = Vec::with_capacity(feeds);
    let mut total = 0.0;
    for rank in 1..=feeds {
        total += 1.0 / rank as f64;
        cumulative.push(total);
    }
    let mut rng = Rng(42);
    let lists: Vec<Vec<u32>> = (0..people)
        .map(|_| {
            let mut list: Vec<u32> = Vec::with_capacity(follows);
            while list.len() < follows {
                let x = rng.unit() * total;
                let f = cumulative.partition_point(|&c| c < x).min(feeds - 1) as u32;
                if !list.contains(&f) {
                    list.push(f);
                }
            }
            list
        })
        .collect();
    let community = Community {
        lists,
        feeds: vec![FeedContent::default(); feeds],
    };
    let generated = started.elapsed();
    let most = {
        let mut readers = vec![0u32; feeds];
        for l in &community.lists {
            for &f in l {
                readers[f as usize] += 1;
            }
        }
        readers.iter().copied().max().unwrap_or(0)
    };

    let started = Instant::now();
    let d = discover(&community, &DiscoverConfig::default());
    let elapsed = started.elapsed();
    let suggestions: usize = d.suggestions.iter().map(Vec::len).sum();
    let related: usize = d.related.iter().map(Vec::len).sum();
    let similar: usize = d.similar.iter().map(Vec::len).sum();
    println!(
        "{people} people x {follows} follows, {feeds} feeds (most read: {most} readers), generated in {:.2} s",
        generated.as_secs_f64()
    );
    println!(
        "discovery: {:.2} s on {} threads: {suggestions} suggestions, {related} related feeds, {similar} similar people",
        elapsed.as_secs_f64(),
        rayon::current_num_threads()
    );
}
