//! Which directory a build may replace with the site. A build replaces its output directory
//! whole, so it must be toluu's, provably: it carries the marker file a build writes into
//! every output ([`MARKER`]), or it is empty, or it does not exist yet. Anything else is
//! refused before anything is fetched, unless the user adopts it with `--force`. The site
//! directory, its ancestors and the site's own folders (`people/`, `.toluu/`, `pages/`,
//! `templates/`, `static/`, `themes/`, `.git/`) are refused even with `--force`, as are a
//! file and a symlink.

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use crate::site::{CONFIG_FILE, Diagnostic, Site};

/// The marker file a build writes at the top of every output directory it creates.
pub const MARKER: &str = ".toluu-output";

/// What the marker file says to a person who opens it.
pub const MARKER_TEXT: &str = "This directory is a site built by toluu. Every build replaces all of it:\n\
keep nothing of your own here. toluu replaces only a directory holding this file.\n";

/// The site's own folders, which never hold the output (nor are inside it).
const SITE_FOLDERS: [&str; 7] = [
    "people",
    "pages",
    "templates",
    "static",
    "themes",
    ".git",
    ".toluu",
];

/// Whether `dir` carries the marker of a toluu output.
pub fn is_marked(dir: &Path) -> bool {
    fs::symlink_metadata(dir.join(MARKER)).is_ok_and(|m| m.is_file())
}

/// Where a build of `site` writes (`given`, else `[build] output_dir`), once [`check`]ed; a
/// refusal is located at `output_dir` in `toluu.toml` when the directory came from there.
pub fn output_dir(site: &Site, given: Option<&Path>, force: bool) -> Result<PathBuf, Diagnostic> {
    let out = given.map_or_else(
        || site.root.join(&site.config.build.output_dir),
        Path::to_owned,
    );
    let Err(why) = check(site, &out, force) else {
        return Ok(out);
    };
    if given.is_some() {
        return Err(Diagnostic::path(&out, why));
    }
    let text = fs::read_to_string(site.root.join(CONFIG_FILE)).unwrap_or_default();
    let offset = crate::site::diagnostic::key_offset(&text, "output_dir").unwrap_or(0);
    let message = format!(
        "[build] output_dir '{}' ({}): {why}",
        site.config.build.output_dir.display(),
        out.display()
    );
    Err(Diagnostic::at(
        Path::new(CONFIG_FILE),
        &text,
        offset,
        message,
    ))
}

/// Checks that a build of `site` may replace `out` with the site; `force` adopts a directory
/// that holds files without the marker. The error, in plain words, says what is wrong and what
/// to do; nothing has been touched.
pub fn check(site: &Site, out: &Path, force: bool) -> Result<(), String> {
    let refuse = |why: String| Err(format!("refusing to write the site here: {why}"));
    let meta = fs::symlink_metadata(out);
    if meta.as_ref().is_ok_and(|m| m.file_type().is_symlink()) {
        return refuse(
            "it is a symlink, and a build replaces its output directory whole; \
             give the directory it points to instead"
                .to_owned(),
        );
    }
    if let Some(why) = site_folder(site, out) {
        return refuse(why);
    }
    match meta {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return refuse(format!("cannot read it: {e}")),
        Ok(m) if !m.is_dir() => {
            return refuse(
                "it is a file, not a directory; nothing was moved. Give a directory's path"
                    .to_owned(),
            );
        }
        Ok(_) => {}
    }
    if is_mount_point(out) {
        return refuse(format!(
            "it is a mount point (the top of another file system), and a build swaps its output \
             directory in whole by renaming it; write into a directory inside it instead, e.g. \
             {}",
            out.join("site").display()
        ));
    }
    let held = foreign_files(out).map_err(|e| format!("cannot read it: {e}"))?;
    if let Some(held) = held
        && !force
    {
        return refuse(format!(
            "it holds files toluu did not write ({held}), and a build replaces its output \
             directory whole. Choose a new or empty directory, or pass --force to replace what \
             it holds (also once for a site an older toluu built there)"
        ));
    }
    for tag in ["new", "old"] {
        let stale = super::sibling(out, tag);
        if fs::symlink_metadata(&stale).is_ok()
            && let Some(held) = foreign_files(&stale).ok().flatten()
        {
            return Err(format!(
                "{}: a build keeps its next and previous sites here, but it holds files toluu \
                 did not write ({held}); move it away",
                stale.display()
            ));
        }
    }
    Ok(())
}

