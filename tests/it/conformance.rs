//! Conformance against the shared corpus of real-world feeds (`../shared/corpus`): every file
//! the manifest marks `expected_ok=yes` must parse, with the manifest's feed title and item
//! count. Files marked `no` may be rejected or accepted; they only must not crash or hang.
//!
//! The corpus lives outside the repository; when it is absent the test says so and passes.
//!
//! The manifest counts item elements; the parser shows an item that is repeated verbatim in
//! the same document once (see `dedup_items` in `src/parse.rs`; distinct items that merely
//! share a guid are all kept). So the expected count is the manifest's minus the verbatim
//! repeats, which [`verbatim_repeats`] finds by comparing the items' raw text.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::Path;

use chrono::{DateTime, TimeZone, Utc};
use toluu::parse::parse_feed;
use toluu::sanitize::plain_text;

/// The URL every corpus feed is parsed as coming from.
const FEED_URL: &str = "https://example.com/feed";
/// The host the parser falls back to for a feed without a title.
const FALLBACK_TITLE: &str = "example.com";

fn fetched_at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap()
}

/// One row of `MANIFEST.tsv`, by column name.
struct Row<'a> {
    cells: HashMap<&'a str, &'a str>,
}

impl Row<'_> {
    fn get(&self, column: &str) -> &str {
        self.cells.get(column).copied().unwrap_or("")
    }
}

fn read_manifest(text: &str) -> Vec<Row<'_>> {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header: Vec<&str> = lines
        .next()
        .expect("MANIFEST.tsv has a header row")
        .split('\t')
        .collect();
    for needed in ["file", "expected_ok", "item_count", "title", "strict_parse"] {
        assert!(
            header.contains(&needed),
            "MANIFEST.tsv has no `{needed}` column: {header:?}"
        );
    }
    lines
        .map(|line| Row {
            cells: header.iter().copied().zip(line.split('\t')).collect(),
        })
        .collect()
}

/// What the parser must give as the title of a feed whose manifest title is `manifest`.
///
/// The manifest keeps the title as written after XML decoding (inner whitespace kept, HTML
/// entities such as `&#8211;` in JSON left literal); the parser reduces titles to plain text
/// (HTML entities decoded, markup dropped, whitespace collapsed). Applying the parser's own
/// normalization to the manifest title makes the two comparable.
///
/// An empty manifest title means the feed has no title (or an empty one), and the parser then
/// falls back to the feed's host. The one exception the manifest documents is a title whose
/// value is implementation-dependent (an undeclared `&nbsp;` in a file that is not well-formed
/// XML): for such a file (`strict_parse=error`) any non-empty title is accepted.
fn title_matches(manifest: &str, strict_parse: &str, parsed: &str) -> bool {
    if manifest.is_empty() {
        parsed == FALLBACK_TITLE || (strict_parse == "error" && !parsed.is_empty())
    } else {
        plain_text(manifest) == parsed
    }
}

/// How many items of a feed repeat an earlier item of the same document byte for byte: the
/// text of each `<item>`/`<entry>` element (RSS, RDF, Atom), or each JSON Feed item.
fn verbatim_repeats(bytes: &[u8]) -> usize {
    let text = String::from_utf8_lossy(bytes);
    let items: Vec<String> = if text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('{')
    {
        serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| v.get("items")?.as_array().cloned())
            .unwrap_or_default()
            .iter()
            .map(ToString::to_string)
            .collect()
    } else {
        let mut items = Vec::new();
        for (open, close) in [("<item", "</item>"), ("<entry", "</entry>")] {
            let mut rest = &text[..];
            while let Some(start) = rest.find(open) {
                rest = &rest[start + open.len()..];
                // `<item>` or `<item attr…>`, not `<items>`, `<item/>` or `<itemx>`.
                if !rest.starts_with(['>', ' ', '\t', '\r', '\n']) {
                    continue;
                }
                let Some(end) = rest.find(close) else { break };
                items.push(rest[..end].to_owned());
                rest = &rest[end..];
            }
        }
        items
    };
    let mut seen = HashSet::new();
    items
        .iter()
        .filter(|item| !seen.insert(item.as_str()))
        .count()
}

#[test]
fn corpus_feeds_parse_with_the_manifest_title_and_item_count() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if !root.is_dir() {
        println!("conformance: skipped, ../shared/corpus not found");
        return;
    }
    let manifest = fs::read_to_string(root.join("MANIFEST.tsv")).expect("read MANIFEST.tsv");
    let rows = read_manifest(&manifest);

    let mut problems = Vec::new();
    let (mut expected_ok, mut good) = (0, 0);
    let mut expected_bad = 0;
    let mut accepted_bad = Vec::new();
    for row in &rows {
        let file = row.get("file");
        let bytes = match fs::read(root.join("feeds").join(file)) {
            Ok(bytes) => bytes,
            Err(e) => {
                problems.push(format!("{file}: cannot read: {e}"));
                continue;
            }
        };
        // No cap on items: the manifest counts them all.
        let result = parse_feed(&bytes, FEED_URL, fetched_at(), usize::MAX);
        match row.get("expected_ok") {
            "yes" => expected_ok += 1,
            _ => {
                expected_bad += 1;
                if result.is_ok() {
                    accepted_bad.push(file);
                }
                continue;
            }
        }
        let feed = match result {
            Ok(feed) => feed,
            Err(e) => {
                problems.push(format!("{file}: does not parse: {e}"));
                continue;
            }
        };
        let mut ok = true;
        let title = row.get("title");
        if !title_matches(title, row.get("strict_parse"), &feed.title) {
            problems.push(format!(
                "{file}: title {:?}, manifest says {title:?}",
                feed.title
            ));
            ok = false;
        }
        match row.get("item_count").parse::<usize>() {
            Ok(count) => {
                let repeats = verbatim_repeats(&bytes);
                let expected = count.saturating_sub(repeats);
                if repeats > 0 {
                    println!(
                        "conformance: {file}: {repeats} verbatim repeated item(s), shown once"
                    );
                }
                if feed.items.len() != expected {
                    problems.push(format!(
                        "{file}: {} items, expected {expected} (manifest: {count}, verbatim repeats: {repeats})",
                        feed.items.len()
                    ));
                    ok = false;
                }
            }
            Err(_) => {
                problems.push(format!(
                    "{file}: bad item_count {:?} in MANIFEST.tsv",
                    row.get("item_count")
                ));
                ok = false;
            }
        }
        good += usize::from(ok);
    }

    println!(
        "conformance: {good} of {expected_ok} expected-ok feeds parse with the right title and item count"
    );
    println!(
        "conformance: {} of {expected_bad} expected-bad files are rejected; parsed anyway: {}",
        expected_bad - accepted_bad.len(),
        if accepted_bad.is_empty() {
            "none".to_owned()
        } else {
            accepted_bad.join(", ")
        }
    );
    assert!(expected_ok > 0, "MANIFEST.tsv lists no expected-ok feed");
    assert!(
        problems.is_empty(),
        "{} conformance problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}
