//! The options of one `[[feeds]]` entry that choose which of its posts the rivers show and how
//! (`only_categories`, `skip_categories`, `only_matching`, `skip_matching`, `show`, `author`),
//! and their checks, each problem located in the list.

use std::path::Path;

use regex::{Regex, RegexBuilder};
use serde::Deserialize;
use toml::Spanned;

use super::diagnostic::Diagnostic;

/// The longest `only_matching` or `skip_matching` pattern accepted, in characters.
pub const MAX_PATTERN_CHARS: usize = 1000;
/// The most memory one compiled pattern may take (the regex crate's size limit), in bytes.
const PATTERN_SIZE_LIMIT: usize = 1 << 20;

/// How a feed's posts appear: `show = "full" | "excerpt" | "title"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Show {
    /// The whole content in place of the excerpt, on the pages that carry full content (the
    /// site's river and the feed's own page); other rivers show the excerpt.
    Full,
    /// The excerpt, with the whole content behind "Read more" where pages carry it.
    #[default]
    Excerpt,
    /// The title and the post's details only: no excerpt and no content, anywhere (pages and
    /// Atom feeds).
    Title,
}

/// `[river] layout`: how the site's river lays its posts out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RiverLayout {
    /// One line per post (title, feed, date, readers), grouped under day headings; the
    /// excerpt and the content one click away.
    #[default]
    Compact,
    /// Each post with its excerpt in full view.
    Excerpts,
}

impl RiverLayout {
    /// The name the templates get: `"compact"` or `"excerpts"`.
    pub fn name(self) -> &'static str {
        match self {
            RiverLayout::Compact => "compact",
            RiverLayout::Excerpts => "excerpts",
        }
    }
}

/// The checked options of one feed in one list. The default shows every post as the site does.
#[derive(Debug, Clone, Default)]
pub struct FeedOptions {
    /// Show only the posts with one of these categories (none: no such filter), as written.
    pub only_categories: Vec<String>,
    /// Hide the posts with one of these categories, as written.
    pub skip_categories: Vec<String>,
    /// Show only the posts whose title this matches.
    pub only_matching: Option<Regex>,
    /// Hide the posts whose title this matches.
    pub skip_matching: Option<Regex>,
    /// How the feed's posts appear; `None`: the site's `[river] show`.
    pub show: Option<Show>,
    /// The author named on every post of the feed, in place of what the feed says.
    pub author: Option<String>,
}

impl FeedOptions {
    /// Whether any option hides posts.
    pub fn filters(&self) -> bool {
        !self.only_categories.is_empty()
            || !self.skip_categories.is_empty()
            || self.only_matching.is_some()
            || self.skip_matching.is_some()
    }
}

/// A category list as written: its place and each category's.
pub(super) type WrittenList = Spanned<Vec<Spanned<String>>>;

/// The options as a `[[feeds]]` entry writes them, with their places in the file.
pub(super) struct Written {
    pub(super) only_categories: Option<WrittenList>,
    pub(super) skip_categories: Option<WrittenList>,
    pub(super) only_matching: Option<Spanned<String>>,
    pub(super) skip_matching: Option<Spanned<String>>,
    pub(super) show: Option<Show>,
    pub(super) author: Option<Spanned<String>>,
}

impl Written {
    /// The options, checked; every problem is added to `problems`, located in `text` (the
    /// file `rel`).
    pub(super) fn check(
        self,
        rel: &Path,
        text: &str,
        problems: &mut Vec<Diagnostic>,
    ) -> FeedOptions {
        let mut at = |offset: usize, message: String| {
            problems.push(Diagnostic::at(rel, text, offset, message));
        };
        let author = match self.author {
            Some(a) if a.get_ref().trim().is_empty() => {
                at(a.span().start, "author is empty, expected the name shown on the feed's posts, e.g. author = \"Ana Lima\"".into());
                None
            }
            Some(a) => Some(a.into_inner().trim().to_owned()),
            None => None,
        };
        FeedOptions {
            only_categories: categories("only_categories", self.only_categories, &mut at),
            skip_categories: categories("skip_categories", self.skip_categories, &mut at),
            only_matching: pattern("only_matching", self.only_matching, &mut at),
            skip_matching: pattern("skip_matching", self.skip_matching, &mut at),
            show: self.show,
            author,
        }
    }
}

