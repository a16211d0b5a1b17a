//! Fingerprints: a page is rendered again only if what it is made of changed. "What it is
//! made of" is a page's fingerprint: a SHA-256 of everything the template sees (the page's own
//! variables, its posts as the template gets them) and of the template's name, with the
//! build's salt (the templates' sources, the configuration, the base URL, toluu's version).
//! Equal fingerprints mean equal bytes, so a build that keeps the pages whose fingerprint did
//! not change writes exactly the site a build from scratch would (tests/it/incremental_site.rs
//! checks it). The fingerprints are kept in the state between builds ([`PageStore`]).

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};
use tera::Context;

use super::values::Var;

/// A page's own template variables, each kept as the compact JSON its value serializes to
/// (a few bytes where a template value is a tree of maps, and shared by the pages of one
/// river), made into template values only if the page is rendered; and (when asked for) a
/// running hash of that JSON, which is the page's variables as the code that made them wrote
/// them (tera's own values hold maps in no set order).
#[derive(Clone, Default)]
pub(super) struct Vars {
    values: Vec<(&'static str, Arc<Var>)>,
    hash: Option<Fingerprint>,
}

impl Vars {
    /// No variables yet; `fingerprinted` keeps a hash of those to come.
    pub(super) fn new(fingerprinted: bool) -> Self {
        Vars {
            values: Vec::new(),
            hash: fingerprinted.then(Fingerprint::new),
        }
    }

    /// Sets `key` to `value` (replacing an earlier value of the same key).
    pub(super) fn insert<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        let json = match serde_json::to_string(value) {
            Ok(json) => json,
            Err(_) => {
                // Never for the plain views the pages are made of; if it were, the page
                // would have no fingerprint and the variable no value.
                if let Some(hash) = &mut self.hash {
                    hash.broken = true;
                }
                "null".to_owned()
            }
        };
        if let Some(hash) = &mut self.hash {
            hash.text(key).json(&json);
        }
        let var = Var::new(json);
        match self.values.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = var,
            None => self.values.push((key, var)),
        }
    }

    /// Moves the variables into a template context, as template values.
    pub(super) fn into_context(self, ctx: &mut Context) -> Result<(), String> {
        for (key, var) in self.values {
            let value = var
                .value()
                .map_err(|e| format!("template variable {key}: {e}"))?;
            ctx.insert_value(key, value);
        }
        Ok(())
    }
}

/// The fingerprints of a built site's pages, kept in the state (`.toluu/pages`) from one
/// build to the next: for each page, the fingerprint of what it was rendered from and the
/// length of the file written; for every other file of the site (Atom, OPML, assets), its
/// length. A page whose fingerprint is the same is not rendered again: its file is left as it
/// is. The store also holds the fingerprint of what every page shares (the templates, the
/// configuration, the base URL, toluu's version: [`PageStore::salt`]), when that changed, no
/// page is kept; and the digest of everything the site was built from but the fetch times
/// ([`PageStore::inputs`], see `pipeline::unchanged`), with the time a visit of the
/// follower or an icon lookup falls due ([`PageStore::due`]).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PageStore {
    /// What every page of the build shares.
    pub salt: [u8; 32],
    /// The digest of what the site was built from, but the fetch times; `None` when unknown.
    pub inputs: Option<[u8; 32]>,
    /// When the state's next visit or icon lookup falls due (Unix seconds); `None` for never.
    pub due: Option<i64>,
    /// Each file's path, its page's fingerprint (none for a file that is not a page) and its
    /// length.
    pages: HashMap<String, (Option<[u8; 32]>, u64)>,
    /// Whether every file the store names was found in the output at its length when read.
    intact: bool,
}

/// The first line of a store file, followed by the salt and the output directory's path.
const STORE_HEADER: &str = "toluu-pages 2";

impl PageStore {
    /// An empty store with this salt.
    pub fn new(salt: [u8; 32]) -> Self {
        PageStore {
            salt,
            inputs: None,
            due: None,
            pages: HashMap::new(),
            intact: true,
        }
    }

