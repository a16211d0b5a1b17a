//! Writing the built site: the one writer. The whole output directory is written beside the
//! old one and swapped in with renames, so a build that fails or is killed never leaves a
//! half-written site.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::render::OutputFile;

fn sibling(out: &Path, tag: &str) -> PathBuf {
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

/// Writes `files` as the new content of `out`, replacing the old content at once.
pub fn write_site(out: &Path, files: &[OutputFile]) -> io::Result<()> {
    recover(out)?;
    if let Some(parent) = out.parent() {
        fs::create_dir_all(parent)?;
    }
    let tmp = sibling(out, "new");
    let old = sibling(out, "old");
    for stale in [&tmp, &old] {
        if stale.exists() {
            fs::remove_dir_all(stale)?;
        }
    }
    fs::create_dir_all(&tmp)?;
    for file in files {
        let path = tmp.join(&file.path);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir)?;
        }
        fs::write(&path, &file.bytes)?;
    }
    if out.exists() {
        fs::rename(out, &old)?;
    }
    fs::rename(&tmp, out)?;
    if old.exists() {
        fs::remove_dir_all(&old)?;
    }
    Ok(())
}
