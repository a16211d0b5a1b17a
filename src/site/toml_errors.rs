//! Reading TOML into a serde struct while reporting every unknown key, not only the first.
//!
//! serde stops at the first error. So that `toluu check` can list every unknown key at once,
//! an unknown key is reported, blanked out of a copy of the text (spaces keep every offset, so
//! later positions stay right) and the text is read again. The structs stay the one place that
//! says which keys exist.

use std::ops::Range;
use std::path::Path;

use serde::de::DeserializeOwned;
use toml_edit::{Document, Item, Table, Value};

use super::diagnostic::Diagnostic;

/// The most unknown keys reported for one file.
const MAX_UNKNOWN: usize = 100;

/// Deserializes `text` (the file `rel`) into `T`. On failure, returns every unknown key, then
/// the first other error, each located in `text`.
pub fn from_str_all<T: DeserializeOwned>(rel: &Path, text: &str) -> Result<T, Vec<Diagnostic>> {
    match from_str_lenient(rel, text) {
        (Some(value), problems) if problems.is_empty() => Ok(value),
        (_, problems) => Err(problems),
    }
}

/// Like [`from_str_all`], but also returns the value read without the unknown keys, when
/// they were the only problem, so that the caller can check the rest. Spans in the value
/// point into `text`.
pub fn from_str_lenient<T: DeserializeOwned>(
    rel: &Path,
    text: &str,
) -> (Option<T>, Vec<Diagnostic>) {
    let mut current = text.to_owned();
    let mut problems = Vec::new();
    loop {
        let err = match toml::from_str::<T>(&current) {
            Ok(value) => return (Some(value), problems),
            Err(err) => err,
        };
        let span = err.span();
        let offset = span.as_ref().map_or(0, |s| s.start);
        let message = err.message().trim().to_owned();
        let unknown = message.starts_with("unknown field");
        problems.push(Diagnostic::at(rel, text, offset, message));
        if !unknown || problems.len() >= MAX_UNKNOWN {
            return (None, problems);
        }
        match span.and_then(|s| blank_entry(&current, s.start)) {
            Some(next) if next != current => current = next,
            _ => return (None, problems),
        }
    }
}

/// `text` with the key at `offset` and its value (or table) replaced by spaces.
fn blank_entry(text: &str, offset: usize) -> Option<String> {
    let doc = Document::parse(text).ok()?;
    let mut ranges = Vec::new();
    find_in_table(doc.as_table(), offset, &mut ranges);
    if ranges.is_empty() {
        return None;
    }
    let mut bytes = text.as_bytes().to_vec();
    for range in ranges {
        for b in &mut bytes[range.start.min(text.len())..range.end.min(text.len())] {
            if *b != b'\n' {
                *b = b' ';
            }
        }
    }
    String::from_utf8(bytes).ok()
}

fn find_in_table(table: &Table, offset: usize, out: &mut Vec<Range<usize>>) -> bool {
    for (name, item) in table.iter() {
        let Some((key, _)) = table.get_key_value(name) else {
            continue;
        };
        if key.span().is_some_and(|s| s.contains(&offset)) {
            let start = key.span().map_or(offset, |s| s.start);
            item_ranges(item, start, out);
            return true;
        }
        let found = match item {
            Item::Table(t) => find_in_table(t, offset, out),
            Item::ArrayOfTables(a) => a.iter().any(|t| find_in_table(t, offset, out)),
            Item::Value(v) => find_in_value(v, offset, out),
            Item::None => false,
        };
        if found {
            return true;
        }
    }
    false
}

fn find_in_value(value: &Value, offset: usize, out: &mut Vec<Range<usize>>) -> bool {
    match value {
        Value::InlineTable(t) => {
            for (name, v) in t.iter() {
                let Some((key, _)) = t.get_key_value(name) else {
                    continue;
                };
                if key.span().is_some_and(|s| s.contains(&offset)) {
                    let start = key.span().map_or(offset, |s| s.start);
                    let end = v.span().map_or(start, |s| s.end);
                    out.push(start..end);
                    return true;
                }
                if find_in_value(v, offset, out) {
                    return true;
                }
            }
            false
        }
        Value::Array(a) => a.iter().any(|v| find_in_value(v, offset, out)),
        _ => false,
    }
}

/// The ranges of `item` (whose key starts at `key_start`): a value from its key to its end; a
/// table its header and every entry.
fn item_ranges(item: &Item, key_start: usize, out: &mut Vec<Range<usize>>) {
    match item {
        Item::Value(v) => out.push(key_start..v.span().map_or(key_start, |s| s.end)),
        Item::Table(t) => table_ranges(t, out),
        Item::ArrayOfTables(a) => a.iter().for_each(|t| table_ranges(t, out)),
        Item::None => {}
    }
}

fn table_ranges(table: &Table, out: &mut Vec<Range<usize>>) {
    if let Some(span) = table.span() {
        out.push(span);
    }
    for (name, item) in table.iter() {
        if let Some((key, _)) = table.get_key_value(name) {
            let start = key.span().map_or(0, |s| s.start);
            item_ranges(item, start, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Top {
        name: String,
        #[serde(default)]
        inner: Inner,
        #[serde(default)]
        list: Vec<Inner>,
    }

    #[derive(Debug, Default, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        #[serde(default)]
        n: i64,
    }

    fn lines(text: &str) -> Vec<(usize, usize, String)> {
        match from_str_all::<Top>(Path::new("f.toml"), text) {
            Ok(_) => Vec::new(),
            Err(ds) => ds.into_iter().map(|d| (d.line, d.col, d.message)).collect(),
        }
    }

    #[test]
    fn reports_every_unknown_key_with_its_position() {
        let text = "name = \"a\"\nbogus = 1\n[inner]\nn = 1\nextra = [1,\n 2]\n[[list]]\nn = 2\n[[list]]\nm = 3\n[unknown]\nx = 1\n";
        let found = lines(text);
        let at: Vec<(usize, usize)> = found.iter().map(|(l, c, _)| (*l, *c)).collect();
        assert_eq!(at, vec![(2, 1), (5, 1), (10, 1), (11, 2)], "{found:?}");
        assert!(found.iter().all(|(_, _, m)| m.starts_with("unknown field")));
    }

    #[test]
    fn stops_at_the_first_other_error() {
        let found = lines("bogus = 1\n[inner]\nn = \"x\"\n");
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].0, 1);
        assert_eq!(found[1].0, 3);
    }

    #[test]
    fn valid_text_parses() {
        assert!(lines("name = \"a\"\n[inner]\nn = 3\n").is_empty());
    }
}
