//! Reading TOML into a serde struct while reporting every problem, not only the first, in
//! words a person uses.
//!
//! serde stops at the first error. So that `toluu check` can list every problem of a file at
//! once, a problem at a key or a value (an unknown key, a value of the wrong type) is
//! reported, its entry blanked out of a copy of the text (spaces keep every offset, so later
//! positions stay right) and the text is read again. The structs stay the one place that says
//! which keys exist. serde's words ("expected usize", "expected a sequence") are put in
//! plain ones ("expected a whole number", "expected a list of strings").

use std::ops::Range;
use std::path::Path;

use serde::de::DeserializeOwned;
use toml_edit::{Document, Item, Table, Value};

use super::diagnostic::Diagnostic;

/// The most problems reported for one file.
const MAX_PROBLEMS: usize = 100;

/// Deserializes `text` (the file `rel`) into `T`. On failure, returns every unknown key, then
/// the first other error, each located in `text`.
pub fn from_str_all<T: DeserializeOwned>(rel: &Path, text: &str) -> Result<T, Vec<Diagnostic>> {
    match from_str_lenient(rel, text) {
        (Some(value), problems) if problems.is_empty() => Ok(value),
        (_, problems) => Err(problems),
    }
}

/// Like [`from_str_all`], but also returns the value read without the entries that had a
/// problem, when they were the only ones, so that the caller can check the rest. Spans in the
/// value point into `text`.
pub fn from_str_lenient<T: DeserializeOwned>(
    rel: &Path,
    text: &str,
) -> (Option<T>, Vec<Diagnostic>) {
    let (value, mut problems) = read_blanking(rel, text);
    problems.sort_by_key(|d| (d.line, d.col));
    (value, problems)
}

/// [`from_str_lenient`]'s loop: read, report, blank the entry, read again.
fn read_blanking<T: DeserializeOwned>(rel: &Path, text: &str) -> (Option<T>, Vec<Diagnostic>) {
    let mut current = text.to_owned();
    let mut problems = Vec::new();
    let mut blanked: Vec<String> = Vec::new();
    loop {
        let err = match toml::from_str::<T>(&current) {
            Ok(value) => return (Some(value), problems),
            Err(err) => err,
        };
        let message = err.message().trim().to_owned();
        // A required key blanked for its own problem: that problem was reported already.
        if blanked
            .iter()
            .any(|k| message == format!("missing field `{k}`"))
        {
            return (None, problems);
        }
        let span = err.span();
        let offset = span.as_ref().map_or(0, |s| s.start);
        problems.push(Diagnostic::at(rel, text, offset, plain_words(&message)));
        if problems.len() >= MAX_PROBLEMS {
            return (None, problems);
        }
        match span.and_then(|s| blank_entry(&current, s.start)) {
            Some((next, key)) if next != current => {
                current = next;
                blanked.push(key);
            }
            _ => return (None, problems),
        }
    }
}

/// serde's message put in plain words: what was expected (a whole number, a list of
/// strings, text) and what was found.
pub fn plain_words(message: &str) -> String {
    let Some(rest) = message
        .strip_prefix("invalid type: ")
        .or_else(|| message.strip_prefix("invalid value: "))
    else {
        return message.to_owned();
    };
    let Some((found, expected)) = rest.rsplit_once(", expected ") else {
        return message.to_owned();
    };
    format!(
        "expected {}, found {}",
        expected_words(expected),
        found_words(found)
    )
}

fn expected_words(expected: &str) -> String {
    match expected {
        "usize" | "u64" | "u32" | "u16" | "u8" => "a whole number (0 or more)".to_owned(),
        "isize" | "i64" | "i32" | "i16" | "i8" => "a whole number".to_owned(),
        "f64" | "f32" => "a number".to_owned(),
        "a boolean" => "true or false".to_owned(),
        "a string" | "path string" | "a borrowed string" => "text in quotes".to_owned(),
        "a sequence" => "a list of strings, e.g. [\"a\", \"b\"]".to_owned(),
        "a map" => "a table".to_owned(),
        other if other.starts_with("struct ") => "a table".to_owned(),
        other => other.to_owned(),
    }
}

