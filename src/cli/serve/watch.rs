//! Watching the site's sources: which files count, and the thread that rebuilds the site when
//! they change.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use notify_debouncer_full::notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, new_debouncer};

use super::snapshot::{Shared, rebuild, report};
use crate::BuildOptions;
use crate::site::CONFIG_FILE;

/// The source directories watched (besides `toluu.toml`).
pub const WATCHED_DIRS: [&str; 5] = ["people", "pages", "templates", "static", "themes"];

/// How long the watcher waits for a burst of file events to end.
const DEBOUNCE: Duration = Duration::from_millis(50);

/// Watches `root` and starts the thread that rebuilds into `shared` with `options`.
///
/// The watcher reports absolute paths, so `root` is made absolute (and canonical) first: a
/// relative root (`toluu serve`, `toluu serve site`) would match none of them.
pub(super) fn start(root: &Path, shared: Arc<Shared>, options: BuildOptions) -> Result<(), String> {
    let root = root
        .canonicalize()
        .map_err(|e| format!("cannot watch {}: {e}", root.display()))?;
    let (tx, rx) = mpsc::channel();
    let mut debouncer = new_debouncer(DEBOUNCE, None, move |r: DebounceEventResult| {
        let _ = tx.send(r);
    })
    .map_err(|e| format!("cannot watch {}: {e}", root.display()))?;
    debouncer
        .watch(&root, RecursiveMode::NonRecursive)
        .map_err(|e| format!("cannot watch {}: {e}", root.display()))?;
    for dir in WATCHED_DIRS.iter().map(|d| root.join(d)) {
        if dir.is_dir() {
            let _ = debouncer.watch(&dir, RecursiveMode::Recursive);
        }
    }
    thread::spawn(move || {
        watch_loop(&root, &rx, &shared, &options, |dir| {
            let _ = debouncer.watch(dir, RecursiveMode::Recursive);
        });
    });
    Ok(())
}

/// Rebuilds on every burst of relevant file events.
fn watch_loop(
    root: &Path,
    rx: &mpsc::Receiver<DebounceEventResult>,
    shared: &Shared,
    options: &BuildOptions,
    mut watch_new_dir: impl FnMut(&Path),
) {
    for result in rx {
        let events = match result {
            Ok(events) => events,
            Err(errors) => {
                for e in errors {
                    eprintln!("warning: watching files: {e}");
                }
                continue;
            }
        };
        let mut relevant = false;
        for event in &events {
            if matches!(event.kind, EventKind::Access(_)) {
                continue;
            }
            for path in &event.paths {
                if let Some(dir) = new_watched_dir(root, path) {
                    watch_new_dir(&dir);
                }
                relevant |= is_source(root, path);
            }
        }
        if !relevant {
            continue;
        }
        let started = Instant::now();
        let previous = shared.snapshot();
        let next = rebuild(root, options, Some(&previous));
        match &next.error {
            None => println!("rebuilt in {} ms", started.elapsed().as_millis()),
            Some(_) => report(&next, started.elapsed()),
        }
        let _ = std::io::stdout().flush();
        *shared.snapshot.lock().unwrap_or_else(|e| e.into_inner()) = Arc::new(next);
        shared.reload.bump();
    }
}

/// Whether `path` is one of the site's sources: `toluu.toml` or a file in a watched
/// directory, not an editor's temporary file.
pub fn is_source(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let name = rel
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".tmp")
        || name == "4913";
    if temporary {
        return false;
    }
    rel == Path::new(CONFIG_FILE)
        || rel
            .components()
            .next()
            .is_some_and(|c| WATCHED_DIRS.iter().any(|d| c.as_os_str() == *d))
}

/// A watched directory created at the site's top level after the server started.
fn new_watched_dir(root: &Path, path: &Path) -> Option<PathBuf> {
    let rel = path.strip_prefix(root).ok()?;
    let is_top = rel.components().count() == 1;
    (is_top && path.is_dir() && WATCHED_DIRS.iter().any(|d| rel == Path::new(d)))
        .then(|| path.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_are_the_config_and_watched_dirs() {
        let root = Path::new("/site");
        assert!(is_source(root, Path::new("/site/toluu.toml")));
        assert!(is_source(root, Path::new("/site/people/ana.toml")));
        assert!(is_source(root, Path::new("/site/templates/a/b.html")));
        assert!(!is_source(root, Path::new("/site/public/index.html")));
        assert!(!is_source(root, Path::new("/site/.toluu/cache/x.json")));
        assert!(!is_source(root, Path::new("/site/people/.ana.toml.swp")));
        assert!(!is_source(root, Path::new("/site/people/ana.toml~")));
    }
}
