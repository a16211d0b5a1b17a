//! The build lock: one build at a time per site, so two builds never write the same cache
//! files or output directory at once.
//!
//! The lock is an OS file lock (`flock`) on `.toluu/lock`, which also holds the pid of the
//! build that holds it, for the message a second build prints. The OS releases the lock when
//! its process dies, however it dies, so a lock left by a killed build is stale by
//! construction: the next build takes it over and says so.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// A held build lock; released when dropped (or when the process ends).
#[derive(Debug)]
pub struct BuildLock {
    file: File,
    path: PathBuf,
    /// The pid a dead build left in the lock file, when this build took its lock over.
    pub taken_over_from: Option<u32>,
}

impl BuildLock {
    /// Takes the lock at `path` (creating its directory), or says which build holds it.
    pub fn acquire(path: &Path) -> Result<BuildLock, String> {
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(|e| {
                format!("{}: cannot create the state directory: {e}", dir.display())
            })?;
        }
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(|e| format!("{}: cannot open the lock file: {e}", path.display()))?;
        let mut previous = String::new();
        let _ = file.read_to_string(&mut previous);
        let holder: Option<u32> = previous.trim().parse().ok();
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let who = holder.map_or_else(
                    || "another toluu build".to_owned(),
                    |pid| format!("another toluu build (pid {pid})"),
                );
                return Err(format!(
                    "{}: {who} is running on this site; wait for it to finish, nothing was changed",
                    path.display()
                ));
            }
            Err(TryLockError::Error(e)) => {
                return Err(format!("{}: cannot lock: {e}", path.display()));
            }
        }
        let me = std::process::id();
        file.set_len(0)
            .and_then(|()| file.seek(SeekFrom::Start(0)).map(drop))
            .and_then(|()| writeln!(file, "{me}"))
            .map_err(|e| format!("{}: cannot write the lock file: {e}", path.display()))?;
        Ok(BuildLock {
            file,
            path: path.to_owned(),
            taken_over_from: holder.filter(|&pid| pid != me),
        })
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for BuildLock {
    fn drop(&mut self) {
        // Empty the file so the next build does not mistake a clean exit for a crash.
        let _ = self.file.set_len(0);
        let _ = self.file.unlock();
    }
}

/// Removes the temp files a killed build left in `dir` (`.<name>.tmp<pid>`, see
/// [`crate::files::write_atomically`]); only safe while holding the lock.
pub fn sweep_temp_files(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') && name.contains(".tmp") {
            let _ = fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_is_refused_and_names_the_pid() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".toluu/lock");
        let held = BuildLock::acquire(&path).unwrap();
        let err = BuildLock::acquire(&path).unwrap_err();
        assert!(
            err.contains(&format!("pid {}", std::process::id())),
            "{err}"
        );
        drop(held);
        let again = BuildLock::acquire(&path).unwrap();
        assert_eq!(
            again.taken_over_from, None,
            "a clean exit leaves no stale pid"
        );
    }

    #[test]
    fn a_stale_lock_from_a_dead_process_is_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lock");
        fs::write(&path, "4000000\n").unwrap();
        let lock = BuildLock::acquire(&path).unwrap();
        assert_eq!(lock.taken_over_from, Some(4_000_000));
    }
}
