//! Fault drills: each one breaks something a build depends on (a second writer, a full
//! disk, a read-only cache, an output on another file system) and checks that the previous
//! site and cache are intact and that the message names the path. Drills that need a small
//! file system of their own mount a tmpfs, and are skipped with a message where that is not
//! allowed (not root, no mount namespace).

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::server::{Route, TestServer};
use crate::{TestSite, rss};

/// Every file under `dir` as (path, length, a hash of its bytes): compared whole, printed
/// short.
fn read_tree(dir: &Path) -> Vec<(String, usize, u64)> {
    use std::hash::{Hash, Hasher};
    crate::read_tree(dir)
        .into_iter()
        .map(|(path, bytes)| {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            bytes.hash(&mut h);
            (path, bytes.len(), h.finish())
        })
        .collect()
}

/// A site of one person reading `/a.xml` of `server`, built once.
fn built_site(server: &TestServer, config: &str) -> TestSite {
    server.route(
        "/a.xml",
        Route::xml(rss(
            "Feed A",
            &[(
                "Post",
                "https://a.example/1",
                "Mon, 02 Nov 2026 10:00:00 GMT",
            )],
        )),
    );
    let site = TestSite::new(config);
    site.person("ana", "Ana", &[server.url("/a.xml")]);
    let (code, _, stderr) = site.run(&["build"]);
    assert_eq!(code, 0, "{stderr}");
    site
}

/// Waits until the build `pid` holds the lock of `site` (its pid is in `.toluu/lock`).
fn wait_for_lock(site: &Path, pid: u32) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        let held = std::fs::read_to_string(site.join(".toluu/lock")).unwrap_or_default();
        if held.trim() == pid.to_string() {
            return;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    panic!("build {pid} never took the lock");
}

#[test]
fn an_offline_build_during_an_online_one_stops_and_changes_nothing() {
    let server = TestServer::start();
    let site = built_site(&server, "[fetch]\ntimeout_secs = 4\n");
    let public = site.path().join("public");
    let before = read_tree(&public);
    let cache_before = read_tree(&site.path().join(".toluu/cache"));
    // The online build hangs on its feed, holding the lock.
    server.route("/a.xml", Route::hang());
    let mut online = Command::new(env!("CARGO_BIN_EXE_toluu"))
        .args(["build", "-q"])
        .arg(site.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_for_lock(site.path(), online.id());
    for args in [
        &["build", "--offline"][..],
        &["build", "--offline", "-o"][..],
    ] {
        let mut args = args.to_vec();
        let elsewhere = site.path().join("elsewhere");
        let elsewhere = elsewhere.to_str().unwrap();
        if args.last() == Some(&"-o") {
            args.push(elsewhere);
        }
        let (code, _, stderr) = site.run(&args);
        assert_eq!(code, 1, "{args:?}: {stderr}");
        assert!(
            stderr.contains(".toluu/lock: another toluu build (pid")
                && stderr.contains(
                    "is running on this site; wait for it to finish, nothing was changed"
                ),
            "{stderr}"
        );
        assert_eq!(
            read_tree(&public),
            before,
            "{args:?}: the site is the online build's"
        );
        assert!(!Path::new(elsewhere).exists());
    }
    assert_eq!(read_tree(&site.path().join(".toluu/cache")), cache_before);
    assert!(online.wait().unwrap().success());
    // Once it is done, the offline build runs.
    let (code, _, stderr) = site.run(&["build", "--offline"]);
    assert_eq!(code, 0, "{stderr}");
}

/// A file system mounted for a drill, unmounted when dropped.
struct Mount {
    dir: std::path::PathBuf,
}

impl Mount {
    /// A tmpfs of `size` bytes mounted at `dir` (created); `None`, with a message, where this
    /// process may not mount one.
    fn tmpfs(dir: &Path, size: usize, drill: &str) -> Option<Mount> {
        std::fs::create_dir_all(dir).unwrap();
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .output();
        match out {
            Ok(out) if out.status.success() => Some(Mount {
                dir: dir.to_owned(),
            }),
            Ok(out) => {
                eprintln!(
                    "skipped drill '{drill}': cannot mount a tmpfs at {}: {}",
                    dir.display(),
                    String::from_utf8_lossy(&out.stderr).trim()
                );
                None
            }
            Err(e) => {
                eprintln!("skipped drill '{drill}': cannot run mount: {e}");
                None
            }
        }
    }

    /// `dir` bind-mounted on itself, read-only.
    fn bind_read_only(dir: &Path, drill: &str) -> Option<Mount> {
        let bind = Command::new("mount")
            .arg("--bind")
            .arg(dir)
            .arg(dir)
            .output();
        match bind {
            Ok(out) if out.status.success() => {}
            Ok(out) => {
                let why = String::from_utf8_lossy(&out.stderr);
                eprintln!(
                    "skipped drill '{drill}': cannot bind-mount {}: {}",
                    dir.display(),
                    why.trim()
                );
                return None;
            }
            Err(e) => {
                eprintln!("skipped drill '{drill}': cannot run mount: {e}");
                return None;
            }
        }
        let mount = Mount {
            dir: dir.to_owned(),
        };
        let status = Command::new("mount")
            .args(["-o", "remount,ro,bind"])
            .arg(dir)
            .status()
            .unwrap();
        assert!(status.success(), "remount read-only");
        Some(mount)
    }

    /// Makes the file system read-only.
    fn read_only(&self) {
        let status = Command::new("mount")
            .args(["-o", "remount,ro"])
            .arg(&self.dir)
            .status()
            .unwrap();
        assert!(status.success(), "remount read-only");
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.dir).status();
    }
}

