//! Results a build would compute again from the same inputs, kept in the state between builds
//! (`.toluu/memo/`): discovery, from who reads what and what the feeds are about, and each
//! feed's posts' links, from its posts. A build whose lists changed but not what these are
//! computed from (a bio edited, say) reads them back instead of computing them.
//!
//! Each result is kept under a SHA-256 of everything it is computed from, with toluu's version
//! and the running binary's size and time (so that a rebuilt toluu computes afresh): a result
//! is used only for the very inputs it came from, and gives what computing it would. A memo
//! file that is missing, cut short or from another version is computed again; memo files are
//! written through a rename (a killed build leaves the old file or the new one) and only by a
//! build that holds the site's lock. Nothing here changes what a build outputs, only how soon.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::index::SiteIndex;
use crate::index::discover::{Community, DiscoverConfig, Discovery};
use crate::index::links::{FeedPostLinks, PostLinks, feed_links, feed_links_key};

/// The state's folder of memo files.
pub(crate) const DIR: &str = "memo";
const DISCOVERY: &str = "discovery.json";
const LINKS: &str = "links.json";

/// Where a build keeps its results, and whether it may write there.
pub(crate) struct Memo {
    dir: PathBuf,
    writes: bool,
    /// What every key starts from: the memo format, toluu's version, the binary.
    salt: [u8; 32],
}

/// The discovery memo file.
#[derive(Serialize, Deserialize)]
struct KeptDiscovery {
    key: String,
    discovery: Discovery,
}

/// The posts' links memo file: each feed's links by its key.
#[derive(Deserialize, Default)]
struct KeptLinks {
    feeds: Vec<(String, FeedPostLinks)>,
}

/// [`KeptLinks`] as it is written, from the links the build holds (not a copy of them).
#[derive(Serialize)]
struct KeptLinksOf<'a> {
    feeds: Vec<(&'a str, &'a FeedPostLinks)>,
}

impl Memo {
    /// The memo of the state directory `state_dir`, written only when `writes`.
    pub(crate) fn new(state_dir: &Path, writes: bool) -> Memo {
        Memo {
            dir: state_dir.join(DIR),
            writes,
            salt: salt(),
        }
    }

    /// What [`crate::index::discover::discover`] gives for `community` and `config`: kept from
    /// an earlier build for the same input, or computed (and kept).
    pub(crate) fn discovery(&self, community: &Community, config: &DiscoverConfig) -> Discovery {
        let key = hex(&discovery_key(&self.salt, community, config));
        let path = self.dir.join(DISCOVERY);
        if let Some(kept) = read::<KeptDiscovery>(&path)
            && kept.key == key
        {
            return kept.discovery;
        }
        let discovery = crate::index::discover::discover(community, config);
        let kept = KeptDiscovery { key, discovery };
        self.write(&path, &kept);
        kept.discovery
    }

    /// What [`crate::index::links::post_links`] gives for `index`: each feed's part kept from
    /// an earlier build for the same feed, or read from its posts.
    pub(crate) fn post_links(&self, index: &SiteIndex) -> PostLinks {
        let path = self.dir.join(LINKS);
        let mut kept: HashMap<String, FeedPostLinks> = read::<KeptLinks>(&path)
            .unwrap_or_default()
            .feeds
            .into_iter()
            .collect();
        let keys: Vec<String> = index
            .feeds
            .par_iter()
            .map(|feed| {
                let mut h = Sha256::new();
                h.update(self.salt);
                h.update(feed_links_key(feed));
                hex(&h.finalize().into())
            })
            .collect();
        let found: Vec<Option<FeedPostLinks>> = keys.iter().map(|k| kept.remove(k)).collect();
        let all_kept = found.iter().all(Option::is_some) && kept.is_empty();
        let feeds: Vec<FeedPostLinks> = found
            .into_par_iter()
            .zip(&index.feeds)
            .map(|(found, feed)| found.unwrap_or_else(|| feed_links(feed)))
            .collect();
        if !all_kept {
            let file = KeptLinksOf {
                feeds: keys.iter().map(String::as_str).zip(&feeds).collect(),
            };
            self.write(&path, &file);
        }
        PostLinks::of_feeds(feeds)
    }

    /// Keeps `value` at `path` (when this build writes the state); a failure only costs the
    /// next build the time to compute it again.
    fn write(&self, path: &Path, value: &impl Serialize) {
        if !self.writes {
            return;
        }
        let _ = std::fs::create_dir_all(&self.dir);
        let _ = crate::files::write_atomically_with(path, |out| {
            serde_json::to_writer(out, value).map_err(std::io::Error::other)
        });
    }
}

