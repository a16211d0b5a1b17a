//! Changing reading lists from the command line: appending a feed (`add`) and importing an
//! OPML file (`import`). Lists are edited with toml_edit, so comments and formatting stay.
//! Finding the feed of a URL is the refresh stage's (`refresh::autodiscover`).

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use toml_edit::{Array, ArrayOfTables, DocumentMut, InlineTable, Item, Table, Value};

use super::person::{Subscription, normalize_tags};
use crate::urls;

/// A feed to append to a person's list.
#[derive(Debug, Clone, Default)]
pub struct NewFeed {
    /// The person's slug.
    pub person: String,
    /// The feed URL.
    pub url: String,
    /// Tags for it.
    pub tags: Vec<String>,
    /// Why they read it.
    pub note: Option<String>,
    /// The person's name, when the list is created.
    pub name: Option<String>,
}

/// The list file of `slug`, checked to be a valid slug.
fn list_path(root: &Path, slug: &str) -> Result<PathBuf, String> {
    let ok = !slug.is_empty()
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if !ok {
        return Err(format!(
            "'{slug}' is not a valid person slug, expected lowercase letters, digits, '-' or '_'"
        ));
    }
    if root.join("people").join(format!("{slug}.opml")).exists() {
        return Err(format!(
            "people/{slug}.opml is an OPML list: edit it in your feed reader and export it again"
        ));
    }
    // `people/ana.toml`, not `./people/ana.toml`, when run from inside the site.
    let root = if root == Path::new(".") {
        Path::new("")
    } else {
        root
    };
    Ok(root.join("people").join(format!("{slug}.toml")))
}

/// A person's list, parsed for editing; a new one (with `name`) if the file does not exist.
fn open_list(path: &Path, name: &str) -> Result<DocumentMut, String> {
    if !path.exists() {
        let mut doc = DocumentMut::new();
        doc["name"] = toml_edit::value(name);
        return Ok(doc);
    }
    let text =
        fs::read_to_string(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    text.parse::<DocumentMut>()
        .map_err(|e| format!("{}: {}", path.display(), e.to_string().trim()))
}

/// The normalized URLs already in a list.
fn listed(doc: &DocumentMut) -> Vec<String> {
    let url_of = |v: Option<&Value>| {
        v.and_then(Value::as_str)
            .and_then(|u| urls::normalize(u).ok())
    };
    match doc.get("feeds") {
        Some(Item::ArrayOfTables(a)) => a
            .iter()
            .filter_map(|t| url_of(t.get("url").and_then(Item::as_value)))
            .collect(),
        Some(Item::Value(Value::Array(a))) => a
            .iter()
            .filter_map(|v| url_of(v.as_inline_table().and_then(|t| t.get("url"))))
            .collect(),
        _ => Vec::new(),
    }
}

/// Appends one feed entry to the list, as a `[[feeds]]` table (or to an inline array, if
/// the list is written that way).
fn append(doc: &mut DocumentMut, sub: &Subscription) -> Result<(), String> {
    let mut table = Table::new();
    table.decor_mut().set_prefix("\n");
    table["url"] = toml_edit::value(&sub.url);
    if let Some(title) = &sub.title {
        table["title"] = toml_edit::value(title);
    }
    if !sub.tags.is_empty() {
        table["tags"] = toml_edit::value(sub.tags.iter().collect::<Array>());
    }
    if let Some(note) = &sub.note {
        table["note"] = toml_edit::value(note);
    }
    match doc.get_mut("feeds") {
        None => {
            // Comments at the end of the file stay above the new table, not below it (where
            // `toluu fmt` puts them too).
            let trailing = doc.trailing().as_str().unwrap_or("").to_owned();
            if !trailing.trim().is_empty() {
                table
                    .decor_mut()
                    .set_prefix(format!("\n{}\n", trailing.trim()));
                doc.set_trailing("");
            }
            let mut array = ArrayOfTables::new();
            array.push(table);
            doc["feeds"] = Item::ArrayOfTables(array);
        }
        Some(Item::ArrayOfTables(array)) => array.push(table),
        Some(Item::Value(Value::Array(array))) => {
            let mut inline = InlineTable::new();
            for (k, v) in table.iter() {
                if let Some(v) = v.as_value() {
                    inline.insert(k, v.clone());
                }
            }
            array.push(inline);
        }
        Some(_) => return Err("`feeds` is neither a [[feeds]] list nor an array".to_owned()),
    }
    Ok(())
}

fn save(path: &Path, doc: &DocumentMut) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(|e| format!("{}: cannot create: {e}", dir.display()))?;
    }
    let tmp = path.with_extension("toml.tmp");
    fs::write(&tmp, doc.to_string())
        .and_then(|()| fs::rename(&tmp, path))
        .map_err(|e| format!("{}: cannot write: {e}", path.display()))
}

