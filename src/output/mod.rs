//! Writing the built site: the one writer. A build changes only the files whose bytes changed:
//! each is written into a staging directory beside the output (`.public.new`), and only when
//! every file of the site is rendered are they moved into place, one rename each, with the
//! files the site no longer has removed. The point of no return is a journal
//! (`.public.journal`) written, by a rename, once everything is staged: a
//! build that fails or is killed before it leaves the previous site and its fingerprints as
//! they were (the staging directory is removed by the next build); one killed after it has
//! its journal finished by the next build, before that build does anything else. Every file
//! of the output is whole at every instant, its old bytes or its new ones. Files whose bytes
//! did not change are not touched at all: same inode, same modification time (deploys that
//! sync by mtime stay small).
//!
//! Every output carries a marker file ([`claim::MARKER`]); [`claim::check`] says whether a
//! directory may be written at all, before a build starts. The output directory is toluu's: a
//! file in it that the new site does not have is removed.

pub mod claim;
mod journal;

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;

use crate::render::{OutputFile, PageStore};
pub(crate) use journal::sibling;
use journal::{Journal, remove_tree};

/// Finishes what a killed build left: its journal, if it had written one (then the new site
/// is moved into place), else its staging directory is removed (the old site stays). Also puts
/// back the output an older toluu was killed between its two renames.
pub fn recover(out: &Path) -> io::Result<()> {
    let old = sibling(out, "old");
    if !out.exists() && old.is_dir() {
        fs::rename(&old, out)?;
    }
    journal::recover(out)
}

/// Writes `files` as the new content of `out`. Returns how many files were new or changed.
pub fn write_site(out: &Path, files: &[OutputFile]) -> io::Result<usize> {
    let writer = SiteWriter::begin(out)?;
    files.par_iter().try_for_each(|file| writer.write(file))?;
    Ok(writer.finish(None)?.changed)
}

/// What [`SiteWriter::finish`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Written {
    /// How many files the site has.
    pub files: usize,
    /// How many of them were new or changed (moved into place).
    pub changed: usize,
    /// How many files of the previous site were removed.
    pub removed: usize,
}

/// The writer of one build, fed file by file as pages are rendered (from any thread), so the
/// whole site is never held in memory: [`SiteWriter::begin`] prepares an empty staging
/// directory beside `out`, [`SiteWriter::write`] stages each file whose bytes differ from the
/// file in `out`, [`SiteWriter::keep`] notes a file left as it is, and [`SiteWriter::finish`]
/// moves the staged files in. A writer dropped without `finish` leaves the old site in place.
#[derive(Debug)]
pub struct SiteWriter {
    out: PathBuf,
    staging: PathBuf,
    /// Every file of the new site: its length, and whether it is staged (new or changed).
    files: Mutex<HashMap<String, (u64, bool)>>,
    /// The files `out` holds, listed while the site is rendered (nothing writes to `out`
    /// before [`SiteWriter::finish`]): the ones the new site does not have are removed.
    listing: Mutex<Option<std::thread::JoinHandle<io::Result<Vec<String>>>>>,
}

impl SiteWriter {
    /// Finishes or undoes what a killed build left ([`recover`]) and prepares an empty staging
    /// directory beside `out`.
    pub fn begin(out: &Path) -> io::Result<Self> {
        recover(out)?;
        if let Some(parent) = out.parent() {
            fs::create_dir_all(parent)?;
        }
        let staging = sibling(out, "new");
        if staging.exists() {
            remove_tree(&staging)?;
        }
        fs::create_dir_all(&staging)?;
        // Marked before anything is staged: what a build killed while staging leaves is
        // provably toluu's, and the next build removes it.
        fs::write(staging.join(claim::MARKER), claim::MARKER_TEXT)?;
        let listed = out.to_owned();
        let listing = out
            .is_dir()
            .then(|| std::thread::spawn(move || files_in(&listed)));
        Ok(SiteWriter {
            out: out.to_owned(),
            staging,
            files: Mutex::new(HashMap::new()),
            listing: Mutex::new(listing),
        })
    }

    /// Writes one file of the new site (staged, unless `out` already holds these bytes);
    /// writing a path again replaces what was written.
    pub fn write(&self, file: &OutputFile) -> io::Result<()> {
        let staged = self.staging.join(&file.path);
        let again = self.record(&file.path, file.bytes.len() as u64, true)?;
        if again.is_some_and(|(_, staged)| staged) {
            fs::remove_file(&staged)?;
        }
        if unchanged(&self.out.join(&file.path), &file.bytes) {
            self.record(&file.path, file.bytes.len() as u64, false)?;
            return Ok(());
        }
        if let Some(dir) = staged.parent() {
            fs::create_dir_all(dir)?;
        }
        fs::write(&staged, &file.bytes)
    }

    /// Notes that the file at `path`, `len` bytes long, is already in `out` as the new site
    /// has it (a page whose fingerprint did not change).
    pub fn keep(&self, path: &str, len: u64) -> io::Result<()> {
        if self
            .record(path, len, false)?
            .is_some_and(|(_, staged)| staged)
        {
            fs::remove_file(self.staging.join(path))?;
        }
        Ok(())
    }