fn found_words(found: &str) -> String {
    let quoted = |s: &str| s.trim_matches('`').to_owned();
    if let Some(s) = found.strip_prefix("string ") {
        format!("the text {s}")
    } else if let Some(n) = found
        .strip_prefix("integer ")
        .or_else(|| found.strip_prefix("floating point "))
    {
        format!("the number {}", quoted(n))
    } else if let Some(b) = found.strip_prefix("boolean ") {
        quoted(b)
    } else {
        match found {
            "sequence" => "a list".to_owned(),
            "map" => "a table".to_owned(),
            other => other.to_owned(),
        }
    }
}

/// `text` with the entry (key and value, or table) at `offset` (its key, or inside its value)
/// replaced by spaces, and the entry's key.
fn blank_entry(text: &str, offset: usize) -> Option<(String, String)> {
    let doc = Document::parse(text).ok()?;
    let mut ranges = Vec::new();
    let key = find_in_table(doc.as_table(), offset, &mut ranges)?;
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
    Some((String::from_utf8(bytes).ok()?, key))
}

fn find_in_table(table: &Table, offset: usize, out: &mut Vec<Range<usize>>) -> Option<String> {
    for (name, item) in table.iter() {
        let Some((key, _)) = table.get_key_value(name) else {
            continue;
        };
        let start = key.span().map_or(offset, |s| s.start);
        if key.span().is_some_and(|s| s.contains(&offset)) {
            item_ranges(item, start, out);
            return Some(name.to_owned());
        }
        let found = match item {
            Item::Table(t) => find_in_table(t, offset, out),
            Item::ArrayOfTables(a) => a.iter().find_map(|t| find_in_table(t, offset, out)),
            Item::Value(v) => find_in_value(v, offset, out).or_else(|| {
                let span = v.span().filter(|s| s.contains(&offset))?;
                out.push(start..span.end);
                Some(name.to_owned())
            }),
            Item::None => None,
        };
        if found.is_some() {
            return found;
        }
    }
    None
}

fn find_in_value(value: &Value, offset: usize, out: &mut Vec<Range<usize>>) -> Option<String> {
    match value {
        Value::InlineTable(t) => {
            for (name, v) in t.iter() {
                let Some((key, _)) = t.get_key_value(name) else {
                    continue;
                };
                let start = key.span().map_or(offset, |s| s.start);
                let end = v.span().map_or(start, |s| s.end);
                if key.span().is_some_and(|s| s.contains(&offset)) {
                    out.push(start..end);
                    return Some(name.to_owned());
                }
                if let Some(found) = find_in_value(v, offset, out) {
                    return Some(found);
                }
                if v.span().is_some_and(|s| s.contains(&offset)) {
                    out.push(start..end);
                    return Some(name.to_owned());
                }
            }
            None
        }
        Value::Array(a) => a.iter().find_map(|v| find_in_value(v, offset, out)),
        _ => None,
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
    fn reports_every_type_error_in_plain_words() {
        let found = lines("name = \"a\"\nbogus = 1\n[inner]\nn = \"x\"\n[[list]]\nn = 1.5\n");
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!((found[0].0, found[1].0, found[2].0), (2, 4, 6), "{found:?}");
        assert_eq!(found[1].2, "expected a whole number, found the text \"x\"");
        assert_eq!(found[2].2, "expected a whole number, found the number 1.5");
    }

    #[test]
    fn a_required_key_with_a_bad_value_is_reported_once() {
        let found = lines("name = 3\n[inner]\nn = \"x\"\n");
        let messages: Vec<&str> = found.iter().map(|f| f.2.as_str()).collect();
        assert_eq!(
            messages,
            vec![
                "expected text in quotes, found the number 3",
                "expected a whole number, found the text \"x\""
            ],
            "the missing name is not reported again; {found:?}"
        );
    }

    #[test]
    fn plain_words_for_serde_words() {
        assert_eq!(
            plain_words("invalid type: string \"rust\", expected a sequence"),
            "expected a list of strings, e.g. [\"a\", \"b\"], found the text \"rust\""
        );
        assert_eq!(
            plain_words("invalid value: integer `-3`, expected u64"),
            "expected a whole number (0 or more), found the number -3"
        );
        assert_eq!(
            plain_words("invalid type: string \"yes\", expected a boolean"),
            "expected true or false, found the text \"yes\""
        );
        assert_eq!(plain_words("unknown field `x`"), "unknown field `x`");
    }

    #[test]
    fn valid_text_parses() {
        assert!(lines("name = \"a\"\n[inner]\nn = 3\n").is_empty());
    }
}
