//! Checks on a loaded site that go beyond "does it parse": problems that do not stop a build
//! but make the site less right, reported by `toluu check`.

use std::collections::BTreeMap;
use std::path::Path;

use super::Site;
use super::diagnostic::Diagnostic;

/// The same feed listed under different spellings: `http` and `https`, with and without `www.`
/// or a trailing slash, a FeedBurner address (`feeds.feedburner.com/x`,
/// `feedproxy.google.com/x`), or an address the cache saw it redirect to. Each spelling is
/// fetched and counted as a separate feed, so its readers are split between them.
///
/// Returns one diagnostic per spelling other than the first one seen (people in slug order,
/// feeds in list order), located at that spelling in its list and naming the first.
/// `redirected_to` gives the address a feed (normalized key) was last seen to redirect to,
/// from the state, when the caller has one.
pub fn same_feed_spellings(
    site: &Site,
    redirected_to: impl Fn(&str) -> Option<String>,
) -> Vec<Diagnostic> {
    // Every written spelling: (normalized key, raw url, person index).
    let mut spellings: Vec<(&str, &str, usize)> = Vec::new();
    for (p, person) in site.people.iter().enumerate() {
        for sub in &person.feeds {
            spellings.push((&sub.key, &sub.url, p));
        }
    }
    let mut keys: Vec<&str> = spellings.iter().map(|s| s.0).collect();
    keys.sort();
    keys.dedup();
    let roots = spelling_groups(&keys, redirected_to);
    let group = |key: &str| roots[keys.binary_search(&key).unwrap_or(0)];

    let mut first_of_group: BTreeMap<usize, (&str, &str, usize)> = BTreeMap::new();
    let mut reported: Vec<&str> = Vec::new();
    let mut problems = Vec::new();
    for &(key, raw, p) in &spellings {
        let g = group(key);
        let Some(&(first_key, first_raw, first_p)) = first_of_group.get(&g) else {
            first_of_group.insert(g, (key, raw, p));
            continue;
        };
        if key == first_key || reported.contains(&key) {
            continue;
        }
        reported.push(key);
        let first_file = &site.people[first_p].file;
        let (line, col) = locate(&site.root, first_file, first_raw);
        let mut d = diagnostic_at(&site.root, &site.people[p].file, raw);
        d.message = format!(
            "feed '{raw}' is the same feed as '{first_raw}' ({}:{line}:{col}), spelled \
             differently ({}); write it the same way in both lists so it is fetched once and its \
             readers are counted together",
            first_file.display(),
            difference(raw, first_raw),
        );
        problems.push(d);
    }
    problems
}

/// The group of each of `keys` (sorted, distinct): keys that share a loose identity, directly
/// or through a redirect seen, are in one group, named by one of them.
fn spelling_groups(keys: &[&str], redirected_to: impl Fn(&str) -> Option<String>) -> Vec<usize> {
    // Union the normalized keys that share a loose identity, directly or via a redirect seen.
    let mut parent: Vec<usize> = (0..keys.len()).collect();
    let mut by_loose: BTreeMap<String, usize> = BTreeMap::new();
    for (i, key) in keys.iter().enumerate() {
        let mut identities = vec![loose_identity(key)];
        if let Some(final_url) = redirected_to(key) {
            identities.push(loose_identity(&final_url));
        }
        for id in identities {
            match by_loose.get(&id) {
                Some(&j) => union(&mut parent, i, j),
                None => {
                    by_loose.insert(id, i);
                }
            }
        }
    }
    (0..keys.len()).map(|i| find(&mut parent, i)).collect()
}