    /// The store at `path` for the site in `out`: empty when there is none, when it cannot be
    /// read or was written for another output directory. An entry whose file is not in `out`
    /// at the length written (a file removed or changed by hand) is left out: that page is
    /// rendered again (and the store is not [`PageStore::intact`]).
    pub fn read(path: &Path, out: &Path) -> Self {
        let Ok(text) = std::fs::read_to_string(path) else {
            return Self::default();
        };
        Self::parse(&text, out)
            .map(|mut store| {
                let named = store.pages.len();
                // One `stat` per file, thousands of them: in parallel.
                let gone: Vec<String> = store
                    .pages
                    .par_iter()
                    .filter(|(page, (_, len))| {
                        !std::fs::symlink_metadata(out.join(page))
                            .is_ok_and(|m| m.is_file() && m.len() == *len)
                    })
                    .map(|(page, _)| page.clone())
                    .collect();
                for page in &gone {
                    store.pages.remove(page);
                }
                store.intact = store.pages.len() == named;
                store
            })
            .unwrap_or_default()
    }

    fn parse(text: &str, out: &Path) -> Option<Self> {
        let mut lines = text.lines();
        let header = lines
            .next()?
            .strip_prefix(STORE_HEADER)?
            .strip_prefix(' ')?;
        let (salt, dir) = header.split_once(' ')?;
        if Path::new(dir) != out {
            return None;
        }
        let mut store = PageStore::new(from_hex(salt)?);
        let mut inputs = lines.next()?.strip_prefix("inputs ")?.split(' ');
        store.inputs = maybe_hex(inputs.next()?)?;
        store.due = match inputs.next()? {
            "never" => None,
            secs => Some(secs.parse().ok()?),
        };
        for line in lines {
            let mut parts = line.splitn(3, ' ');
            let fingerprint = maybe_hex(parts.next()?)?;
            let len = parts.next()?.parse().ok()?;
            store
                .pages
                .insert(parts.next()?.to_owned(), (fingerprint, len));
        }
        Some(store)
    }

    /// The store as its file holds it, for the site in `out` (one line per file, sorted).
    pub fn to_text(&self, out: &Path) -> String {
        let mut pages: Vec<_> = self.pages.iter().collect();
        pages.sort();
        let mut text = format!("{STORE_HEADER} {} {}\n", hex(&self.salt), out.display());
        let due = self
            .due
            .map_or_else(|| "never".to_owned(), |d| d.to_string());
        text.push_str(&format!(
            "inputs {} {due}\n",
            maybe_text(self.inputs.as_ref())
        ));
        // Thousands of lines: written piece by piece, not through `format!`.
        text.reserve(pages.iter().map(|(path, _)| path.len() + 90).sum());
        let mut digits = [0u8; 64];
        for (path, (fingerprint, len)) in pages {
            match fingerprint {
                Some(f) => {
                    hex::encode_to_slice(f, &mut digits).expect("64 digits for 32 bytes");
                    text.push_str(std::str::from_utf8(&digits).expect("hex digits are ASCII"));
                }
                None => text.push('-'),
            }
            text.push(' ');
            text.push_str(&len.to_string());
            text.push(' ');
            text.push_str(path);
            text.push('\n');
        }
        text
    }

    /// Records the page at `path`: rendered from `fingerprint`, its file `len` bytes long.
    pub fn insert(&mut self, path: String, fingerprint: [u8; 32], len: u64) {
        self.pages.insert(path, (Some(fingerprint), len));
    }

    /// Records a file of the site that is not a page (nothing to fingerprint), `len` bytes
    /// long.
    pub fn insert_file(&mut self, path: String, len: u64) {
        self.pages.entry(path).or_insert((None, len));
    }

    /// The length of the file at `path`, if the store has it.
    pub fn len_of(&self, path: &str) -> Option<u64> {
        self.pages.get(path).map(|(_, len)| *len)
    }

    /// Every file the store has, with its page's fingerprint (if it is a page) and its length.
    pub fn files(&self) -> impl Iterator<Item = (&str, Option<&[u8; 32]>, u64)> {
        self.pages
            .iter()
            .map(|(path, (fingerprint, len))| (path.as_str(), fingerprint.as_ref(), *len))
    }

