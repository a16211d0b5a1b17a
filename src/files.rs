//! Files written whole or not at all: the one primitive that both the state (`.toluu/`) and
//! the user's own lists (`toluu fmt`, `toluu add`) are written with.

use std::fs;
use std::io::Write;
use std::path::Path;

/// Writes `bytes` to `path` through a temp file and a rename, so readers see the old or the new
/// content, never a mix.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = dir.join(format!(".{name}.tmp{}", std::process::id()));
    {
        let mut file = fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
    }
    fs::rename(&tmp, path)
}