/// Whether the directory `dir` is the top of a file system other than its parent's.
#[cfg(unix)]
fn is_mount_point(dir: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let real = resolve(dir);
    let Some(parent) = real.parent() else {
        return false;
    };
    match (fs::metadata(&real), fs::metadata(parent)) {
        (Ok(a), Ok(b)) => a.dev() != b.dev(),
        _ => false,
    }
}

/// Whether the directory `dir` is the top of another file system: not known here.
#[cfg(not(unix))]
fn is_mount_point(_dir: &Path) -> bool {
    false
}

/// A few names of what `dir` holds, when it is neither empty nor marked.
fn foreign_files(dir: &Path) -> io::Result<Option<String>> {
    if !fs::symlink_metadata(dir)?.is_dir() {
        return Ok(Some("it is not a directory".to_owned()));
    }
    if is_marked(dir) {
        return Ok(None);
    }
    let mut names: Vec<String> = fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                name + "/"
            } else {
                name
            }
        })
        .collect();
    if names.is_empty() {
        return Ok(None);
    }
    names.sort();
    let more = names.len().saturating_sub(3);
    names.truncate(3);
    let mut held = names.join(", ");
    if more > 0 {
        held.push_str(&format!(" and {more} more"));
    }
    Ok(Some(held))
}

/// Why `out` is one of the site's own places, if it is: the site directory, an ancestor of
/// it, one of its folders or inside one.
fn site_folder(site: &Site, out: &Path) -> Option<String> {
    let out = resolve(out);
    let root = resolve(&site.root);
    if root.starts_with(&out) {
        let what = if root == out {
            "it is the site directory itself"
        } else {
            "it holds the site directory"
        };
        return Some(format!(
            "{what}, and a build replaces its output directory whole; choose a directory of \
             its own, such as {}",
            site.root.join("public").display()
        ));
    }
    let cache = site.root.join(&site.config.build.cache_dir);
    // The state directory, unless it is the site directory itself (`cache_dir = "cache"`).
    let state = cache
        .parent()
        .map(Path::to_owned)
        .filter(|s| !root.starts_with(resolve(s)));
    let folders = SITE_FOLDERS
        .iter()
        .map(|f| site.root.join(f))
        .chain([cache])
        .chain(state);
    for folder in folders {
        let resolved = resolve(&folder);
        if out.starts_with(&resolved) || resolved.starts_with(&out) {
            let name = folder.strip_prefix(&site.root).unwrap_or(&folder);
            let at = if out == resolved {
                "it is"
            } else if out.starts_with(&resolved) {
                "it is inside"
            } else {
                "it holds"
            };
            return Some(format!(
                "{at} the site's {}/, which the site's own files live in; choose a \
                 directory of its own, such as {}",
                name.display(),
                site.root.join("public").display()
            ));
        }
    }
    None
}

/// `path` made absolute, component by component: each existing prefix through its symlinks
/// (so that `..` leaves the directory a symlink points to, as the OS does), the rest as
/// written, without `.` and `..`.
fn resolve(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    let mut out = PathBuf::new();
    for c in absolute.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => {
                out.push(other);
                if let Ok(real) = fs::canonicalize(&out) {
                    out = real;
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_takes_dot_dot_out_of_a_path_that_does_not_exist_yet() {
        let dir = tempfile::tempdir().unwrap();
        let real = fs::canonicalize(dir.path()).unwrap();
        let got = resolve(&dir.path().join("a/../b/./c"));
        assert_eq!(got, real.join("b/c"));
    }

    #[test]
    fn foreign_files_names_a_few_and_counts_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(foreign_files(dir.path()).unwrap(), None, "empty");
        for n in ["a", "b", "c", "d", "e"] {
            fs::write(dir.path().join(n), "").unwrap();
        }
        fs::create_dir(dir.path().join("0")).unwrap();
        assert_eq!(
            foreign_files(dir.path()).unwrap().as_deref(),
            Some("0/, a, b and 3 more")
        );
        fs::write(dir.path().join(MARKER), MARKER_TEXT).unwrap();
        assert_eq!(foreign_files(dir.path()).unwrap(), None, "marked");
    }
}
