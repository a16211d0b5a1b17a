//! Finding the feed of a URL for `toluu add`: the URL itself when it answers with a feed,
//! else (only for an HTML page) the feeds the page advertises, else the common paths of its
//! host; each one fetched with the build's client and checked to parse.

use super::fetch::{Fetcher, Response, Validators};
use crate::model::Feed;
use crate::parse::autodiscover::feed_links;
use crate::parse::{looks_like_html, parse_feed};
use crate::site::FetchConfig;
use crate::urls;

/// Where sites commonly put their feed, tried when a page links to none.
pub const COMMON_PATHS: [&str; 6] = [
    "/feed",
    "/rss.xml",
    "/atom.xml",
    "/index.xml",
    "/feed.xml",
    "/feed.json",
];

/// Posts kept of a feed found (`add` reads only its title; discovery shows a few post titles).
const FEW_POSTS: usize = 3;

/// A feed found for a URL, verified to parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The feed URL.
    pub url: String,
    /// The feed's own title.
    pub title: String,
}

/// A feed found for a URL with what it answered: its parsed content and validators.
#[derive(Debug, Clone)]
pub struct Verified {
    /// The feed URL (after redirects).
    pub url: String,
    /// The feed, parsed.
    pub feed: Feed,
    /// Its `ETag` and `Last-Modified`, for a later conditional GET.
    pub validators: Validators,
}

/// Finds the feeds of `url` (see [`find_feeds`]) with a client of its own.
pub fn discover(url: &str, config: &FetchConfig) -> Result<Vec<Candidate>, String> {
    urls::normalize(url).map_err(|e| format!("'{url}': {e}"))?;
    let fetcher = Fetcher::new(config)?;
    Ok(find_feeds(&fetcher, url)?
        .into_iter()
        .map(|v| Candidate {
            url: v.url,
            title: v.feed.title,
        })
        .collect())
}

/// Finds the feeds of `url`: the URL itself when it answers with a feed (which must parse:
/// else its parse error is the answer); when it answers with an HTML page, the feeds the page
/// advertises with `<link rel="alternate">`, else the [`COMMON_PATHS`] of its host. Every
/// candidate is fetched and parsed; only feeds that parse are returned, in page order. When
/// none is found, the error says what was tried and why each failed.
pub fn find_feeds(fetcher: &Fetcher, url: &str) -> Result<Vec<Verified>, String> {
    let (bytes, page_url, validators) = match fetcher.get(url, &Validators::default()) {
        Response::Body {
            bytes,
            final_url,
            validators,
            ..
        } => (bytes, final_url, validators),
        Response::NotModified => return Err(format!("{url}: unexpected HTTP 304")),
        Response::Failed { error, .. } => return Err(format!("{url}: {error}")),
    };
    match parse_feed(&bytes, &page_url, chrono::Utc::now(), FEW_POSTS) {
        Ok(feed) => {
            return Ok(vec![Verified {
                url: page_url,
                feed,
                validators,
            }]);
        }
        // Not a web page: it answered as a feed (or as something else), and that is the
        // answer. Guessing other URLs of the host would add a feed the user did not give.
        Err(e) if !looks_like_html(&bytes) => {
            return Err(format!("{url}: cannot add it: {e}"));
        }
        Err(_) => {}
    }
    let linked = feed_links(&String::from_utf8_lossy(&bytes), &page_url);
    let (tried_links, found) = verify(fetcher, &linked);
    if !found.is_empty() {
        return Ok(found);
    }
    let base = url::Url::parse(&page_url).map_err(|e| format!("{page_url}: {e}"))?;
    let common: Vec<String> = COMMON_PATHS
        .iter()
        .filter_map(|p| base.join(p).ok().map(String::from))
        .filter(|c| !linked.contains(c))
        .collect();
    let (tried_common, found) = verify(fetcher, &common);
    if !found.is_empty() {
        return Ok(found);
    }
    Err(nothing_found(url, &tried_links, &tried_common))
}

/// The error when a page leads to no feed: what was tried, and why each one failed.
fn nothing_found(url: &str, links: &[(String, String)], common: &[(String, String)]) -> String {
    let mut why = format!("{url}: no feed found: it is a web page, not a feed");
    if links.is_empty() {
        why.push_str(", and it links to no feed (<link rel=\"alternate\">)");
    }
    why.push_str("\ntried:");
    for (link, reason) in links {
        why.push_str(&format!("\n  {link} (linked from the page): {reason}"));
    }
    for (link, reason) in common {
        why.push_str(&format!("\n  {link}: {reason}"));
    }
    why.push_str("\ngive the feed's own URL if you know it");
    why
}

/// Fetches each of `links`; returns the failures (link, reason) and the feeds.
fn verify(fetcher: &Fetcher, links: &[String]) -> (Vec<(String, String)>, Vec<Verified>) {
    let mut failed = Vec::new();
    let mut found: Vec<Verified> = Vec::new();
    for link in links {
        match fetcher.get(link, &Validators::default()) {
            Response::Body {
                bytes,
                final_url,
                validators,
                ..
            } => match parse_feed(&bytes, &final_url, chrono::Utc::now(), FEW_POSTS) {
                Ok(feed) if !found.iter().any(|c| c.url == final_url) => found.push(Verified {
                    url: final_url,
                    feed,
                    validators,
                }),
                Ok(_) => {}
                Err(e) => failed.push((link.clone(), e.0)),
            },
            Response::NotModified => failed.push((link.clone(), "HTTP 304".to_owned())),
            Response::Failed { error, .. } => failed.push((link.clone(), error)),
        }
    }
    (failed, found)
}
