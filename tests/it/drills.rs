//! Fault drills: each one breaks something a build depends on (a second writer, a full
//! disk, a read-only cache, an output on another file system) and checks that the previous
//! site and cache are intact and that the message names the path. Drills that need a small
//! file system of their own mount a tmpfs, and are skipped with a message where that is not
//! allowed (not root, no mount namespace).

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::server::{Route, TestServer};
use crate::{TestSite, read_tree, rss};

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
