//! `toluu fmt`: rewrites every reading list (`people/*.toml`) in one canonical form, keeping
//! comments, so that pull requests to the lists show only what changed.
//!
//! The canonical form:
//! - top-level keys in the order `name`, `bio`, `homepage`, `avatar`, `source`, then any other
//!   key in the order written; inside each `[[feeds]]` table `url`, `title`, `tags`, `note`,
//!   then any other key;
//! - keys bare, strings quoted the way `toml_edit` prefers (double quotes; single quotes when
//!   the text holds a `"` or a `\`, triple quotes when it spans lines), tags on one line as
//!   `["a", "b"]` (unless comments are written inside the array), one space around `=`;
//! - no blank lines between the keys of a table, exactly one blank line before each
//!   `[[feeds]]` header, one newline at the end of the file, no trailing whitespace;
//! - a feed list written inline (`feeds = [{ url = "…" }]`) becomes `[[feeds]]` tables;
//! - comments stay attached to what they were written above (or after, on the same line); a
//!   comment block at the top of the file followed by a blank line is the file's header and
//!   stays at the top, followed by one blank line.
//!
//! Feeds are **kept in the order written**, not sorted: the order of a reading list is the
//! person's own (people put the feeds they care most about first), the site shows it as
//! written, and sorting would turn the first `fmt` of every list into a diff of every line.

use std::fs;
use std::path::{Path, PathBuf};

use toml_edit::{Array, ArrayOfTables, DocumentMut, Item, Table, Value};

use super::diagnostic::Diagnostic;

/// The order of the top-level keys of a list.
const PERSON_KEYS: &[&str] = &["name", "bio", "homepage", "avatar", "source"];
/// The order of the keys of a `[[feeds]]` table.
const FEED_KEYS: &[&str] = &[
    "url",
    "title",
    "tags",
    "note",
    "author",
    "show",
    "only_categories",
    "skip_categories",
    "only_matching",
    "skip_matching",
];

/// What `fmt` did (or, with `check`, would do) to a site's lists.
#[derive(Debug, Default)]
pub struct FmtReport {
    /// Lists whose text is not in canonical form (rewritten unless `check`), relative to the
    /// site directory, sorted.
    pub changed: Vec<PathBuf>,
    /// Lists that were already canonical.
    pub unchanged: usize,
    /// Lists that could not be read or parsed; they are left untouched.
    pub problems: Vec<Diagnostic>,
}

/// Formats every `people/*.toml` list under `site_dir`. With `check`, writes nothing and only
/// reports which files would change.
pub fn fmt_site(site_dir: &Path, check: bool) -> FmtReport {
    let mut report = FmtReport::default();
    let people = site_dir.join("people");
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(&people)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    for path in files {
        let rel = path.strip_prefix(site_dir).unwrap_or(&path).to_owned();
        let text = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) => {
                report
                    .problems
                    .push(Diagnostic::file(&rel, format!("cannot read: {e}")));
                continue;
            }
        };
        let formatted = match format_list(&text) {
            Ok(formatted) => formatted,
            Err(e) => {
                let offset = e.span().map_or(0, |s| s.start);
                report.problems.push(Diagnostic::at(
                    &rel,
                    &text,
                    offset,
                    format!("cannot format: {}", e.message().trim()),
                ));
                continue;
            }
        };
        if formatted == text {
            report.unchanged += 1;
            continue;
        }
        if !check && let Err(e) = crate::files::write_atomically(&path, formatted.as_bytes()) {
            report
                .problems
                .push(Diagnostic::file(&rel, format!("cannot write: {e}")));
            continue;
        }
        report.changed.push(rel);
    }
    report
}

/// The canonical form of one list's text (see the module documentation). Formatting is
/// idempotent: `format_list(format_list(t)) == format_list(t)`.
pub fn format_list(text: &str) -> Result<String, toml_edit::TomlError> {
    let mut doc: DocumentMut = text.parse()?;
    let root = doc.as_table_mut();
    feeds_as_array_of_tables(root);
    // A comment block at the top of the file followed by a blank line is about the whole file:
    // it stays at the top whatever key comes first.
    let header = take_file_header(root);
    format_table(root, PERSON_KEYS);
    if !header.is_empty() {
        put_header_first(root, &header);
    }
    order_tables(&mut doc);
    let trailing = comments(doc.trailing().as_str().unwrap_or(""));
    doc.set_trailing(if trailing.is_empty() {
        String::new()
    } else {
        format!("\n{trailing}")
    });
    let mut out = doc.to_string();
    // Trailing whitespace inside a comment or after a value is never meaningful in a list.
    out = out
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n");
    let trimmed = out.trim_end_matches('\n');
    Ok(format!("{}\n", trimmed.trim_start_matches('\n')))
}