fn read<T: for<'de> Deserialize<'de>>(path: &Path) -> Option<T> {
    let bytes = std::fs::read(path).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// The memo format, toluu's version and the running binary (its size and modification time).
fn salt() -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"toluu memo 1\n");
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    if let Ok(meta) = std::env::current_exe().and_then(std::fs::metadata) {
        h.update(meta.len().to_le_bytes());
        if let Ok(since) = meta
            .modified()
            .map(|t| t.duration_since(std::time::UNIX_EPOCH))
        {
            h.update(since.unwrap_or_default().as_nanos().to_le_bytes());
        }
    }
    h.finalize().into()
}

/// Everything discovery is computed from: the configuration and the whole [`Community`].
fn discovery_key(salt: &[u8; 32], community: &Community, config: &DiscoverConfig) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(salt);
    let text = |h: &mut Sha256, t: &str| {
        h.update((t.len() as u64).to_le_bytes());
        h.update(t.as_bytes());
    };
    text(&mut h, &format!("{config:?}"));
    h.update((community.lists.len() as u64).to_le_bytes());
    for list in &community.lists {
        h.update((list.len() as u64).to_le_bytes());
        for f in list {
            h.update(f.to_le_bytes());
        }
    }
    h.update((community.feeds.len() as u64).to_le_bytes());
    for feed in &community.feeds {
        h.update((feed.tags.len() as u64).to_le_bytes());
        for (tag, n) in &feed.tags {
            text(&mut h, tag);
            h.update(n.to_le_bytes());
        }
        h.update((feed.words().count() as u64).to_le_bytes());
        for word in feed.words() {
            text(&mut h, word);
        }
    }
    h.finalize().into()
}

fn hex(bytes: &[u8; 32]) -> String {
    hex::encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::discover::{FeedContent, discover};

    fn community() -> Community {
        Community {
            lists: vec![vec![0, 1], vec![1, 2], vec![0, 2, 3]],
            feeds: vec![
                FeedContent {
                    tags: vec![("rust".into(), 2)],
                    words: "compiler ".into(),
                };
                4
            ],
        }
    }

    /// `memo` gives what discovery computes for [`community`], which suggests something.
    fn assert_computes(memo: &Memo) {
        let (c, config) = (community(), DiscoverConfig::default());
        let computed = discover(&c, &config).suggestions;
        assert!(computed.iter().any(|s| !s.is_empty()), "{computed:?}");
        assert_eq!(memo.discovery(&c, &config).suggestions, computed);
    }

    #[test]
    fn a_kept_discovery_is_the_one_computed_and_another_input_computes_afresh() {
        let dir = tempfile::tempdir().unwrap();
        let memo = Memo::new(dir.path(), true);
        let config = DiscoverConfig::default();
        let c = community();
        let first = memo.discovery(&c, &config);
        assert!(dir.path().join(DIR).join(DISCOVERY).exists());
        // The kept file is what the second call reads: change its result and see it come back.
        let path = dir.path().join(DIR).join(DISCOVERY);
        let mut kept: KeptDiscovery = read(&path).unwrap();
        assert_eq!(kept.discovery.suggestions, first.suggestions);
        assert!(!first.suggestions[0].is_empty(), "{:?}", first.suggestions);
        kept.discovery.hidden_gems.clear();
        kept.discovery.suggestions[0].clear();
        std::fs::write(&path, serde_json::to_vec(&kept).unwrap()).unwrap();
        assert!(memo.discovery(&c, &config).suggestions[0].is_empty());
        // Another input (one more reader) is computed, not read.
        let mut other = c.clone();
        other.lists.push(vec![3]);
        assert_eq!(
            memo.discovery(&other, &config).suggestions,
            discover(&other, &config).suggestions
        );
        // Scores come back to the bit.
        let back: KeptDiscovery = read(&path).unwrap();
        let computed = discover(&other, &config);
        for (a, b) in back.discovery.related.iter().zip(&computed.related) {
            for (a, b) in a.iter().zip(b) {
                assert_eq!(a.score.to_bits(), b.score.to_bits());
            }
        }
    }

    #[test]
    fn a_memo_that_does_not_write_computes_and_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        assert_computes(&Memo::new(dir.path(), false));
        assert!(!dir.path().join(DIR).exists());
    }

    #[test]
    fn a_damaged_memo_file_is_computed_again() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(DIR)).unwrap();
        std::fs::write(dir.path().join(DIR).join(DISCOVERY), b"{\"key\": \"ab").unwrap();
        assert_computes(&Memo::new(dir.path(), true));
        assert!(read::<KeptDiscovery>(&dir.path().join(DIR).join(DISCOVERY)).is_some());
    }
}