/// What two spellings of one feed differ in, in words.
fn difference(a: &str, b: &str) -> String {
    let (ua, ub) = (url::Url::parse(a).ok(), url::Url::parse(b).ok());
    let (Some(ua), Some(ub)) = (ua, ub) else {
        return "different address".to_owned();
    };
    let mut what = Vec::new();
    if ua.scheme() != ub.scheme() {
        what.push("http/https");
    }
    let host = |u: &url::Url| u.host_str().unwrap_or("").to_ascii_lowercase();
    let (ha, hb) = (host(&ua), host(&ub));
    if is_feedburner(&ha) != is_feedburner(&hb) || (is_feedburner(&ha) && ha != hb) {
        what.push("FeedBurner address");
    } else if ha.strip_prefix("www.").unwrap_or(&ha) == hb.strip_prefix("www.").unwrap_or(&hb)
        && ha != hb
    {
        what.push("www.");
    } else if ha != hb {
        what.push("redirects to it");
    }
    if what.is_empty() || !what.contains(&"redirects to it") {
        let trim = |u: &url::Url| u.path().trim_end_matches('/').to_owned();
        if ua.path() != ub.path() && trim(&ua) == trim(&ub) {
            what.push("trailing slash");
        }
    }
    if what.is_empty() {
        what.push("redirects to it");
    }
    what.join(", ")
}

fn is_feedburner(host: &str) -> bool {
    matches!(
        host,
        "feeds.feedburner.com" | "feeds2.feedburner.com" | "feedproxy.google.com"
    )
}

/// A feed URL with what does not change the feed taken away: scheme, `www.`, default port,
/// trailing slash, fragment; FeedBurner hosts are one host. Query strings are kept (they often
/// select the feed).
pub fn loose_identity(raw: &str) -> String {
    let Ok(u) = url::Url::parse(raw.trim()) else {
        return raw.trim().to_owned();
    };
    let host = u.host_str().unwrap_or("").to_ascii_lowercase();
    let host = if is_feedburner(&host) {
        "feedburner".to_owned()
    } else {
        host.strip_prefix("www.").unwrap_or(&host).to_owned()
    };
    // Two ports of one host are two servers (a default port is not written).
    let host = match u.port() {
        Some(port) => format!("{host}:{port}"),
        None => host,
    };
    let mut path = u.path().trim_end_matches('/').to_owned();
    if host == "feedburner" {
        path = path.to_ascii_lowercase();
    }
    match u.query() {
        Some(q) => format!("{host}{path}?{q}"),
        None => format!("{host}{path}"),
    }
}

fn find(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

fn union(parent: &mut [usize], a: usize, b: usize) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    if ra != rb {
        parent[ra.max(rb)] = ra.min(rb);
    }
}

/// Where `raw` is written in `file` (a list): a diagnostic at its first occurrence, else at
/// the start of the file.
fn diagnostic_at(root: &Path, file: &Path, raw: &str) -> Diagnostic {
    match std::fs::read_to_string(root.join(file)) {
        Ok(text) => match text.find(raw) {
            Some(offset) => Diagnostic::at(file, &text, offset, String::new()),
            None => Diagnostic::file(file, String::new()),
        },
        Err(_) => Diagnostic::file(file, String::new()),
    }
}

fn locate(root: &Path, file: &Path, raw: &str) -> (usize, usize) {
    let d = diagnostic_at(root, file, raw);
    (d.line, d.col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loose_identities() {
        let same = [
            "https://example.com/feed",
            "http://example.com/feed/",
            "https://www.example.com/feed",
            "HTTP://WWW.EXAMPLE.COM:80/feed/#x",
        ];
        for s in same {
            assert_eq!(loose_identity(s), "example.com/feed", "{s}");
        }
        assert_eq!(
            loose_identity("http://feeds.feedburner.com/SomeBlog"),
            loose_identity("https://feedproxy.google.com/someblog/")
        );
        assert_ne!(
            loose_identity("http://127.0.0.1:8001/feed.xml"),
            loose_identity("http://127.0.0.1:8002/feed.xml")
        );
        assert_ne!(
            loose_identity("https://example.com/feed?cat=1"),
            loose_identity("https://example.com/feed?cat=2")
        );
        assert_ne!(
            loose_identity("https://example.com/feed"),
            loose_identity("https://example.com/rss")
        );
    }

    #[test]
    fn differences_in_words() {
        assert_eq!(
            difference("http://www.a.example/f/", "https://a.example/f"),
            "http/https, www., trailing slash"
        );
        assert_eq!(
            difference("http://feeds.feedburner.com/x", "http://x.example/feed"),
            "FeedBurner address"
        );
    }
}