/// An inline array of feed tables becomes an array of tables.
fn feeds_as_array_of_tables(root: &mut Table) {
    if let Some(item) = root.get_mut("feeds")
        && item.is_array()
    {
        let taken = std::mem::replace(item, Item::None);
        *item = match taken.into_array_of_tables() {
            Ok(aot) => Item::ArrayOfTables(aot),
            Err(original) => original,
        };
    }
}

/// Puts the file's header comment before the first plain value.
fn put_header_first(root: &mut Table, header: &str) {
    let first_key = root
        .iter()
        .find(|(_, item)| item.is_value())
        .map(|(k, _)| k.to_owned());
    // `take_file_header` found the header on a plain value, so there is a first key.
    if let Some(key) = first_key
        && let Some(mut k) = root.key_mut(&key)
    {
        let rest = k
            .leaf_decor()
            .prefix()
            .and_then(|p| p.as_str())
            .unwrap_or("")
            .to_owned();
        k.leaf_decor_mut().set_prefix(format!("{header}\n{rest}"));
    }
}

/// Formats every table and array of tables, and numbers them in the order they are written.
fn order_tables(doc: &mut DocumentMut) {
    let has_root_values = doc.as_table().iter().any(|(_, item)| item.is_value());
    let mut position = 1;
    let mut first_table = !has_root_values;
    for (_, item) in doc.as_table_mut().iter_mut() {
        match item {
            Item::ArrayOfTables(aot) => {
                format_feeds(aot, &mut position, &mut first_table);
            }
            Item::Table(table) if !table.is_dotted() => {
                format_table(table, &[]);
                header_decor(table, first_table);
                first_table = false;
                table.set_position(Some(position));
                position += 1;
            }
            _ => {}
        }
    }
}

fn format_feeds(aot: &mut ArrayOfTables, position: &mut isize, first_table: &mut bool) {
    for table in aot.iter_mut() {
        format_table(table, FEED_KEYS);
        header_decor(table, *first_table);
        *first_table = false;
        table.set_position(Some(*position));
        *position += 1;
    }
}

/// Removes the file's header comment (comment lines at the very top followed by a blank line)
/// from the first key's decoration, and returns it (comment lines, without the blank line).
fn take_file_header(root: &mut Table) -> String {
    let Some(first) = root
        .iter()
        .find(|(_, item)| item.is_value())
        .map(|(k, _)| k.to_owned())
    else {
        return String::new();
    };
    let Some(mut key) = root.key_mut(&first) else {
        return String::new();
    };
    let prefix = key
        .leaf_decor()
        .prefix()
        .and_then(|p| p.as_str())
        .unwrap_or("")
        .to_owned();
    let lines: Vec<&str> = prefix.lines().collect();
    let Some(blank) = lines.iter().rposition(|l| l.trim().is_empty()) else {
        return String::new();
    };
    let header = comments(&lines[..blank].join("\n"));
    if header.is_empty() {
        return String::new();
    }
    key.leaf_decor_mut()
        .set_prefix(comments(&lines[blank..].join("\n")));
    header
}

/// A table header's decoration: one blank line, then its comments, unless it opens the file.
fn header_decor(table: &mut Table, first: bool) {
    let comments = comments(
        table
            .decor()
            .prefix()
            .and_then(|p| p.as_str())
            .unwrap_or(""),
    );
    let blank = if first { "" } else { "\n" };
    table.decor_mut().set_prefix(format!("{blank}{comments}"));
    table.decor_mut().set_suffix("");
}

/// Orders a table's keys (`order` first, then the rest as written) and normalizes each key's
/// and value's spacing, keeping comments.
fn format_table(table: &mut Table, order: &[&str]) {
    let rank = |key: &str| order.iter().position(|k| *k == key).unwrap_or(order.len());
    table.sort_values_by(|k1, _, k2, _| rank(k1.get()).cmp(&rank(k2.get())));
    let (keys, headers): (Vec<String>, Vec<String>) = table
        .iter()
        .map(|(k, _)| k.to_owned())
        .partition(|k| table.get(k).is_some_and(Item::is_value));
    for key in headers {
        // The key of a `[table]` or `[[array]]` header: written bare, no spaces.
        if let Some(mut k) = table.key_mut(&key) {
            k.fmt();
        }
    }
    for key in keys {
        if let Some(mut k) = table.key_mut(&key) {
            let prefix = comments(
                k.leaf_decor()
                    .prefix()
                    .and_then(|p| p.as_str())
                    .unwrap_or(""),
            );
            k.fmt();
            k.leaf_decor_mut().set_prefix(prefix);
            k.leaf_decor_mut().set_suffix(" ");
        }
        if let Some(value) = table.get_mut(&key).and_then(Item::as_value_mut) {
            format_value(value);
        }
    }
}

