//! Rendering ahead: while a build fetches (mostly waiting on the network), the pages are
//! rendered from the state the cache already holds; afterwards, a page is rendered again
//! only if what it is made of changed. "What it is made of" is a page's fingerprint: a
//! SHA-256 of everything the template sees (the page's own variables, its posts as the
//! template gets them) and of the template's name. The theme, the configuration and the
//! base URL are the same for both renderings (one build), so equal fingerprints mean equal
//! bytes, and a build that rendered ahead writes exactly the site a build that did not
//! would (tests/it/ahead.rs checks it).

use std::collections::HashMap;
use std::io::{self, Write as _};

use serde::Serialize;
use sha2::{Digest, Sha256};
use tera::{Context, Value};

/// A page's own template variables, as template values, and (when asked for) a running
/// hash of them, taken from the variables as serialized by the code that made them (tera's
/// own values hold maps in no set order).
#[derive(Clone, Default)]
pub(super) struct Vars {
    values: Vec<(&'static str, Value)>,
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
        if let Some(hash) = &mut self.hash {
            hash.text(key).value(value);
        }
        let value = Value::from_serializable(value);
        match self.values.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => self.values.push((key, value)),
        }
    }

    /// Moves the variables into a template context.
    pub(super) fn into_context(self, ctx: &mut Context) {
        for (key, value) in self.values {
            ctx.insert_value(key, value);
        }
    }
}

/// The fingerprints of the pages rendered ahead, by output path.
#[derive(Debug, Default)]
pub struct Ahead {
    /// Every page written ahead, with its fingerprint (`None`: it has none, and is rendered
    /// again).
    pages: HashMap<String, Option<[u8; 32]>>,
}

impl Ahead {
    /// Records that the page at `path` was written with this fingerprint.
    pub(super) fn record(&mut self, path: String, fingerprint: Option<[u8; 32]>) {
        self.pages.insert(path, fingerprint);
    }

    /// Whether the page at `path` was written ahead from the same inputs.
    pub(super) fn has(&self, path: &str, fingerprint: &[u8; 32]) -> bool {
        self.pages.get(path) == Some(&Some(*fingerprint))
    }

    /// The paths of the pages written ahead.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.pages.keys().map(String::as_str)
    }

    /// How many pages were written ahead.
    pub fn len(&self) -> usize {
        self.pages.len()
    }

    /// Whether no page was written ahead.
    pub fn is_empty(&self) -> bool {
        self.pages.is_empty()
    }
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

    /// Adds any serializable value, as JSON, followed by a byte that UTF-8 JSON never holds.
    pub(super) fn value<T: Serialize + ?Sized>(&mut self, value: &T) -> &mut Self {
        // serde_json writes in small pieces; the hash takes them best in large ones.
        let written = {
            let mut buffered = io::BufWriter::with_capacity(16 * 1024, Writer(&mut self.hash));
            serde_json::to_writer(&mut buffered, value).is_ok() && buffered.flush().is_ok()
        };
        self.broken |= !written;
        self.hash.update([0xff]);
        self
    }

    /// The fingerprint; `None` when a part could not be serialized.
    pub(super) fn finish(&mut self) -> Option<[u8; 32]> {
        let hash = std::mem::take(&mut self.hash).finalize().into();
        (!self.broken).then_some(hash)
    }
}

/// Feeds what `serde_json` writes straight into the hash.
struct Writer<'a>(&'a mut Sha256);

impl io::Write for Writer<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
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
