//! Splitting the fetch across machines: `toluu fetch --shard K/N` refreshes a deterministic
//! 1/N of the feeds into a state directory, and `toluu build --offline --merge-state DIR…`
//! merges the shards' state into the site's before building.

use std::fs;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::refresh::cache::{Cache, CacheEntry, is_entry_file};

/// One shard of N: `index` counts from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// Which shard, 1 to `count`.
    pub index: u64,
    /// How many shards in all.
    pub count: u64,
}

impl Shard {
    /// Parses `K/N` (1 ≤ K ≤ N).
    pub fn parse(text: &str) -> Result<Shard, String> {
        let bad = || format!("shard '{text}': expected K/N with 1 <= K <= N, e.g. 2/4");
        let (k, n) = text.split_once('/').ok_or_else(bad)?;
        let index: u64 = k.trim().parse().map_err(|_| bad())?;
        let count: u64 = n.trim().parse().map_err(|_| bad())?;
        if count == 0 || index == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }

    /// Whether the feed `url` (normalized) belongs to this shard: a hash of the URL, so the
    /// split is even, the same on every machine, and a feed stays in its shard as lists grow.
    pub fn contains(&self, url: &str) -> bool {
        let digest = Sha256::digest(url.as_bytes());
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        u64::from_be_bytes(first) % self.count == self.index - 1
    }
}

/// Merges the cache files of `dirs` into `cache`: for each feed, the entry fetched last wins
/// (ties keep what is already there). Returns warnings about files that could not be used.
pub fn merge_into(cache: &Cache, dirs: &[impl AsRef<Path>]) -> Result<Vec<String>, String> {
    let mut warnings = Vec::new();
    for dir in dirs {
        let dir = dir.as_ref();
        let shard = Cache::new(dir);
        let mut files: Vec<_> = fs::read_dir(dir)
            .map_err(|e| format!("{}: cannot read the state directory: {e}", dir.display()))?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(is_entry_file)
            })
            .collect();
        files.sort();
        for path in files {
            let entry: CacheEntry = match shard.read_entry(&path) {
                Ok(Some(entry)) => entry,
                Ok(None) => continue,
                Err(e) => {
                    warnings.push(format!("{e}; not merged"));
                    continue;
                }
            };
            let current = cache.load(&entry.url).ok().flatten();
            if current.is_none_or(|c| c.fetch.fetched_at < entry.fetch.fetched_at) {
                cache.store(&entry).map_err(|e| {
                    format!(
                        "{}: cannot write: {e}",
                        cache.path_for(&entry.url).display()
                    )
                })?;
            }
        }
    }
    cache.write_records()?;
    Ok(warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_partition_the_feeds() {
        assert!(Shard::parse("0/3").is_err());
        assert!(Shard::parse("4/3").is_err());
        assert!(Shard::parse("x").is_err());
        let shards: Vec<Shard> = (1..=3)
            .map(|k| Shard::parse(&format!("{k}/3")).unwrap())
            .collect();
        let mut sizes = [0; 3];
        for i in 0..300 {
            let url = format!("https://feeds.example/{i}.xml");
            let owners: Vec<usize> = (0..3).filter(|&s| shards[s].contains(&url)).collect();
            assert_eq!(owners.len(), 1, "{url} in exactly one shard");
            sizes[owners[0]] += 1;
        }
        assert!(sizes.iter().all(|&n| n > 70), "roughly even: {sizes:?}");
    }
}