/// Normalizes one value: its own representation and the space around it, keeping a comment
/// written after it on the same line.
fn format_value(value: &mut Value) {
    let suffix = value
        .decor()
        .suffix()
        .and_then(|s| s.as_str())
        .map(str::trim)
        .filter(|s| s.starts_with('#'))
        .map(|c| format!(" {c}"))
        .unwrap_or_default();
    match value {
        Value::String(s) => s.fmt(),
        Value::Integer(i) => i.fmt(),
        Value::Boolean(b) => b.fmt(),
        Value::Array(a) => format_array(a),
        _ => {}
    }
    value.decor_mut().set_prefix(" ");
    value.decor_mut().set_suffix(suffix);
}

/// Puts an array on one line, unless comments are written inside it (then it is kept as is,
/// since one line cannot hold them).
fn format_array(array: &mut Array) {
    let has_comment = array.trailing().as_str().is_some_and(|t| t.contains('#'))
        || array.iter().any(|v| {
            let d = v.decor();
            [d.prefix(), d.suffix()]
                .into_iter()
                .flatten()
                .any(|s| s.as_str().is_some_and(|s| s.contains('#')))
        });
    if has_comment {
        return;
    }
    for v in array.iter_mut() {
        if let Value::String(s) = v {
            s.fmt();
        }
    }
    array.fmt();
    array.set_trailing_comma(false);
    array.set_trailing("");
}

/// The comment lines of a piece of whitespace-and-comments, each trimmed and ending in a
/// newline; blank lines are dropped.
fn comments(raw: &str) -> String {
    raw.lines()
        .map(str::trim)
        .filter(|l| l.starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_keys_and_keeps_comments() {
        let text = "# top\nbio = 'Reads.'   \nhomepage = \"https://ana.example/\"\n\n# who\nname = \"Ana\" # me\n\n\n\
            # first feed\n[[feeds]]\nnote = \"n\"\n  tags = [ 'x',   'y' ]\nurl = 'https://a.example/'\n\
            [[feeds]]\nurl = \"https://b.example/\"\n# the end\n";
        let out = format_list(text).unwrap();
        assert_eq!(
            out,
            "# who\nname = \"Ana\" # me\n# top\nbio = \"Reads.\"\nhomepage = \"https://ana.example/\"\n\n\
             # first feed\n[[feeds]]\nurl = \"https://a.example/\"\ntags = [\"x\", \"y\"]\nnote = \"n\"\n\n\
             [[feeds]]\nurl = \"https://b.example/\"\n\n# the end\n"
        );
        assert_eq!(format_list(&out).unwrap(), out);
    }

    #[test]
    fn idempotent_on_messy_input() {
        let text = "# Ana's list\n\n\nname = 'Ana'\n[[feeds]]\ntags = [ 'b' ,\"a\", ]   # mine\n\
            note='Why \"this\"'\nurl = \"https://a.example/feed\"\n\n\n\n# second\n[[feeds]]\nurl=\"https://b.example/\"\n";
        let once = format_list(text).unwrap();
        assert_eq!(format_list(&once).unwrap(), once);
        assert!(once.contains("tags = [\"b\", \"a\"] # mine\n"), "{once}");
        assert!(once.contains("note = 'Why \"this\"'"), "{once}");
        assert!(once.contains("\n\n# second\n[[feeds]]\n"), "{once}");
        // The data is the same.
        let a: toml::Value = toml::from_str(text).unwrap();
        let b: toml::Value = toml::from_str(&once).unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn multi_line_and_awkward_strings_round_trip() {
        let text = "name = \"Ana\"\nbio = \"\"\"\nFirst line.\nSecond \"quoted\" line with 'both'.\n\"\"\"\nsource = 'C:\\path'\n";
        let out = format_list(text).unwrap();
        assert_eq!(format_list(&out).unwrap(), out);
        let a: toml::Value = toml::from_str(text).unwrap();
        let b: toml::Value = toml::from_str(&out).unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn a_file_header_comment_stays_at_the_top() {
        let text = "# Reading list of Ana.\n# Edit by pull request.\n\n\n# about bio\nbio = 'x'\nname = 'A'\n";
        let out = format_list(text).unwrap();
        assert_eq!(
            out,
            "# Reading list of Ana.\n# Edit by pull request.\n\nname = \"A\"\n# about bio\nbio = \"x\"\n"
        );
        assert_eq!(format_list(&out).unwrap(), out);
    }

    #[test]
    fn inline_feed_arrays_become_tables() {
        let text = "name = \"Bo\"\nfeeds = [{ url = \"https://a.example/\", tags = [\"x\"] }, { url = \"https://b.example/\" }]\n";
        let out = format_list(text).unwrap();
        assert_eq!(
            out,
            "name = \"Bo\"\n\n[[feeds]]\nurl = \"https://a.example/\"\ntags = [\"x\"]\n\n[[feeds]]\nurl = \"https://b.example/\"\n"
        );
        assert_eq!(format_list(&out).unwrap(), out);
    }
}