/// A feed of `n` posts, each with `body_len` bytes of text.
fn big_feed(n: usize, body_len: usize) -> String {
    let body = "word ".repeat(body_len / 5);
    let mut out = String::from(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Big</title><link>https://b.example/</link>",
    );
    for i in 0..n {
        out.push_str(&format!(
            "<item><title>Big post {i}</title><link>https://b.example/{i}</link><guid>https://b.example/{i}</guid>\
             <pubDate>Mon, 02 Nov 2026 10:{:02}:00 GMT</pubDate><description>{body}</description></item>",
            i % 60
        ));
    }
    out + "</channel></rss>"
}

#[test]
fn a_full_disk_while_writing_the_site_keeps_the_previous_site() {
    let server = TestServer::start();
    let site = built_site(&server, "");
    let Some(fs) = Mount::tmpfs(&site.path().join("mnt"), 600 << 10, "disk full: site") else {
        return;
    };
    // The output on another file system than the site: it builds there.
    let (code, _, stderr) = site.run(&["build", "-o", fs.dir.join("public").to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    let public = fs.dir.join("public");
    let before = read_tree(&public);
    assert!(before.iter().any(|(p, _, _)| p == "index.html"));
    let cache_before = read_tree(&site.path().join(".toluu/cache"));
    // Now the site outgrows the file system.
    server.route("/b.xml", Route::xml(big_feed(20, 30_000)));
    site.person("ana", "Ana", &[server.url("/a.xml"), server.url("/b.xml")]);
    let (code, _, stderr) = site.run(&["build", "-o", public.to_str().unwrap()]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains(&format!("{}: cannot write the site", public.display()))
            && stderr.contains("No space left on device"),
        "{stderr}"
    );
    assert_eq!(read_tree(&public), before, "the previous site is whole");
    assert!(
        !fs.dir.join(".public.new").exists(),
        "no half-written site left"
    );
    assert_eq!(
        read_tree(&site.path().join(".toluu/cache")).len(),
        cache_before.len() + 1,
        "the cache (on another disk) took the new feed"
    );
    // The output directory as the mount point itself is refused before anything.
    let (code, _, stderr) = site.run(&["build", "-o", fs.dir.to_str().unwrap(), "--force"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("it is a mount point"), "{stderr}");
}

#[test]
fn a_full_disk_while_writing_the_cache_keeps_the_previous_cache() {
    let server = TestServer::start();
    let site = TestSite::new("[build]\ncache_dir = \"state/cache\"\n");
    let Some(fs) = Mount::tmpfs(&site.path().join("state"), 64 << 10, "disk full: cache") else {
        return;
    };
    server.route("/a.xml", Route::xml(big_feed(3, 2_000)));
    site.person("ana", "Ana", &[server.url("/a.xml")]);
    let (code, _, stderr) = site.run(&["build"]);
    assert_eq!(code, 0, "{stderr}");
    let cache_before = read_tree(&fs.dir.join("cache"));
    assert_eq!(cache_before.len(), 1);
    // The feed grows past what the cache's file system holds.
    server.route("/a.xml", Route::xml(big_feed(20, 5_000)));
    let (code, _, stderr) = site.run(&["build"]);
    assert_eq!(
        code, 0,
        "a cache that cannot be written fails no build: {stderr}"
    );
    let cache_file =
        toluu::refresh::cache::Cache::new(fs.dir.join("cache")).path_for(&server.url("/a.xml"));
    assert!(
        stderr.contains(&format!(
            "{}: cannot write cache file",
            cache_file.display()
        )) && stderr.contains("No space left on device"),
        "{stderr}"
    );
    assert_eq!(
        read_tree(&fs.dir.join("cache")),
        cache_before,
        "the previous cache is whole"
    );
    assert!(
        site.output("index.html").contains("Big post 19"),
        "the site has the new posts"
    );
}

#[test]
fn a_read_only_cache_fails_no_build_and_is_left_as_it_was() {
    let server = TestServer::start();
    let site = TestSite::new("[build]\ncache_dir = \"state/cache\"\n");
    let Some(fs) = Mount::tmpfs(&site.path().join("state"), 1 << 20, "read-only cache") else {
        return;
    };
    server.route("/a.xml", Route::xml(big_feed(3, 200)));
    site.person("ana", "Ana", &[server.url("/a.xml")]);
    let (code, _, stderr) = site.run(&["build"]);
    assert_eq!(code, 0, "{stderr}");
    let site_before = read_tree(&site.path().join("public"));
    let cache_before = read_tree(&fs.dir.join("cache"));
    fs.read_only();
    server.route("/a.xml", Route::xml(big_feed(5, 200)));
    let (code, _, stderr) = site.run(&["build"]);
    assert_eq!(code, 1, "{stderr}");
    let lock = fs.dir.join("lock");
    assert!(
        stderr.contains(&format!("{}: cannot open the lock file", lock.display()))
            && stderr.contains("Read-only file system"),
        "{stderr}"
    );
    assert_eq!(read_tree(&site.path().join("public")), site_before);
    assert_eq!(read_tree(&fs.dir.join("cache")), cache_before);
}

#[test]
fn a_read_only_cache_directory_fails_no_build_and_is_left_as_it_was() {
    let server = TestServer::start();
    let site = built_site(&server, "");
    let cache_dir = site.path().join(".toluu/cache");
    let cache_before = read_tree(&cache_dir);
    let Some(_ro) = Mount::bind_read_only(&cache_dir, "read-only cache directory") else {
        return;
    };
    server.route(
        "/a.xml",
        Route::xml(rss(
            "Feed A",
            &[(
                "Newer post",
                "https://a.example/2",
                "Tue, 03 Nov 2026 10:00:00 GMT",
            )],
        )),
    );
    let (code, _, stderr) = site.run(&["build"]);
    assert_eq!(
        code, 0,
        "a cache that cannot be written fails no build: {stderr}"
    );
    let file = toluu::refresh::cache::Cache::new(&cache_dir).path_for(&server.url("/a.xml"));
    assert!(
        stderr.contains(&format!("{}: cannot write cache file", file.display()))
            && stderr.contains("Read-only file system"),
        "{stderr}"
    );
    assert_eq!(
        read_tree(&cache_dir),
        cache_before,
        "the previous cache is as it was"
    );
    assert!(site.output("index.html").contains("Newer post"));
}