/// Appends `feed` to its person's list (created when missing), keeping every comment and the
/// formatting of the rest of the file. Returns the file written.
pub fn add_feed(root: &Path, feed: &NewFeed) -> Result<PathBuf, String> {
    let key = urls::normalize(&feed.url).map_err(|e| format!("'{}': {e}", feed.url))?;
    let path = list_path(root, &feed.person)?;
    let name = feed.name.clone().unwrap_or_else(|| feed.person.clone());
    let mut doc = open_list(&path, &name)?;
    if listed(&doc).contains(&key) {
        return Err(format!("{} already lists {}", path.display(), feed.url));
    }
    let sub = Subscription {
        url: feed.url.clone(),
        key,
        title: None,
        tags: normalize_tags(feed.tags.clone()),
        note: feed.note.clone().filter(|n| !n.trim().is_empty()),
        options: Default::default(),
    };
    append(&mut doc, &sub)?;
    save(&path, &doc)?;
    Ok(path)
}

/// What `import` did.
#[derive(Debug)]
pub struct ImportSummary {
    /// The list written.
    pub file: PathBuf,
    /// Feeds added.
    pub added: usize,
    /// Feeds the list already had.
    pub already_listed: usize,
    /// The outlines that could not be read, one problem each, at their line.
    pub skipped: Vec<crate::site::Diagnostic>,
}

/// "1 feed", "2 feeds".
fn feeds(n: usize) -> String {
    format!("{n} feed{}", if n == 1 { "" } else { "s" })
}

impl fmt::Display for ImportSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "imported {} into {} ({} already listed, {} skipped)",
            feeds(self.added),
            self.file.display(),
            self.already_listed,
            self.skipped.len()
        )
    }
}

/// Adds every feed of the OPML file `opml` to `person`'s list; outlines nested in folders get
/// the folders' names as tags, and a feed in several folders is added once with all of them.
/// An outline that cannot be read is skipped (it is in the summary); the import fails only when
/// the file is not OPML, or names no feed at all. A new list takes its name from the OPML's
/// owner or title.
pub fn import_opml(root: &Path, opml: &Path, person: &str) -> Result<ImportSummary, String> {
    let path = list_path(root, person)?;
    let bytes = fs::read(opml).map_err(|e| format!("{}: cannot read: {e}", opml.display()))?;
    let text = crate::site::opml::decode(&bytes, opml).map_err(|d| d.to_string())?;
    let parsed = crate::site::opml::read_list(&text, opml, person.to_owned()).map_err(|ds| {
        ds.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    })?;
    if parsed.outlines == 0 {
        return Err(format!(
            "{}: no outline has a feed URL (an xmlUrl attribute): nothing to import",
            opml.display()
        ));
    }
    let mut doc = open_list(&path, &parsed.person.name)?;
    let mut have = listed(&doc);
    let (mut added, mut already_listed) = (0, 0);
    for sub in &parsed.person.feeds {
        if have.contains(&sub.key) {
            already_listed += 1;
            continue;
        }
        append(&mut doc, sub)?;
        have.push(sub.key.clone());
        added += 1;
    }
    if added > 0 {
        save(&path, &doc)?;
    }
    Ok(ImportSummary {
        file: path,
        added,
        already_listed,
        skipped: parsed.skipped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sub(url: &str, tags: &[&str]) -> Subscription {
        Subscription {
            url: url.to_owned(),
            key: urls::normalize(url).unwrap(),
            title: None,
            tags: tags.iter().map(|t| t.to_string()).collect(),
            note: None,
            options: Default::default(),
        }
    }

    #[test]
    fn a_first_feed_goes_below_the_comments_at_the_end() {
        let mut doc: DocumentMut = "# top\nname = \"A\" # inline\n# homepage = \"x\"\n\n"
            .parse()
            .unwrap();
        append(&mut doc, &sub("https://a.example/feed", &["t"])).unwrap();
        assert_eq!(
            doc.to_string(),
            "# top\nname = \"A\" # inline\n\n# homepage = \"x\"\n[[feeds]]\nurl = \"https://a.example/feed\"\ntags = [\"t\"]\n"
        );
    }

    #[test]
    fn inline_feed_arrays_get_an_inline_table() {
        let mut doc: DocumentMut = "name = \"A\"\nfeeds = [{ url = \"https://a.example/\" }]\n"
            .parse()
            .unwrap();
        append(&mut doc, &sub("https://b.example/", &[])).unwrap();
        assert_eq!(
            listed(&doc),
            vec![
                "https://a.example/".to_owned(),
                "https://b.example/".to_owned()
            ]
        );
        assert!(
            doc.to_string().contains("{ url = \"https://b.example/\" }"),
            "{doc}"
        );
    }
}
