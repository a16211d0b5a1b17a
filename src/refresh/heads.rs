//! A cache entry read without its posts: what a feed that answers 304, fails or is skipped
//! needs (its validators, record, title, slug), without building its posts, which only the
//! pages need. A build that finds nothing changed never reads them; any other reads them
//! once, when it builds the index ([`read_posts`]), and no entry is ever written without them
//! ([`crate::refresh::cache::Cache::store`] reads them back first).

use chrono::{DateTime, Utc};
use rayon::prelude::*;
use serde::Deserialize;
use serde::de::{Deserializer, IgnoredAny, SeqAccess, Visitor};

use super::cache::{Cache, CacheEntry, FetchRecord};
use super::state::FeedState;
use crate::model::Feed;

/// A cache file as [`CacheEntry`] has it, its posts counted, not read. Any field it does not
/// know (a newer layout) makes it fail, and the entry is read whole.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EntryHead {
    format: u32,
    url: String,
    fetch: FetchRecord,
    feed: Option<FeedHead>,
    #[serde(default)]
    first_seen: Option<DateTime<Utc>>,
    #[serde(default)]
    slug: Option<String>,
    #[serde(default)]
    former_slugs: Vec<String>,
    #[serde(default)]
    categories_read: bool,
}

/// A [`Feed`] with its posts counted.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FeedHead {
    title: String,
    #[serde(default)]
    site_link: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    icon: Option<String>,
    #[serde(default, deserialize_with = "count")]
    items: usize,
}

impl EntryHead {
    /// The entry, with no posts: [`CacheEntry::unread_items`] says how many the file has.
    fn entry(self) -> CacheEntry {
        let unread = self.feed.as_ref().map_or(0, |f| f.items);
        CacheEntry {
            format: self.format,
            url: self.url,
            fetch: self.fetch,
            feed: self.feed.map(|f| Feed {
                title: f.title,
                site_link: f.site_link,
                description: f.description,
                icon: f.icon,
                items: Vec::new(),
            }),
            first_seen: self.first_seen,
            slug: self.slug,
            former_slugs: self.former_slugs,
            categories_read: self.categories_read,
            unread_items: Some(unread),
        }
    }
}

/// Counts the elements of a sequence without building them.
fn count<'de, D: Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
    struct Count;
    impl<'de> Visitor<'de> for Count {
        type Value = usize;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a list of posts")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<usize, A::Error> {
            let mut n = 0;
            while seq.next_element::<IgnoredAny>()?.is_some() {
                n += 1;
            }
            Ok(n)
        }
    }
    d.deserialize_seq(Count)
}

/// [`Cache::load`], but for the posts, which are counted and left unread; a file
/// the head cannot read (a layout it does not know) is read whole.
pub fn load(cache: &Cache, url: &str) -> Result<Option<CacheEntry>, String> {
    cache.load_with(url, |text: &str| {
        serde_json::from_str::<EntryHead>(text)
            .map(EntryHead::entry)
            .or_else(|_| serde_json::from_str::<CacheEntry>(text))
    })
}

/// Reads the posts of every entry of `states` read without them, each from its cache file;
/// a file that can no longer be read leaves its feed without posts, and says so.
pub fn read_posts(states: &mut [FeedState], cache: &Cache) {
    states.par_iter_mut().for_each(|state| {
        let Some(entry) = state.entry.as_mut() else {
            return;
        };
        if let Err(e) = cache.read_posts_into(entry) {
            state.cache_warning.get_or_insert(e);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Item;

    fn entry(n: usize) -> CacheEntry {
        let item = |i: usize| Item {
            id: format!("https://a.example/{i}"),
            title: format!("Post {i} \"quoted\" \u{e9}"),
            link: Some(format!("https://a.example/{i}")),
            published: None,
            updated: None,
            author: Some("Ana".into()),
            excerpt: "An excerpt, with ] and } in it".into(),
            content_html: Some("<p>[1, 2] {\"a\": 3}</p>".into()),
            ..serde_json::from_str(r#"{"id": "x"}"#).unwrap()
        };
        CacheEntry {
            format: super::super::cache::CACHE_FORMAT,
            url: "https://a.example/feed.xml".into(),
            fetch: FetchRecord::new(DateTime::UNIX_EPOCH),
            feed: Some(Feed {
                title: "A".into(),
                site_link: Some("https://a.example/".into()),
                description: Some("About A".into()),
                icon: None,
                items: (0..n).map(item).collect(),
            }),
            first_seen: Some(DateTime::UNIX_EPOCH),
            slug: Some("a".into()),
            former_slugs: vec!["a-example".into()],
            categories_read: true,
            unread_items: None,
        }
    }

    #[test]
    fn a_head_is_the_entry_but_its_posts_and_they_come_back_whole() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path());
        let whole = entry(3);
        cache.store(&whole).unwrap();
        let mut head = load(&cache, &whole.url).unwrap().unwrap();
        assert_eq!(head.unread_items, Some(3));
        assert_eq!(head.item_count(), 3);
        assert!(head.feed.as_ref().unwrap().items.is_empty());
        let mut without = whole.clone();
        without.feed.as_mut().unwrap().items.clear();
        without.unread_items = Some(3);
        assert_eq!(head, without);
        // Written again as read (a 304 that settled its slug, say): with its posts.
        cache.store(&head).unwrap();
        assert_eq!(cache.load(&whole.url).unwrap().unwrap(), whole);
        cache.read_posts_into(&mut head).unwrap();
        assert_eq!(head, whole);
    }

    #[test]
    fn posts_read_for_the_index_and_a_file_gone_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path());
        cache.store(&entry(2)).unwrap();
        let state = |entry| FeedState {
            url: "https://a.example/feed.xml".into(),
            entry,
            outcome: super::super::state::Outcome::NotModified,
            cache_warning: None,
            elapsed: std::time::Duration::ZERO,
            http_status: None,
            bytes: 0,
            new_items: 0,
        };
        let mut states = vec![state(load(&cache, "https://a.example/feed.xml").unwrap())];
        read_posts(&mut states, &cache);
        assert_eq!(states[0].entry, Some(entry(2)));
        let mut states = vec![state(load(&cache, "https://a.example/feed.xml").unwrap())];
        std::fs::remove_file(cache.path_for("https://a.example/feed.xml")).unwrap();
        read_posts(&mut states, &cache);
        let warning = states[0].cache_warning.as_deref().unwrap();
        assert!(warning.contains("cache file gone"), "{warning}");
        assert_eq!(states[0].entry.as_ref().unwrap().unread_items, None);
    }

    #[test]
    fn a_layout_the_head_does_not_know_is_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path());
        cache.store(&entry(1)).unwrap();
        let path = cache.path_for("https://a.example/feed.xml");
        let text = std::fs::read_to_string(&path).unwrap();
        // An unknown field: the head refuses it, and the whole read says what the file is.
        std::fs::write(
            &path,
            text.replacen("\"title\"", "\"novel\": 1, \"title\"", 1),
        )
        .unwrap();
        let err = load(&cache, "https://a.example/feed.xml").unwrap_err();
        assert!(err.contains("corrupt cache file"), "{err}");
    }
}
