//! The files rendering makes and where they go: [`OutputFile`], the [`Sink`] that takes them,
//! and the [`Emitter`] that hands them over unless a static file replaces them.

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A file of the built site: its path relative to the output root and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Path relative to the output directory, with `/` separators.
    pub path: String,
    /// The content.
    pub bytes: Vec<u8>,
}

/// Where rendered files go: called from several threads, in no set order.
pub type Sink<'a> = &'a (dyn Fn(OutputFile) -> Result<(), String> + Sync);

/// Hands rendered files to the sink, except those a static file of the theme or the site
/// replaces (static files win over rendered files of the same path), and counts them.
pub(super) struct Emitter<'a> {
    static_paths: HashSet<&'a str>,
    sink: Sink<'a>,
    count: AtomicUsize,
}

impl<'a> Emitter<'a> {
    /// An emitter into `sink` that leaves out the paths of `statics`.
    pub(super) fn new(statics: &'a [(String, Vec<u8>)], sink: Sink<'a>) -> Self {
        Emitter {
            static_paths: statics.iter().map(|(path, _)| path.as_str()).collect(),
            sink,
            count: AtomicUsize::new(0),
        }
    }

    /// Hands `file` over; `false` when a static file replaces it.
    pub(super) fn emit(&self, file: OutputFile) -> Result<bool, String> {
        if self.static_paths.contains(file.path.as_str()) {
            return Ok(false);
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        (self.sink)(file)?;
        Ok(true)
    }

    /// Whether a static file replaces the rendered file at `path`.
    pub(super) fn is_static(&self, path: &str) -> bool {
        self.static_paths.contains(path)
    }

    /// Counts a page that is already where it belongs.
    pub(super) fn count_kept(&self) {
        self.count.fetch_add(1, Ordering::Relaxed);
    }

    /// How many files were handed over or kept.
    pub(super) fn count(self) -> usize {
        self.count.into_inner()
    }
}
