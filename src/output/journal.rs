//! The journal of one build's changes to its output: which staged files replace which, which
//! files go, and which state file (the pages' fingerprints) is installed with them. It is
//! written (to a temp file, then renamed: it is there whole or not at all) only once every
//! file is staged: that rename is the moment the new site is committed. Applying it is
//! idempotent (a staged file already moved, a file already removed, are skipped), so a build
//! killed while applying it leaves it for the next build, which applies it again before
//! anything else ([`recover`]).

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use rayon::prelude::*;

/// The path beside `out` that a build keeps its `tag` at (`.public.new`, `.public.journal`).
pub(crate) fn sibling(out: &Path, tag: &str) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".to_owned());
    out.with_file_name(format!(".{name}.{tag}"))
}

/// Removes a directory tree, its entries in parallel (thousands of small files).
pub(crate) fn remove_tree(dir: &Path) -> io::Result<()> {
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

/// What a build changes in its output directory.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Journal {
    /// The staging directory is the whole new site: it replaces the (missing or empty) output
    /// directory by one rename.
    pub(crate) whole: bool,
    /// Paths (relative, `/`-separated) of the staged files that replace those of the output.
    pub(crate) replace: Vec<String>,
    /// Paths of the output's files that the new site does not have.
    pub(crate) remove: Vec<String>,
    /// A state file to install with the site: (its temp file, where it goes).
    pub(crate) state: Option<(PathBuf, PathBuf)>,
}

/// Where the journal of the output `out` is kept: beside it.
pub(crate) fn path(out: &Path) -> PathBuf {
    sibling(out, "journal")
}

/// The temp file a state file at `path` is written to before the journal installs it.
pub(crate) fn temp_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_owned();
    name.push(".new");
    path.with_file_name(name)
}

impl Journal {
    /// Writes the journal (the commit), applies it, and removes it.
    pub(crate) fn commit(self, out: &Path) -> io::Result<()> {
        let bytes = serde_json::to_vec(&self).map_err(io::Error::other)?;
        let tmp = sibling(out, "journal.tmp");
        fs::write(&tmp, bytes)?;
        fs::rename(&tmp, path(out))?;
        self.apply(out)
    }

    /// Moves the staged files into `out`, removes the files that go, installs the state file,
    /// then removes the staging directory and the journal.
    fn apply(&self, out: &Path) -> io::Result<()> {
        let staging = sibling(out, "new");
        if self.whole {
            if staging.exists() {
                match fs::remove_dir(out) {
                    Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                    _ => {}
                }
                fs::rename(&staging, out)?;
            }
        } else {
            for rel in &self.replace {
                let from = staging.join(rel);
                if fs::symlink_metadata(&from).is_ok() {
                    let to = out.join(rel);
                    make_room(out, &to)?;
                    fs::rename(&from, &to)?;
                }
            }
            for rel in &self.remove {
                remove_file(out, &out.join(rel))?;
            }
            if staging.exists() {
                remove_tree(&staging)?;
            }
        }
        if let Some((tmp, to)) = &self.state
            && tmp.exists()
        {
            fs::rename(tmp, to)?;
        }
        fs::remove_file(path(out))
    }
}

/// Makes way in `out` for a file at `to`: its directories exist, and neither a directory at
/// `to` nor a file where one of its directories goes is in the way.
fn make_room(out: &Path, to: &Path) -> io::Result<()> {
    if fs::symlink_metadata(to).is_ok_and(|m| m.is_dir()) {
        remove_tree(to)?;
    }
    let Some(dir) = to.parent() else {
        return Ok(());
    };
    if fs::create_dir_all(dir).is_ok() {
        return Ok(());
    }
    // A file of the old site where the new one has a directory.
    let mut at = dir;
    while at != out {
        if fs::symlink_metadata(at).is_ok_and(|m| !m.is_dir()) {
            fs::remove_file(at)?;
            break;
        }
        at = at.parent().unwrap_or(out);
    }
    fs::create_dir_all(dir)
}

/// Removes the file at `file` (if it is still there) and the directories of `out` it leaves
/// empty.
fn remove_file(out: &Path, file: &Path) -> io::Result<()> {
    match fs::remove_file(file) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    let mut dir = file.parent();
    while let Some(d) = dir.filter(|d| *d != out && d.starts_with(out)) {
        if fs::read_dir(d).map_or(true, |mut e| e.next().is_some()) {
            break;
        }
        fs::remove_dir(d)?;
        dir = d.parent();
    }
    Ok(())
}

