//! The reading lists: `people/<slug>.toml` (or `.opml`), one person each.

use std::fs;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::diagnostic::Diagnostic;
use super::feed_options::{Show, Written, WrittenList};
use super::person::{Person, Subscription, normalize_tags};
use super::toml_errors::from_str_lenient;
use crate::urls;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PersonFile {
    // Optional here so that a missing name is reported with the file's other problems.
    #[serde(default)]
    name: Option<Spanned<String>>,
    #[serde(default)]
    bio: String,
    #[serde(default)]
    homepage: Option<Spanned<String>>,
    #[serde(default)]
    avatar: Option<Spanned<String>>,
    /// Where the list came from (for imported lists); informational.
    #[serde(default)]
    #[allow(dead_code)]
    source: Option<String>,
    #[serde(default)]
    feeds: Vec<Spanned<FeedEntry>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FeedEntry {
    #[serde(default)]
    url: Option<Spanned<String>>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    author: Option<Spanned<String>>,
    #[serde(default)]
    show: Option<Show>,
    #[serde(default)]
    only_categories: Option<WrittenList>,
    #[serde(default)]
    skip_categories: Option<WrittenList>,
    #[serde(default)]
    only_matching: Option<Spanned<String>>,
    #[serde(default)]
    skip_matching: Option<Spanned<String>>,
}

impl FeedEntry {
    /// The options that choose which posts show and how, as written.
    fn written_options(&mut self) -> Written {
        Written {
            only_categories: self.only_categories.take(),
            skip_categories: self.skip_categories.take(),
            only_matching: self.only_matching.take(),
            skip_matching: self.skip_matching.take(),
            show: self.show.take(),
            author: self.author.take(),
        }
    }
}

fn slug_of(path: &Path) -> String {
    path.file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("")
        .to_owned()
}

fn check_slug(rel: &Path, slug: &str) -> Result<(), Diagnostic> {
    let ok = !slug.is_empty()
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(Diagnostic::file(
            rel,
            format!(
                "file name '{slug}' is not a valid person slug, expected lowercase letters, digits, '-' or '_'"
            ),
        ))
    }
}

/// Loads one list file, TOML or OPML; returns every problem found in it.
pub(super) fn load_person(path: &Path, rel: &Path) -> Result<Person, Vec<Diagnostic>> {
    let slug = slug_of(path);
    check_slug(rel, &slug).map_err(|d| vec![d])?;
    let text = fs::read_to_string(path)
        .map_err(|e| vec![Diagnostic::file(rel, format!("cannot read: {e}"))])?;
    if extension(path) == "opml" {
        return super::opml::parse_person(&text, rel, slug);
    }
    let (file, problems) = from_str_lenient::<PersonFile>(rel, &text);
    let Some(file) = file else {
        return Err(problems);
    };
    let mut list = ListText {
        rel,
        text: &text,
        problems,
    };
    let name = list.name(file.name.as_ref());
    let homepage = list.url("homepage", file.homepage.as_ref());
    let avatar = list.url("avatar", file.avatar.as_ref());
    let feeds = list.subscriptions(file.feeds);
    if !list.problems.is_empty() {
        return Err(list.problems);
    }
    Ok(Person {
        slug,
        file: rel.to_owned(),
        name,
        bio: file.bio,
        homepage,
        avatar,
        feeds,
    })
}

/// A list's text while its values are checked: every problem is collected, located in it.
struct ListText<'a> {
    rel: &'a Path,
    text: &'a str,
    problems: Vec<Diagnostic>,
}

impl ListText<'_> {
    fn problem(&mut self, offset: usize, message: impl Into<String>) {
        let d = Diagnostic::at(self.rel, self.text, offset, message);
        self.problems.push(d);
    }

    /// The person's display name, trimmed ("" after reporting it missing or empty).
    fn name(&mut self, name: Option<&Spanned<String>>) -> String {
        match name {
            Some(name) if name.get_ref().trim().is_empty() => {
                self.problem(
                    name.span().start,
                    "name is empty, expected the person's display name",
                );
                String::new()
            }
            Some(name) => name.get_ref().trim().to_owned(),
            None => {
                self.problems.push(Diagnostic::file(
                    self.rel,
                    "missing `name`, expected the person's display name, e.g. name = \"Ana Lima\"",
                ));
                String::new()
            }
        }
    }

    /// An optional URL field, trimmed, when it is a valid URL.
    fn url(&mut self, field: &str, value: Option<&Spanned<String>>) -> Option<String> {
        let value = value?;
        match urls::normalize(value.get_ref()) {
            Ok(_) => Some(value.get_ref().trim().to_owned()),
            Err(e) => {
                self.problem(value.span().start, format!("{field}: {e}"));
                None
            }
        }
    }

    /// The `[[feeds]]` entries that have a valid URL not listed before, in list order.
    fn subscriptions(&mut self, entries: Vec<Spanned<FeedEntry>>) -> Vec<Subscription> {
        let mut feeds: Vec<Subscription> = Vec::new();
        for entry in entries {
            let entry_start = entry.span().start;
            let mut entry = entry.into_inner();
            let options = entry
                .written_options()
                .check(self.rel, self.text, &mut self.problems);
            let Some(url) = &entry.url else {
                self.problem(
                    entry_start,
                    "feed has no `url`, expected e.g. url = \"https://example.org/feed.xml\"",
                );
                continue;
            };
            let raw = url.get_ref();
            let key = match urls::normalize(raw) {
                Ok(key) => key,
                Err(e) => {
                    self.problem(url.span().start, format!("feed url '{raw}': {e}"));
                    continue;
                }
            };
            if feeds.iter().any(|f| f.key == key) {
                self.problem(
                    url.span().start,
                    format!("feed '{raw}' is listed twice in this list"),
                );
                continue;
            }
            feeds.push(Subscription {
                url: raw.trim().to_owned(),
                key,
                title: entry.title.filter(|t| !t.trim().is_empty()),
                tags: normalize_tags(entry.tags),
                note: entry.note.filter(|n| !n.trim().is_empty()),
                options,
            });
        }
        feeds
    }
}

/// The extension of `path`, or "" when it has none.
pub(super) fn extension(path: &Path) -> &str {
    path.extension().and_then(|e| e.to_str()).unwrap_or("")
}