/// A category list, trimmed; an empty list, or a category without a letter or a digit, is a
/// problem (it would hide every post, or match nothing).
fn categories(
    key: &str,
    list: Option<WrittenList>,
    at: &mut impl FnMut(usize, String),
) -> Vec<String> {
    let Some(list) = list else {
        return Vec::new();
    };
    let start = list.span().start;
    let list = list.into_inner();
    if list.is_empty() {
        at(
            start,
            format!("{key} is empty, expected at least one category, e.g. {key} = [\"rust\"]"),
        );
    }
    let mut out = Vec::new();
    for c in list {
        let name = c.get_ref().trim();
        if !name.chars().any(char::is_alphanumeric) {
            at(
                c.span().start,
                format!("{key}: '{name}' has no letter or digit, expected a category name"),
            );
        } else {
            out.push(name.to_owned());
        }
    }
    out
}

/// A title pattern, compiled case-insensitively with bounded size; a problem when it is empty,
/// too long or not a regular expression.
fn pattern(
    key: &str,
    value: Option<Spanned<String>>,
    at: &mut impl FnMut(usize, String),
) -> Option<Regex> {
    let value = value?;
    let start = value.span().start;
    let pattern = value.get_ref();
    if pattern.is_empty() {
        at(
            start,
            format!(
                "{key} is empty, expected a regular expression on post titles, e.g. {key} = '\\brust\\b'"
            ),
        );
        return None;
    }
    let chars = pattern.chars().count();
    if chars > MAX_PATTERN_CHARS {
        at(
            start,
            format!("{key} is {chars} characters long, expected at most {MAX_PATTERN_CHARS}"),
        );
        return None;
    }
    let compiled = RegexBuilder::new(pattern)
        .case_insensitive(true)
        .size_limit(PATTERN_SIZE_LIMIT)
        .dfa_size_limit(PATTERN_SIZE_LIMIT)
        .build();
    match compiled {
        Ok(re) => Some(re),
        Err(e) => {
            at(
                start,
                format!(
                    "{key} is not a valid regular expression: {}",
                    regex_problem(&e)
                ),
            );
            None
        }
    }
}

/// The regex crate's error in one line: its last line says what is wrong (the lines before
/// draw the pattern with a caret).
fn regex_problem(e: &regex::Error) -> String {
    match e {
        regex::Error::CompiledTooBig(_) => {
            "it is too big once compiled, write a simpler one".into()
        }
        other => {
            let text = other.to_string();
            let last = text
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("");
            last.trim().trim_start_matches("error: ").to_owned()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(toml_value: &str) -> (FeedOptions, Vec<String>) {
        #[derive(Deserialize)]
        struct Doc {
            only_matching: Option<Spanned<String>>,
            only_categories: Option<WrittenList>,
        }
        let text = format!("{toml_value}\n");
        let doc: Doc = toml::from_str(&text).unwrap();
        let written = Written {
            only_categories: doc.only_categories,
            skip_categories: None,
            only_matching: doc.only_matching,
            skip_matching: None,
            show: None,
            author: None,
        };
        let mut problems = Vec::new();
        let options = written.check(Path::new("people/a.toml"), &text, &mut problems);
        (options, problems.iter().map(|d| d.to_string()).collect())
    }

    #[test]
    fn patterns_are_checked_at_their_place() {
        let (options, problems) = check("only_matching = \"(rust\"");
        assert!(options.only_matching.is_none());
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].starts_with("people/a.toml:1:17: only_matching is not a valid regular expression: unclosed group"),
            "{problems:?}"
        );
        let long = format!("only_matching = \"{}\"", "a".repeat(MAX_PATTERN_CHARS + 1));
        assert!(check(&long).1[0].contains("expected at most 1000"));
        let (options, problems) = check("only_matching = 'Rust\\b'");
        assert!(problems.is_empty());
        assert!(options.only_matching.unwrap().is_match("why RUST is fun"));
    }

    #[test]
    fn category_lists_are_checked() {
        let (_, problems) = check("only_categories = []");
        assert!(
            problems[0].contains(":1:19: only_categories is empty"),
            "{problems:?}"
        );
        let (options, problems) = check("only_categories = [\" Debian \", \"--\"]");
        assert_eq!(options.only_categories, ["Debian"]);
        assert!(
            problems[0].contains(":1:32: only_categories: '--' has no letter"),
            "{problems:?}"
        );
    }
}
