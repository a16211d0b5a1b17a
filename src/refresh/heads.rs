//! A cache entry read without its posts: what a feed that answers 304, fails or is skipped
//! needs (its validators, record, title, slug), without building its posts, which only the
//! pages need. A build that finds nothing changed never reads them; any other reads them
//! once, when it builds the index ([`read_posts`]), and no entry is ever written without them
//! ([`crate::refresh::cache::Cache::store`] reads them back first).

use chrono::{DateTime, Utc};
use rayon::prelude::*;
use std::io::{Read, Seek, SeekFrom};

use serde::Deserialize;
use serde::de::{
    DeserializeSeed, Deserializer, Error as _, IgnoredAny, MapAccess, SeqAccess, Visitor,
};

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
    /// How many posts a head-first file says it has (ignored when read whole: they are
    /// counted).
    #[serde(default)]
    posts: Option<usize>,
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
            posts: None,
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

/// [`Cache::load`], but for the posts, which are left unread: in a file written with its
/// head first (see `Stored` in [`super::cache`]) the reading stops where the posts begin;
/// an older file is read through and its posts counted; a file the head cannot read (a layout
/// it does not know) is read whole.
pub fn load(cache: &Cache, url: &str) -> Result<Option<CacheEntry>, String> {
    cache.load_with(url, |file: &mut std::fs::File| {
        if let Some(head) = head_first(std::io::BufReader::with_capacity(8 * 1024, &*file)) {
            return Ok(Ok(head.entry()));
        }
        file.seek(SeekFrom::Start(0))?;
        let mut text = String::new();
        file.read_to_string(&mut text)?;
        Ok(serde_json::from_str::<EntryHead>(&text)
            .map(EntryHead::entry)
            .or_else(|_| serde_json::from_str::<CacheEntry>(&text)))
    })
}

/// The head of a file written head first, read up to its posts and no further; `None` for
/// any other file (an older layout, a key it does not know, broken JSON), which the caller
/// then reads whole.
fn head_first(reader: impl Read) -> Option<EntryHead> {
    let mut de = serde_json::Deserializer::from_reader(reader);
    let mut found = None;
    // Reading stops with an error where the posts begin: what was read is in `found`.
    let _ = de.deserialize_map(HeadFirst { found: &mut found });
    found
}

/// The error that stops [`head_first`] where the posts begin.
const AT_POSTS: &str = "the posts begin here";

/// Reads a head-first file's top-level fields, in the order `Stored` writes them.
struct HeadFirst<'a> {
    found: &'a mut Option<EntryHead>,
}

impl<'de> Visitor<'de> for HeadFirst<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a cache entry")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut head = EntryHead {
            format: 0,
            url: String::new(),
            fetch: FetchRecord::new(DateTime::UNIX_EPOCH),
            feed: None,
            first_seen: None,
            slug: None,
            former_slugs: Vec::new(),
            categories_read: false,
            posts: None,
        };
        let (mut format, mut url, mut fetch) = (false, false, false);
        while let Some(key) = map.next_key::<std::borrow::Cow<'_, str>>()? {
            match &*key {
                "format" => (head.format, format) = (map.next_value()?, true),
                "url" => (head.url, url) = (map.next_value()?, true),
                "fetch" => (head.fetch, fetch) = (map.next_value()?, true),
                "first_seen" => head.first_seen = map.next_value()?,
                "slug" => head.slug = map.next_value()?,
                "former_slugs" => head.former_slugs = map.next_value()?,
                "categories_read" => head.categories_read = map.next_value()?,
                "posts" => head.posts = Some(map.next_value()?),
                // The feed comes last, and its posts last in it: read up to them.
                "feed" if format && url && fetch => {
                    let Some(posts) = head.posts else {
                        return Err(A::Error::custom("an older layout"));
                    };
                    let mut feed = None;
                    let read = map.next_value_seed(FeedFirst { found: &mut feed });
                    match (read, feed) {
                        (_, Some(mut feed)) => {
                            feed.items = posts;
                            head.feed = Some(feed);
                            *self.found = Some(head);
                            return Err(A::Error::custom(AT_POSTS));
                        }
                        // `"feed": null`: nothing more to read.
                        (Ok(()), None) => head.feed = None,
                        (Err(e), None) => return Err(e),
                    }
                }
                _ => return Err(A::Error::custom("not a head-first entry")),
            }
        }
        if format && url && fetch {
            *self.found = Some(head);
        }
        Ok(())
    }
}

