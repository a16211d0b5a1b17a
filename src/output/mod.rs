//! Writing the built site: the one writer. The whole output directory is written beside the
//! old one and swapped in, so a build that fails or is killed never leaves a half-written
//! site. On Linux the swap is one atomic `renameat2(RENAME_EXCHANGE)`: at every instant the
//! output directory holds a complete site, the old or the new. Elsewhere it is two renames,
//! and [`recover`] puts the old site back if a build died between them.
//!
//! Every output carries a marker file ([`claim::MARKER`]); [`claim::check`] says whether a
//! directory may be replaced at all, before a build starts.

pub mod claim;

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;

use crate::render::OutputFile;

pub(crate) fn sibling(out: &Path, tag: &str) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".to_owned());
    out.with_file_name(format!(".{name}.{tag}"))
}

/// Puts back the previous output if an earlier build was killed between its two renames.
pub fn recover(out: &Path) -> io::Result<()> {
    let old = sibling(out, "old");
    if !out.exists() && old.is_dir() {
        fs::rename(&old, out)?;
    }
    Ok(())
}

/// Writes `files` as the new content of `out`, replacing the old content at once. A file whose
/// bytes did not change is hard-linked from the old site instead of written again, so it keeps
/// its inode and modification time (deploys that sync by mtime stay small). Returns how many
/// files were new or changed.
pub fn write_site(out: &Path, files: &[OutputFile]) -> io::Result<usize> {
    let writer = SiteWriter::begin(out)?;
    files.par_iter().try_for_each(|file| writer.write(file))?;
    Ok(writer.finish()?.1)
}

/// The writer of one build, fed file by file as pages are rendered (from any thread), so the
/// whole site is never held in memory: [`SiteWriter::begin`] prepares a fresh directory beside
/// `out`, [`SiteWriter::write`] puts each file in it (hard-linked from the old site when its
/// bytes did not change), and [`SiteWriter::finish`] swaps it in. A writer dropped without
/// `finish` leaves the old site in place.
#[derive(Debug)]
pub struct SiteWriter {
    out: PathBuf,
    tmp: PathBuf,
    old: PathBuf,
    /// Every file written, and whether its bytes are new or changed.
    written: Mutex<HashMap<String, bool>>,
}

impl SiteWriter {
    /// Prepares an empty directory beside `out` for the new site.
    pub fn begin(out: &Path) -> io::Result<Self> {
        recover(out)?;
        if let Some(parent) = out.parent() {
            fs::create_dir_all(parent)?;
        }
        let tmp = sibling(out, "new");
        let old = sibling(out, "old");
        for stale in [&tmp, &old] {
            if stale.exists() {
                remove_site(stale)?;
            }
        }
        fs::create_dir_all(&tmp)?;
        fs::write(tmp.join(claim::MARKER), claim::MARKER_TEXT)?;
        Ok(SiteWriter {
            out: out.to_owned(),
            tmp,
            old,
            written: Mutex::new(HashMap::new()),
        })
    }

