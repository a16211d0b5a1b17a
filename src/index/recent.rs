//! The lists' git history: when each feed first appeared in a list under `people/`, read from
//! `git log` when the site is a git checkout. The answer depends only on the checkout's
//! commits (never on the clock), so a given checkout always builds the same site.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::process::Command;

use super::site_index::SiteIndex;
use crate::urls;

/// Separates commits in the `git log` output; cannot occur in a diff line's first column.
const COMMIT_MARK: &str = "\u{1e}commit ";

/// Each feed URL (normalized) ever added to a list, with the commit time (Unix seconds) of
/// the first commit that added it. `None` when `site_dir` is not in a git checkout or git is
/// not installed.
pub fn first_added(site_dir: &Path) -> Option<BTreeMap<String, i64>> {
    let output = Command::new("git")
        .arg("-C")
        .arg(site_dir)
        .args([
            "log",
            "--reverse",
            "--no-renames",
            "--no-color",
            "--no-ext-diff",
            "--format=%x1ecommit %ct",
            "-p",
            "--unified=0",
            "--",
            "people",
        ])
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    Some(parse_log(&String::from_utf8_lossy(&output.stdout)))
}

/// Parses `git log -p` output as written by [`first_added`].
pub fn parse_log(log: &str) -> BTreeMap<String, i64> {
    let mut first: BTreeMap<String, i64> = BTreeMap::new();
    let mut time: Option<i64> = None;
    for line in log.lines() {
        if let Some(t) = line.strip_prefix(COMMIT_MARK) {
            time = t.trim().parse().ok();
            continue;
        }
        let (Some(t), Some(added)) = (time, line.strip_prefix('+')) else {
            continue;
        };
        if added.starts_with("++") {
            continue;
        }
        if let Some(url) = url_in(added)
            && let Ok(key) = urls::normalize(&url)
        {
            first.entry(key).or_insert(t);
        }
    }
    first
}

/// The feed URL on a list line: `url = "…"` (TOML) or `xmlUrl="…"` (OPML).
fn url_in(line: &str) -> Option<String> {
    let trimmed = line.trim_start();
    let rest = if let Some(rest) = trimmed.strip_prefix("url") {
        rest.trim_start().strip_prefix('=')?.trim_start()
    } else {
        let at = line.find("xmlUrl=")?;
        &line[at + "xmlUrl=".len()..]
    };
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let inner = &rest[1..];
    let end = inner.find(quote)?;
    Some(inner[..end].replace("&amp;", "&"))
}

/// The feeds of the index by when they were first added to a list, newest first, from the
/// site's git history; `None` when the site is not in a git checkout.
pub fn recent_additions(site_dir: &Path, index: &SiteIndex) -> Option<Vec<(usize, i64)>> {
    let first_added = first_added(site_dir)?;
    let position: HashMap<&str, usize> = index
        .feeds
        .iter()
        .enumerate()
        .map(|(i, f)| (f.url.as_str(), i))
        .collect();
    let mut out: Vec<(usize, i64)> = first_added
        .iter()
        .filter_map(|(url, &t)| Some((*position.get(url.as_str())?, t)))
        .collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_addition_wins_and_both_formats_are_read() {
        let log = "\u{1e}commit 100\n\ndiff --git a/people/a.toml b/people/a.toml\n\
                   +++ b/people/a.toml\n+[[feeds]]\n+url = \"https://A.example/feed\"\n\
                   \u{1e}commit 200\n+url = \"https://a.example/feed\"\n\
                   +  <outline text=\"x\" xmlUrl=\"https://b.example/rss?a=1&amp;b=2\"/>\n\
                   -url = \"https://c.example/\"\n";
        let got = parse_log(log);
        assert_eq!(got.get("https://a.example/feed"), Some(&100));
        assert_eq!(got.get("https://b.example/rss?a=1&b=2"), Some(&200));
        assert_eq!(got.len(), 2, "{got:?}");
    }
}