/// Applies the journal a killed build left beside `out`, or removes the staging directory of
/// one that was killed before writing its journal.
pub(crate) fn recover(out: &Path) -> io::Result<()> {
    let journal = path(out);
    match fs::read(&journal) {
        Ok(bytes) => {
            let journal: Journal = serde_json::from_slice(&bytes).map_err(|e| {
                io::Error::other(format!("{}: cannot read: {e}", path(out).display()))
            })?;
            journal.apply(out)
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            let staging = sibling(out, "new");
            if staging.exists() {
                remove_tree(&staging)?;
            }
            Ok(())
        }
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, text: &str) {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    /// A killed build's leftovers: an output with two files, a staging directory with one
    /// changed file and one new one.
    fn leftovers() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write(&out.join("a/index.html"), "old a");
        write(&out.join("b/index.html"), "old b");
        let staging = sibling(&out, "new");
        write(&staging.join("a/index.html"), "new a");
        write(&staging.join("c/d/index.html"), "new c");
        (dir, out, staging)
    }

    #[test]
    fn a_journal_left_by_a_killed_build_is_applied_by_the_next() {
        let (dir, out, staging) = leftovers();
        let state = dir.path().join("pages");
        fs::write(temp_path(&state), "new state").unwrap();
        let journal = Journal {
            whole: false,
            replace: vec!["a/index.html".into(), "c/d/index.html".into()],
            remove: vec!["b/index.html".into()],
            state: Some((temp_path(&state), state.clone())),
        };
        fs::write(path(&out), serde_json::to_vec(&journal).unwrap()).unwrap();
        // Killed after the first file was moved in.
        fs::rename(staging.join("a/index.html"), out.join("a/index.html")).unwrap();
        recover(&out).unwrap();
        assert_eq!(
            fs::read_to_string(out.join("a/index.html")).unwrap(),
            "new a"
        );
        assert_eq!(
            fs::read_to_string(out.join("c/d/index.html")).unwrap(),
            "new c"
        );
        assert!(!out.join("b").exists(), "removed, with its directory");
        assert_eq!(fs::read_to_string(&state).unwrap(), "new state");
        assert!(!staging.exists() && !path(&out).exists());
        // Applying it again (killed before the journal was removed) changes nothing.
        fs::write(path(&out), serde_json::to_vec(&journal).unwrap()).unwrap();
        recover(&out).unwrap();
        assert_eq!(
            fs::read_to_string(out.join("c/d/index.html")).unwrap(),
            "new c"
        );
    }

    #[test]
    fn a_staging_directory_without_a_journal_is_removed_and_the_site_kept() {
        let (_dir, out, staging) = leftovers();
        recover(&out).unwrap();
        assert!(!staging.exists());
        assert_eq!(
            fs::read_to_string(out.join("a/index.html")).unwrap(),
            "old a"
        );
        assert_eq!(
            fs::read_to_string(out.join("b/index.html")).unwrap(),
            "old b"
        );
        assert!(!out.join("c").exists());
    }

    #[test]
    fn a_whole_new_site_is_moved_in_even_if_killed_after_the_empty_output_went() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let staging = sibling(&out, "new");
        write(&staging.join("index.html"), "new");
        let journal = Journal {
            whole: true,
            replace: vec!["index.html".into()],
            remove: Vec::new(),
            state: None,
        };
        fs::write(path(&out), serde_json::to_vec(&journal).unwrap()).unwrap();
        recover(&out).unwrap();
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "new");
        assert!(!path(&out).exists());
    }

    #[test]
    fn a_file_where_a_directory_goes_and_a_directory_where_a_file_goes_make_way() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write(&out.join("x"), "a file");
        write(&out.join("y/z.html"), "in a directory");
        let staging = sibling(&out, "new");
        write(&staging.join("x/index.html"), "now a directory");
        write(&staging.join("y"), "now a file");
        Journal {
            whole: false,
            replace: vec!["x/index.html".into(), "y".into()],
            remove: Vec::new(),
            state: None,
        }
        .commit(&out)
        .unwrap();
        assert_eq!(
            fs::read_to_string(out.join("x/index.html")).unwrap(),
            "now a directory"
        );
        assert_eq!(fs::read_to_string(out.join("y")).unwrap(), "now a file");
    }
}
