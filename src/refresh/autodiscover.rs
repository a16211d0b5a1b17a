//! Finding the feed of a URL for `toluu add`: the URL itself when it is a feed, else the
//! feeds its page advertises, else the common paths of its host; each one fetched with the
//! build's client and checked to parse.

use super::fetch::{Fetcher, Response, Validators};
use crate::parse::autodiscover::feed_links;
use crate::parse::parse_feed;
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

/// A feed found for a URL, verified to parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The feed URL.
    pub url: String,
    /// The feed's own title.
    pub title: String,
}

/// Finds the feeds of `url`: the URL itself when it is a feed; else the feeds its page
/// advertises with `<link rel="alternate">`; else the [`COMMON_PATHS`] of its host. Every
/// candidate is fetched and parsed; only feeds that parse are returned, in page order.
pub fn discover(url: &str, config: &FetchConfig) -> Result<Vec<Candidate>, String> {
    urls::normalize(url).map_err(|e| format!("'{url}': {e}"))?;
    let fetcher = Fetcher::new(config)?;
    let (bytes, page_url) = match fetcher.get(url, &Validators::default()) {
        Response::Body {
            bytes, final_url, ..
        } => (bytes, final_url),
        Response::NotModified => return Err(format!("{url}: unexpected HTTP 304")),
        Response::Failed { error, .. } => return Err(format!("{url}: {error}")),
    };
    if let Some(candidate) = as_feed(&bytes, &page_url) {
        return Ok(vec![candidate]);
    }
    let linked = feed_links(&String::from_utf8_lossy(&bytes), &page_url);
    let (tried, found) = verify(&fetcher, &linked);
    if !found.is_empty() {
        return Ok(found);
    }
    let base = url::Url::parse(&page_url).map_err(|e| format!("{page_url}: {e}"))?;
    let common: Vec<String> = COMMON_PATHS
        .iter()
        .filter_map(|p| base.join(p).ok().map(String::from))
        .collect();
    let (_, found) = verify(&fetcher, &common);
    if !found.is_empty() {
        return Ok(found);
    }
    let mut why = format!("{url}: no feed found: it is not a feed");
    if linked.is_empty() {
        why.push_str(", its page links to no feed");
    }
    for (link, reason) in &tried {
        why.push_str(&format!("\n  it links to {link}: {reason}"));
    }
    why.push_str(&format!(
        "\n  and none of {} answers with a feed",
        COMMON_PATHS.join(", ")
    ));
    Err(why)
}

fn as_feed(bytes: &[u8], url: &str) -> Option<Candidate> {
    let feed = parse_feed(bytes, url, chrono::Utc::now(), 1).ok()?;
    Some(Candidate {
        url: url.to_owned(),
        title: feed.title,
    })
}

/// Fetches each of `links`; returns the failures (link, reason) and the feeds.
fn verify(fetcher: &Fetcher, links: &[String]) -> (Vec<(String, String)>, Vec<Candidate>) {
    let mut failed = Vec::new();
    let mut found: Vec<Candidate> = Vec::new();
    for link in links {
        match fetcher.get(link, &Validators::default()) {
            Response::Body {
                bytes, final_url, ..
            } => match parse_feed(&bytes, &final_url, chrono::Utc::now(), 1) {
                Ok(feed) if !found.iter().any(|c| c.url == final_url) => found.push(Candidate {
                    url: final_url,
                    title: feed.title,
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