    /// Writes one file of the new site; writing a path again replaces what was written.
    pub fn write(&self, file: &OutputFile) -> io::Result<()> {
        let path = self.tmp.join(&file.path);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir)?;
        }
        let again = self.record(&file.path, true)?.is_some();
        if again {
            fs::remove_file(&path)?;
        }
        let previous = self.out.join(&file.path);
        if unchanged(&previous, &file.bytes) && fs::hard_link(&previous, &path).is_ok() {
            self.record(&file.path, false)?;
            return Ok(());
        }
        fs::write(&path, &file.bytes)
    }

    /// Removes a file written earlier in this build (a page that turned out not to belong),
    /// and the directories it leaves empty.
    pub fn remove(&self, path: &str) -> io::Result<()> {
        if self.lock()?.remove(path).is_none() {
            return Ok(());
        }
        let file = self.tmp.join(path);
        fs::remove_file(&file)?;
        let mut dir = file.parent();
        while let Some(d) = dir.filter(|d| *d != self.tmp) {
            if fs::read_dir(d)?.next().is_some() {
                break;
            }
            fs::remove_dir(d)?;
            dir = d.parent();
        }
        Ok(())
    }

    /// Notes that `path` was written, changed or not; returns what was noted before.
    fn record(&self, path: &str, changed: bool) -> io::Result<Option<bool>> {
        Ok(self.lock()?.insert(path.to_owned(), changed))
    }

    fn lock(&self) -> io::Result<std::sync::MutexGuard<'_, HashMap<String, bool>>> {
        self.written
            .lock()
            .map_err(|_| io::Error::other("a thread writing the site panicked"))
    }

    /// Swaps the new site in. Returns how many files were written and how many of them were
    /// new or changed.
    pub fn finish(self) -> io::Result<(usize, usize)> {
        // An empty or adopted (`--force`) directory is marked before it is swapped out, so a
        // build killed while removing it leaves a directory the next build knows as its own.
        if self.out.is_dir() && !claim::is_marked(&self.out) {
            fs::write(self.out.join(claim::MARKER), claim::MARKER_TEXT)?;
        }
        swap_in(&self.tmp, &self.out, &self.old)?;
        let written = self.lock()?;
        Ok((written.len(), written.values().filter(|c| **c).count()))
    }
}

impl Drop for SiteWriter {
    /// A build that failed before [`SiteWriter::finish`] leaves no half-written directory.
    fn drop(&mut self) {
        if self.tmp.exists() {
            let _ = remove_site(&self.tmp);
        }
    }
}

/// Removes a site written by a build: its marker last, so that a removal cut short leaves a
/// directory still marked as toluu's.
fn remove_site(dir: &Path) -> io::Result<()> {
    let entries: Vec<PathBuf> = fs::read_dir(dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<io::Result<_>>()?;
    let marker = dir.join(claim::MARKER);
    entries
        .par_iter()
        .filter(|path| **path != marker)
        .try_for_each(|path| {
            if fs::symlink_metadata(path)?.is_dir() {
                remove_tree(path)
            } else {
                fs::remove_file(path)
            }
        })?;
    if marker.exists() {
        fs::remove_file(&marker)?;
    }
    fs::remove_dir(dir)
}

/// Removes a directory tree, its entries in parallel (thousands of small files).
fn remove_tree(dir: &Path) -> io::Result<()> {
    let entries: Vec<PathBuf> = fs::read_dir(dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<io::Result<_>>()?;
    entries.par_iter().try_for_each(|path| {
        if fs::symlink_metadata(path)?.is_dir() {
            remove_tree(path)
        } else {
            fs::remove_file(path)
        }
    })?;
    fs::remove_dir(dir)
}

/// Whether the file at `path` holds exactly `bytes`.
fn unchanged(path: &Path, bytes: &[u8]) -> bool {
    match fs::metadata(path) {
        Ok(meta) if meta.is_file() && meta.len() == bytes.len() as u64 => {
            fs::read(path).is_ok_and(|old| old == bytes)
        }
        _ => false,
    }
}

/// Replaces `out` with `tmp`, atomically where the platform allows.
fn swap_in(tmp: &Path, out: &Path, old: &Path) -> io::Result<()> {
    if out.is_dir() && exchange(tmp, out).is_ok() {
        // `tmp` now holds the old site; a build killed here leaves it for the next to remove.
        return remove_site(tmp);
    }
    if out.exists() {
        fs::rename(out, old)?;
    }
    fs::rename(tmp, out)?;
    if old.exists() {
        remove_site(old)?;
    }
    Ok(())
}

/// Swaps two directories atomically.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let a = CString::new(a.as_os_str().as_bytes())?;
    let b = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both pointers are valid NUL-terminated strings that outlive the call, which only
    // reads them.
    let result = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if result == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Swaps two directories atomically: not available here, so the caller uses two renames.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn exchange(_a: &Path, _b: &Path) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}
