//! The site as served: the last good build, held in memory, and the rebuild that replaces it.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::live_reload::Reload;
use crate::{BuildOptions, Error};

/// One build's result, as served.
pub(super) struct Snapshot {
    /// The last good site, by path.
    pub(super) files: HashMap<String, Vec<u8>>,
    /// Why the last rebuild failed, until one succeeds.
    pub(super) error: Option<String>,
}

/// What the server threads share: the current snapshot and the reload signal.
pub(super) struct Shared {
    /// The site being served; a rebuild swaps it whole.
    pub(super) snapshot: Mutex<Arc<Snapshot>>,
    /// Rung after each rebuild.
    pub(super) reload: Reload,
}

impl Shared {
    /// Shares the first build, before any page is open.
    pub(super) fn new(first: Snapshot) -> Self {
        Shared {
            snapshot: Mutex::new(Arc::new(first)),
            reload: Reload::default(),
        }
    }

    /// The site being served now.
    pub(super) fn snapshot(&self) -> Arc<Snapshot> {
        self.snapshot
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

/// Renders the site; on failure keeps `previous`'s files and records the error.
pub(super) fn rebuild(
    root: &Path,
    options: &BuildOptions,
    previous: Option<&Snapshot>,
) -> Snapshot {
    match crate::render(root, options) {
        Ok(rendered) => Snapshot {
            files: rendered
                .files
                .into_iter()
                .map(|f| (f.path, f.bytes))
                .collect(),
            error: None,
        },
        Err(e) => Snapshot {
            files: previous.map(|p| p.files.clone()).unwrap_or_default(),
            error: Some(describe(&e)),
        },
    }
}

fn describe(e: &Error) -> String {
    match e {
        Error::Config(problems) => problems
            .iter()
            .map(|p| format!("error: {p}"))
            .collect::<Vec<_>>()
            .join("\n"),
        Error::Build(msg) => format!("error: {msg}"),
    }
}

/// Prints how the build went: the files built, or why it failed.
pub(super) fn report(snapshot: &Snapshot, elapsed: Duration) {
    match &snapshot.error {
        None => println!(
            "built {} files in {} ms",
            snapshot.files.len(),
            elapsed.as_millis()
        ),
        Some(error) => eprintln!("{error}\nthe site is not up to date: fix the file and save"),
    }
    let _ = std::io::stdout().flush();
}
