//! What discovery beyond the lists works on: a linked site, a feed found there, a
//! suggestion of it; what a site is ([`site_key`]) and which sites say nothing
//! ([`PLATFORMS`]).

use chrono::{DateTime, Utc};

use crate::index::feed::PostRef;
pub use crate::refresh::follow::state::FoundFeed;

/// The big platforms every post links to, whatever it is about (a site and its subdomains).
/// Kept here and nowhere else.
pub const PLATFORMS: &[&str] = &[
    "amazon.com",
    "apple.com",
    "archive.org",
    "bsky.app",
    "facebook.com",
    "github.com",
    "gitlab.com",
    "google.com",
    "instagram.com",
    "linkedin.com",
    "mastodon.social",
    "medium.com",
    "news.ycombinator.com",
    "reddit.com",
    "stackoverflow.com",
    "t.co",
    "twitter.com",
    "wikipedia.org",
    "x.com",
    "youtu.be",
    "youtube.com",
];

/// Below this many feeds with posts, no site counts as linked from "more than half".
pub const MIN_FEEDS_FOR_HALF_RULE: usize = 4;

/// A site the lists do not name, and who links to it.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkedSite {
    /// Its key: host without `www.`, and the port when not the default.
    pub key: String,
    /// Where to look for its feed: a feed a blogroll gives, else the site's home page.
    pub url: String,
    /// The feeds (index positions) whose posts or blogroll link to it, in index order.
    pub feeds: Vec<usize>,
    /// The posts linking to it, newest first.
    pub posts: Vec<PostRef>,
    /// The feeds whose blogroll lists it, in index order.
    pub blogrolls: Vec<usize>,
    /// Distinct people who read the linking feeds.
    pub readers: usize,
    /// The date of the newest linking post.
    pub latest: Option<DateTime<Utc>>,
}

/// A linked site with the feed found there: an entry of "Mentioned by what you read".
#[derive(Debug, Clone, PartialEq)]
pub struct Mentioned {
    /// The site and who links to it.
    pub site: LinkedSite,
    /// Its feed.
    pub feed: FoundFeed,
}

/// A feed found through links, suggested to one person.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkSuggestion {
    /// The position in [`SiteIndex::mentioned`](crate::index::SiteIndex::mentioned).
    pub mentioned: usize,
    /// Posts linking to it in the person's feeds.
    pub posts: usize,
    /// The person's feeds linking to it (posts or blogroll), in index order.
    pub feeds: Vec<usize>,
    /// The person's newest post linking to it.
    pub latest: Option<PostRef>,
}

/// The key of the site of `url`: its host without `www.`, and its port when not the
/// default; `None` for a URL without a host.
pub fn site_key(url: &str) -> Option<String> {
    site_key_of(&url::Url::parse(url).ok()?)
}

/// [`site_key`] of a URL already parsed.
pub fn site_key_of(u: &url::Url) -> Option<String> {
    let host = u.host_str()?.to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_owned();
    Some(match u.port() {
        Some(p) => format!("{host}:{p}"),
        None => host,
    })
}

/// Whether a site key is one of the [`PLATFORMS`] or a subdomain of one.
pub fn is_platform(key: &str) -> bool {
    let host = key.split(':').next().unwrap_or(key);
    PLATFORMS
        .iter()
        .any(|p| host == *p || host.strip_suffix(p).is_some_and(|s| s.ends_with('.')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sites_are_hosts_without_www_and_with_their_port() {
        assert_eq!(
            site_key("https://www.Example.org/a").as_deref(),
            Some("example.org")
        );
        assert_eq!(
            site_key("http://127.0.0.1:8080/x").as_deref(),
            Some("127.0.0.1:8080")
        );
        assert_eq!(
            site_key("https://a.example:443/").as_deref(),
            Some("a.example")
        );
    }

    #[test]
    fn platforms_and_their_subdomains() {
        assert!(is_platform("github.com"));
        assert!(is_platform("en.wikipedia.org"));
        assert!(!is_platform("notgithub.com"));
        assert!(!is_platform("someone.github.io"));
    }
}
