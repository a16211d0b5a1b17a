//! The names of the cache directory's files: one per feed, named after its URL.

use sha2::{Digest, Sha256};

/// Whether a file of the cache directory named `name` is a feed's entry (not the fetch
/// records, not a temp file).
pub fn is_entry_file(name: &str) -> bool {
    name.ends_with(".json") && !name.starts_with('.')
}

/// The cache file name for a normalized URL: its host, for humans, and a hash, for uniqueness.
pub fn file_name_for(url: &str) -> String {
    let host = url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_else(|| "feed".to_owned());
    let host: String = host
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let digest = Sha256::digest(url.as_bytes());
    let hash = hex::encode(&digest[..6]);
    format!("{host}-{hash}.json")
}
