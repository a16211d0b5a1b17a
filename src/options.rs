//! What a caller asks of a build or a fetch, and why one could not complete.

use std::path::PathBuf;

use crate::refresh;
use crate::site::Diagnostic;

/// Options of one build, from the command line.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Build from the cache alone; fetch nothing.
    pub offline: bool,
    /// Override `base_url` (for previews).
    pub base_url: Option<String>,
    /// Override `[build] output_dir`.
    pub output_dir: Option<PathBuf>,
    /// Replace an output directory that holds files toluu did not write (`--force`); the
    /// site's own folders are refused even so (see [`crate::output::claim`]).
    pub force: bool,
    /// State directories of sharded fetches (`toluu fetch --shard`) to merge into the site's
    /// state before building.
    pub merge_state: Vec<PathBuf>,
    /// Fetch only the feeds the cache has never seen (`serve` rebuilds); ignored when offline.
    pub fetch_missing_only: bool,
    /// Told about each feed as it is refreshed (progress bars).
    pub observer: refresh::Observer,
}

/// Options of `toluu fetch`: refresh the state without building.
#[derive(Debug, Clone, Default)]
pub struct FetchOptions {
    /// Fetch only this shard of the feeds.
    pub shard: Option<refresh::shard::Shard>,
    /// Write the state here instead of the site's `[build] cache_dir`.
    pub cache_dir: Option<PathBuf>,
    /// The run's time; every shard of one run passes the same (default: now).
    pub at: Option<chrono::DateTime<chrono::Utc>>,
}

/// Why a build could not complete.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The site's files have problems; nothing was fetched or written.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Config(Vec<Diagnostic>),
    /// Something else went wrong (templates, disk); the previous output is untouched.
    #[error("{0}")]
    Build(String),
}
