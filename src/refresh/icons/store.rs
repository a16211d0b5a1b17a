//! The pictures kept in the state: `.toluu/icons/<id>.json` says where a picture came from
//! and when it was last checked (with its validators for a conditional GET), and
//! `.toluu/icons/<id>.<ext>` holds its bytes. `<id>` is a hash of what the picture is of (a
//! feed's URL, an avatar's URL), so it never changes with a title. Both files are written
//! atomically, the picture first: a killed build leaves a record that names a whole picture.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::files::write_atomically;
use crate::parse::images::{ImageKind, sniff};

/// The largest picture kept, in bytes (16 KB): a larger one is refused, not shrunk.
pub const ICON_MAX_BYTES: u64 = 16 * 1024;

/// A picture worth keeping: its kind (by its bytes) and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picture {
    /// What the bytes are.
    pub kind: ImageKind,
    /// The bytes, at most [`ICON_MAX_BYTES`].
    pub bytes: Vec<u8>,
}

/// The version of the record layout; records of another version are ignored.
pub const ICON_FORMAT: u32 = 1;

/// What the state knows of one picture.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IconRecord {
    /// Layout version, [`ICON_FORMAT`].
    pub format: u32,
    /// What the picture is of: a feed's normalized URL, or an avatar's URL.
    pub key: String,
    /// The picture the feed (or list) itself named when last checked: a change is fetched
    /// at once, not at the next check.
    #[serde(default)]
    pub named: Option<String>,
    /// Where the kept picture came from.
    #[serde(default)]
    pub source: Option<String>,
    /// The extension of the kept picture's file (`png`, `ico`...); `None`: none is kept.
    #[serde(default)]
    pub ext: Option<String>,
    /// The `ETag` of the kept picture, sent back as `If-None-Match`.
    #[serde(default)]
    pub etag: Option<String>,
    /// Its `Last-Modified`, sent back as `If-Modified-Since`.
    #[serde(default)]
    pub last_modified: Option<String>,
    /// When the picture was last looked for.
    pub checked_at: DateTime<Utc>,
    /// Why the last look found nothing new, in plain words.
    #[serde(default)]
    pub error: Option<String>,
}

/// The state's picture directory.
#[derive(Debug, Clone)]
pub struct IconStore {
    dir: PathBuf,
}

/// The stable id of what a picture is of: 16 hex digits of the SHA-256 of `key`.
pub fn icon_id(key: &str) -> String {
    hex::encode(&Sha256::digest(key.as_bytes())[..8])
}

impl IconStore {
    /// The store in `dir` (created on first write).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        IconStore { dir: dir.into() }
    }

    /// The directory the store lives in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn record_path(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{}.json", icon_id(key)))
    }

    fn picture_path(&self, key: &str, ext: &str) -> PathBuf {
        self.dir.join(format!("{}.{ext}", icon_id(key)))
    }

    /// The record of `key`: `Ok(None)` when there is none, `Err` naming the file when it is
    /// unreadable, corrupt, of another version or of another key.
    pub fn load(&self, key: &str) -> Result<Option<IconRecord>, String> {
        let path = self.record_path(key);
        let text = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("{}: cannot read icon record: {e}", path.display())),
        };
        let record: IconRecord = serde_json::from_str(&text)
            .map_err(|e| format!("{}: corrupt icon record, ignored: {e}", path.display()))?;
        if record.format != ICON_FORMAT || record.key != key {
            return Err(format!(
                "{}: icon record of another format or key, ignored",
                path.display()
            ));
        }
        Ok(Some(record))
    }

    /// The picture `record` names, checked again (a hand-edited state is not trusted).
    pub fn picture(&self, record: &IconRecord) -> Result<Option<Picture>, String> {
        let Some(ext) = &record.ext else {
            return Ok(None);
        };
        let path = self.picture_path(&record.key, ext);
        let bytes = fs::read(&path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
        let kind = sniff(&bytes).map_err(|e| format!("{}: {e}, ignored", path.display()))?;
        if bytes.len() as u64 > ICON_MAX_BYTES || ImageKind::from_ext(ext) != Some(kind) {
            return Err(format!(
                "{}: larger than 16 KB or not a .{ext}, ignored",
                path.display()
            ));
        }
        Ok(Some(Picture { kind, bytes }))
    }

    /// Keeps `record` and, when given, its picture (written first); removes the picture file
    /// of `old_ext` when the kept picture is now another kind.
    pub fn store(
        &self,
        record: &IconRecord,
        picture: Option<&Picture>,
        old_ext: Option<&str>,
    ) -> std::io::Result<()> {
        fs::create_dir_all(&self.dir)?;
        if let Some(p) = picture {
            write_atomically(&self.picture_path(&record.key, p.kind.ext()), &p.bytes)?;
        }
        let mut json = serde_json::to_string_pretty(record).map_err(std::io::Error::other)?;
        json.push('\n');
        write_atomically(&self.record_path(&record.key), json.as_bytes())?;
        if let Some(old) = old_ext
            && record.ext.as_deref() != Some(old)
        {
            let _ = fs::remove_file(self.picture_path(&record.key, old));
        }
        Ok(())
    }
}