    /// Whether the page at `path` was rendered from the same inputs, with the same salt.
    pub(super) fn has(&self, salt: &[u8; 32], path: &str, fingerprint: &[u8; 32]) -> bool {
        self.salt == *salt
            && self
                .pages
                .get(path)
                .is_some_and(|(f, _)| f.as_ref() == Some(fingerprint))
    }

    /// Whether every file the store named was in the output as written, when it was read.
    pub fn intact(&self) -> bool {
        self.intact
    }

    /// How many files the store has.
    pub fn len(&self) -> usize {
        self.pages.len()
    }

    /// Whether the store has no file.
    pub fn is_empty(&self) -> bool {
        self.pages.is_empty()
    }
}

fn maybe_text(bytes: Option<&[u8; 32]>) -> String {
    bytes.map_or_else(|| "-".to_owned(), hex)
}

/// `-` is none; `None` when the text is neither that nor a digest.
fn maybe_hex(text: &str) -> Option<Option<[u8; 32]>> {
    if text == "-" {
        Some(None)
    } else {
        from_hex(text).map(Some)
    }
}

fn hex(bytes: &[u8; 32]) -> String {
    hex::encode(bytes)
}

fn from_hex(text: &str) -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    hex::decode_to_slice(text, &mut out).ok()?;
    Some(out)
}

/// Builds a page's fingerprint from its parts, in order.
#[derive(Clone)]
pub(super) struct Fingerprint {
    hash: Sha256,
    /// A part could not be serialized: the page has no fingerprint (it is always rendered).
    broken: bool,
}

impl Fingerprint {
    pub(super) fn new() -> Self {
        Fingerprint {
            hash: Sha256::new(),
            broken: false,
        }
    }

    /// Adds a string (length-prefixed, so that parts cannot run into each other).
    pub(super) fn text(&mut self, text: &str) -> &mut Self {
        self.hash.update((text.len() as u64).to_le_bytes());
        self.hash.update(text.as_bytes());
        self
    }

    /// Adds an optional string (absent and empty differ).
    pub(super) fn maybe(&mut self, text: Option<&str>) -> &mut Self {
        match text {
            Some(text) => self.bytes(&[1]).text(text),
            None => self.bytes(&[0]),
        }
    }

    /// Adds raw bytes (of a length fixed by the caller, such as a digest).
    pub(super) fn bytes(&mut self, bytes: &[u8]) -> &mut Self {
        self.hash.update(bytes);
        self
    }

    /// Adds the variables (as they were inserted); without their hash, the fingerprint is
    /// broken.
    pub(super) fn vars(&mut self, vars: &Vars) -> &mut Self {
        match vars.hash.clone().as_mut().and_then(Fingerprint::finish) {
            Some(hash) => self.hash.update(hash),
            None => self.broken = true,
        }
        self
    }

    /// Adds a value written as JSON, followed by a byte that UTF-8 JSON never holds.
    pub(super) fn json(&mut self, json: &str) -> &mut Self {
        self.hash.update(json.as_bytes());
        self.hash.update([0xff]);
        self
    }

    /// The fingerprint; `None` when a part could not be serialized.
    pub(super) fn finish(&mut self) -> Option<[u8; 32]> {
        let hash = std::mem::take(&mut self.hash).finalize().into();
        (!self.broken).then_some(hash)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fingerprint_changes_with_any_part() {
        let mut vars = Vars::new(true);
        vars.insert("title", "A");
        let base = Fingerprint::new().text("feed.html").vars(&vars).finish();
        assert!(base.is_some());
        assert_eq!(
            base,
            Fingerprint::new().text("feed.html").vars(&vars).finish()
        );
        // Without the variables' hash there is no fingerprint.
        let mut unhashed = Vars::new(false);
        unhashed.insert("title", "A");
        assert_eq!(
            Fingerprint::new()
                .text("feed.html")
                .vars(&unhashed)
                .finish(),
            None
        );
        let mut other = vars.clone();
        other.insert("title", "B");
        assert_ne!(
            base,
            Fingerprint::new().text("feed.html").vars(&other).finish()
        );
        assert_ne!(
            base,
            Fingerprint::new().text("river.html").vars(&vars).finish()
        );
        // Parts cannot run into each other.
        assert_ne!(
            Fingerprint::new().text("ab").text("c").finish(),
            Fingerprint::new().text("a").text("bc").finish()
        );
    }
}