    /// The length of each file of the new site, by path.
    pub fn lengths(&self) -> io::Result<HashMap<String, u64>> {
        Ok(self
            .lock()?
            .iter()
            .map(|(path, (len, _))| (path.clone(), *len))
            .collect())
    }

    /// Notes `path` as a file of the site; returns what was noted before.
    fn record(&self, path: &str, len: u64, staged: bool) -> io::Result<Option<(u64, bool)>> {
        Ok(self.lock()?.insert(path.to_owned(), (len, staged)))
    }

    fn lock(&self) -> io::Result<std::sync::MutexGuard<'_, HashMap<String, (u64, bool)>>> {
        self.files
            .lock()
            .map_err(|_| io::Error::other("a thread writing the site panicked"))
    }

    /// Moves the staged files into `out` and removes the files the site no longer has; with
    /// `state` (a path and its new content: the pages' fingerprints), installs it in the same
    /// journal, so that the fingerprints always describe the site in `out`.
    pub fn finish(self, state: Option<(PathBuf, Vec<u8>)>) -> io::Result<Written> {
        let files = std::mem::take(&mut *self.lock()?);
        let mut replace: Vec<String> = files
            .iter()
            .filter(|(_, (_, staged))| *staged)
            .map(|(path, _)| path.clone())
            .collect();
        replace.sort();
        let changed = replace.len();
        let whole = !self.out.exists() || is_empty_dir(&self.out);
        let listing = self.listing.lock().ok().and_then(|mut l| l.take());
        let remove = match listing {
            _ if whole => Vec::new(),
            Some(listing) => listing
                .join()
                .map_err(|_| io::Error::other("listing the site's files panicked"))??
                .into_iter()
                .filter(|rel| !files.contains_key(rel))
                .collect(),
            None => files_not_in(&self.out, &files)?,
        };
        // An empty or adopted (`--force`) directory is marked with the site.
        if whole || !claim::is_marked(&self.out) {
            fs::write(self.staging.join(claim::MARKER), claim::MARKER_TEXT)?;
            if !whole {
                replace.push(claim::MARKER.to_owned());
            }
        }
        let state = match state {
            Some((path, bytes)) => {
                let tmp = journal::temp_path(&path);
                fs::write(&tmp, bytes)?;
                Some((tmp, path))
            }
            None => None,
        };
        let written = Written {
            files: files.len(),
            changed,
            removed: remove.len(),
        };
        Journal {
            whole,
            replace,
            remove,
            state,
        }
        .commit(&self.out)?;
        Ok(written)
    }
}

impl Drop for SiteWriter {
    /// A build that failed before [`SiteWriter::finish`] leaves no staging directory (a build
    /// that finished has moved it in or removed it).
    fn drop(&mut self) {
        if self.staging.exists() && !journal::path(&self.out).exists() {
            let _ = remove_tree(&self.staging);
        }
    }
}

/// Whether `dir` is a directory with nothing in it.
fn is_empty_dir(dir: &Path) -> bool {
    fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_none())
}

/// Every file under `out` (symlinks included, the marker not) that is not among `files`, sorted.
fn files_not_in(out: &Path, files: &HashMap<String, (u64, bool)>) -> io::Result<Vec<String>> {
    let mut extra = files_in(out)?;
    extra.retain(|rel| !files.contains_key(rel));
    Ok(extra)
}

/// Every file under `out` (symlinks included, the marker not), by its path in the site, sorted.
fn files_in(out: &Path) -> io::Result<Vec<String>> {
    let mut all = Vec::new();
    for entry in walkdir::WalkDir::new(out).min_depth(1) {
        let entry = entry.map_err(io::Error::other)?;
        if entry.file_type().is_dir() {
            continue;
        }
        let rel = entry.path().strip_prefix(out).map_err(io::Error::other)?;
        let rel = rel.to_string_lossy().replace('\\', "/");
        if rel != claim::MARKER {
            all.push(rel);
        }
    }
    all.sort();
    Ok(all)
}

/// Whether the file at `path` holds exactly `bytes`.
fn unchanged(path: &Path, bytes: &[u8]) -> bool {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.is_file() && meta.len() == bytes.len() as u64 => {
            fs::read(path).is_ok_and(|old| old == bytes)
        }
        _ => false,
    }
}

/// The site as [`PageStore`] keeps it: each page's fingerprint with the length of its file in
/// `lengths`, and every other file of `lengths` with its length.
pub fn page_store(
    salt: [u8; 32],
    fingerprints: Vec<(String, [u8; 32])>,
    lengths: &HashMap<String, u64>,
) -> PageStore {
    let mut store = PageStore::new(salt);
    for (path, fingerprint) in fingerprints {
        if let Some(len) = lengths.get(&path) {
            store.insert(path, fingerprint, *len);
        }
    }
    for (path, len) in lengths {
        store.insert_file(path.clone(), *len);
    }
    store
}
