//! Files written whole or not at all: the one primitive that both the state (`.toluu/`) and
//! the user's own lists (`toluu fmt`, `toluu add`) are written with.

use std::fs;
use std::io::Write;
use std::path::Path;

/// Writes `bytes` to `path` through a temp file and a rename, so readers see the old or the new
/// content, never a mix. A write that fails (a full disk) removes its temp file, so it leaves
/// nothing behind and frees what it took.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomically_with(path, |out| out.write_all(bytes))
}

/// [`write_atomically`], the content written by `write` (through a buffer), so that a large
/// file need not be held in memory first.
pub fn write_atomically_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = dir.join(format!(".{name}.tmp{}", std::process::id()));
    let written = fs::File::create(&tmp).and_then(|file| {
        let mut out = std::io::BufWriter::with_capacity(64 * 1024, file);
        write(&mut out)?;
        let file = out.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()
    });
    let result = written.and_then(|()| fs::rename(&tmp, path));
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}
