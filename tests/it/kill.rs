//! Nothing lost, ever: the real binary is SIGKILLed at (seeded) random points of a build, 100
//! times; after each kill the previous site and cache are intact and readable, and a final
//! build succeeds and gives the same site.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::server::{Route, TestServer};
use crate::{TestSite, read_tree_unclocked, rss};

/// A small deterministic generator (64-bit LCG), so every run kills at the same delays.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n.max(1)
    }
}

fn build(site: &TestSite) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_toluu"))
        .args(["build", "-q"])
        .arg(site.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("run toluu")
}

fn check_cache(site: &TestSite, urls: &[String], when: &str) {
    let cache = toluu::refresh::cache::Cache::new(site.path().join(".toluu/cache"));
    for url in urls {
        let entry = cache
            .load(url)
            .unwrap_or_else(|e| panic!("{when}: {e}"))
            .unwrap_or_else(|| panic!("{when}: the cache of {url} is gone"));
        assert!(
            entry.feed.is_some_and(|f| f.items.len() == 12),
            "{when}: {url}"
        );
    }
}

#[test]
fn killing_a_build_at_random_points_never_loses_the_site_or_the_cache() {
    let server = TestServer::start();
    let mut urls = Vec::new();
    let mut list = String::from("name = \"Ana\"\n");
    for f in 0..3 {
        let items: Vec<(String, String, String)> = (1..=12)
            .map(|i| {
                (
                    format!("Feed {f} post {i}"),
                    format!("https://k{f}.example/{i}"),
                    format!("Mon, {i:02} Nov 2026 10:00:00 GMT"),
                )
            })
            .collect();
        let refs: Vec<(&str, &str, &str)> = items
            .iter()
            .map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str()))
            .collect();
        let path = format!("/k{f}.xml");
        // No validators: every build fetches, parses and rewrites every cache file and page.
        server.route(&path, Route::xml(rss(&format!("Kill {f}"), &refs)));
        urls.push(server.url(&path));
        list.push_str(&format!("[[feeds]]\nurl = \"{}\"\n", server.url(&path)));
    }
    let site = TestSite::new("[build]\nposts_per_page = 30\n");
    site.write("people/ana.toml", &list);

    let mut timings = Vec::new();
    for _ in 0..3 {
        let started = Instant::now();
        assert!(build(&site).wait().unwrap().success());
        timings.push(started.elapsed());
    }
    timings.sort();
    // The fastest of three: on a machine whose load changes, kills still land mid-build.
    let typical = timings[0].as_micros() as u64;
    let public = site.path().join("public");
    let reference = read_tree_unclocked(&public);
    assert!(
        reference.len() > 15,
        "a site worth killing: {} files",
        reference.len()
    );
    check_cache(&site, &urls, "before");

    let started = Instant::now();
    let mut rng = Lcg(0x7011_u64);
    // Kills land at a random point of a window that follows the build's real length: a build
    // that ends before its kill shrinks the window, a killed one widens it a little. So a load
    // that changes during the run (the other tests starting or ending) cannot make the kills
    // all land after the end, and exactly 100 builds are killed mid-way.
    let mut span = typical;
    let (mut killed, mut rounds) = (0, 0);
    while killed < 100 {
        assert!(
            rounds < 1000,
            "only {killed} of {rounds} builds were killed before they ended"
        );
        let delay = Duration::from_micros(rng.below(span));
        let mut child = build(&site);
        std::thread::sleep(delay);
        if child.try_wait().unwrap().is_none() {
            killed += 1;
            span = (span + span / 20).min(typical * 4);
        } else {
            span = (span * 3 / 4).max(1_000);
        }
        let _ = child.kill(); // SIGKILL
        child.wait().unwrap();
        let when = format!("round {rounds}, killed after {delay:?}");
        // A build that won the race wrote the same site, but for its "Updated" time.
        assert!(
            read_tree_unclocked(&public) == reference,
            "{when}: the site changed"
        );
        check_cache(&site, &urls, &when);
        rounds += 1;
    }

    // One more, killed while it surely holds the lock: it leaves its pid there, and the next
    // build takes the lock over.
    let lock = site.path().join(".toluu/lock");
    let mut child = build(&site);
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut stale = String::new();
    while stale.trim() != child.id().to_string() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(1));
        stale = std::fs::read_to_string(&lock).unwrap_or_default();
    }
    let _ = child.kill();
    child.wait().unwrap();
    assert!(
        read_tree_unclocked(&public) == reference,
        "the site changed"
    );
    let stale = std::fs::read_to_string(&lock).unwrap_or_default();
    let (code, _, stderr) = site.run(&["build"]);
    assert_eq!(code, 0, "{stderr}");
    // (Unless that build finished in the millisecond between the poll and the kill.)
    if let Ok(pid) = stale.trim().parse::<u32>() {
        let expected = format!("took over the lock of build {pid}, which did not finish");
        assert!(stderr.contains(&expected), "{stderr}");
    }
    assert!(
        read_tree_unclocked(&public) == reference,
        "the rebuild gives the same site"
    );
    check_cache(&site, &urls, "after");
    let leftovers: Vec<String> = std::fs::read_dir(site.path().join(".toluu/cache"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "temp files swept: {leftovers:?}");
    assert!(!site.path().join(".public.new").exists() && !site.path().join(".public.old").exists());
    eprintln!(
        "kill test: {killed} of {rounds} builds killed mid-way (typical build {typical} µs, \
         last window {span} µs), {:?}; lock left by the last one: {:?}",
        started.elapsed(),
        stale.trim()
    );
}