/// Reads a head-first file's feed up to its posts (`found`), or its `null`.
struct FeedFirst<'a> {
    found: &'a mut Option<FeedHead>,
}

impl<'de> DeserializeSeed<'de> for FeedFirst<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de> Visitor<'de> for FeedFirst<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a feed or null")
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut feed = FeedHead {
            title: String::new(),
            site_link: None,
            description: None,
            icon: None,
            items: 0,
        };
        let mut title = false;
        while let Some(key) = map.next_key::<std::borrow::Cow<'_, str>>()? {
            match &*key {
                "title" => (feed.title, title) = (map.next_value()?, true),
                "site_link" => feed.site_link = map.next_value()?,
                "description" => feed.description = map.next_value()?,
                "icon" => feed.icon = map.next_value()?,
                "items" if title => {
                    *self.found = Some(feed);
                    return Err(A::Error::custom(AT_POSTS));
                }
                _ => return Err(A::Error::custom("not a head-first feed")),
            }
        }
        Err(A::Error::custom("a feed without posts"))
    }
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
            posts: None,
            unread_items: None,
        }
    }

    /// `whole` as a head gives it: its posts counted, not read.
    fn without_posts(whole: &CacheEntry) -> CacheEntry {
        let mut without = whole.clone();
        let feed = without.feed.as_mut().unwrap();
        without.unread_items = Some(feed.items.len());
        feed.items.clear();
        without
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
        let without = without_posts(&whole);
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

    #[test]
    fn a_head_first_file_is_read_no_further_than_its_posts() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path());
        let whole = entry(3);
        cache.store(&whole).unwrap();
        let text = std::fs::read_to_string(cache.path_for(&whole.url)).unwrap();
        // Every small field, then the count, then the feed with its posts last.
        let at = text.find("\"items\"").unwrap();
        assert!(text.find("\"slug\"").unwrap() < text.find("\"feed\"").unwrap());
        assert!(text[..at].contains("\"posts\": 3"), "{text}");
        assert!(!text[at..].contains("\"slug\""), "{text}");
        // Cut short where the posts begin: the head is all there.
        let cut = &text.as_bytes()[..at + "\"items\": [".len()];
        let head = head_first(cut).expect("read up to the posts").entry();
        let without = without_posts(&whole);
        assert_eq!(head, without);
        // A feed that gave no content yet has nothing after its record.
        let mut bare = entry(0);
        bare.feed = None;
        bare.slug = None;
        cache.store(&bare).unwrap();
        let head = load(&cache, &bare.url).unwrap().unwrap();
        assert_eq!(head.unread_items, Some(0));
        assert_eq!(
            CacheEntry {
                unread_items: None,
                ..head
            },
            bare
        );
    }

    #[test]
    fn an_older_file_with_its_feed_first_is_read_through_and_counted() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path());
        let whole = entry(2);
        // As toluu wrote entries before they were written head first.
        let older = serde_json::to_string_pretty(&whole).unwrap();
        assert!(older.find("\"feed\"").unwrap() < older.find("\"slug\"").unwrap());
        assert!(head_first(older.as_bytes()).is_none());
        std::fs::write(cache.path_for(&whole.url), older).unwrap();
        let head = load(&cache, &whole.url).unwrap().unwrap();
        assert_eq!(head.unread_items, Some(2));
        assert_eq!(head.slug.as_deref(), Some("a"));
        assert_eq!(head.former_slugs, vec!["a-example".to_owned()]);
    }
}
