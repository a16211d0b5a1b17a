//! A deep river stays put: after a warm build, one feed's new post rewrites the front page and
//! the pages that show it, not every older page of the river (as numbered pages would, each
//! post pushing every other one page down). Counted from the files' inodes and mtimes, and in
//! `--report`.

use crate::fingerprints::{stamps, touched};
use crate::server::{Route, TestServer};
use crate::{TestSite, rss};

const FEEDS: usize = 12;
const POSTS: usize = 25;

/// Feed `f` with `n` posts, one a day from 1 October 2026 at `f` o'clock, the newest first.
fn feed(f: usize, n: usize) -> String {
    let items: Vec<(String, String, String)> = (0..n)
        .rev()
        .map(|i| {
            let (month, day) = if i < 31 {
                ("Oct", i + 1)
            } else {
                ("Nov", i - 30)
            };
            (
                format!("Feed {f} post {i}"),
                format!("https://f{f}.example/{i}"),
                format!("Mon, {day:02} {month} 2026 {f:02}:00:00 GMT"),
            )
        })
        .collect();
    let refs: Vec<(&str, &str, &str)> = items
        .iter()
        .map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str()))
        .collect();
    rss(&format!("Feed {f}"), &refs)
}

#[test]
fn a_new_post_leaves_the_older_pages_of_a_deep_river_alone() {
    let server = TestServer::start();
    for f in 0..FEEDS {
        server.route(
            &format!("/f{f}.xml"),
            Route::xml(feed(f, POSTS)).with_etag(&format!("\"f{f}-1\"")),
        );
    }
    let site =
        TestSite::new("[build]\nposts_per_page = 10\n[river]\nnew_feed_items = 0\nmax_pages = 0\n");
    for p in 0..4 {
        let urls: Vec<String> = (0..3)
            .map(|k| server.url(&format!("/f{}.xml", p * 3 + k)))
            .collect();
        site.person(&format!("p{p}"), &format!("Person {p}"), &urls);
    }
    site.build().unwrap();
    let warm = site.build().unwrap();
    assert!(
        warm.feeds.iter().all(|f| f.status == "not modified"),
        "{warm}"
    );
    let river = site.river_pages("");
    assert!(
        river.len() >= FEEDS * POSTS / 10 - 2,
        "a deep river: {} pages",
        river.len()
    );
    let public = site.path().join("public");
    let before = stamps(&public);
    // Time for a rewritten file to get another mtime.
    std::thread::sleep(std::time::Duration::from_millis(20));

    // Feed 4 (Person 1's) publishes a post, dated after every other.
    server.route(
        "/f4.xml",
        Route::xml(feed(4, POSTS + 1)).with_etag("\"f4-2\""),
    );
    let report_path = site.path().join("report.json");
    let (code, _, stderr) = site.run(&["build", "--report", report_path.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    let after = stamps(&public);
    let touched = touched(&before, &after);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report_path).unwrap()).unwrap();
    assert_eq!(json["files_changed"], touched.len(), "{json} {touched:?}");

    let new_river = site.river_pages("");
    assert!(
        site.output("index.html").contains("Feed 4 post 25"),
        "the new post leads the river"
    );
    let river_touched: Vec<&String> = new_river.iter().filter(|p| touched.contains(p)).collect();
    assert!(
        river_touched.len() <= 3,
        "{} of {} river pages rewritten: {river_touched:?}",
        river_touched.len(),
        new_river.len()
    );
    let kept = new_river.iter().filter(|p| before.contains_key(*p)).count();
    assert!(
        kept + 3 >= new_river.len(),
        "the older pages keep their addresses: {kept} of {} did",
        new_river.len()
    );
    // Nothing of the other people's changes: they do not read feed 4.
    for p in [0, 2, 3] {
        let theirs: Vec<&String> = touched
            .iter()
            .filter(|t| t.starts_with(&format!("people/p{p}/")))
            .collect();
        assert!(theirs.is_empty(), "Person {p}: {theirs:?}");
    }
    assert!(
        touched.len() <= 16,
        "{} of {} files rewritten: {touched:?}",
        touched.len(),
        after.len()
    );
    eprintln!(
        "a new post rewrote {} of {} files ({} of {} river pages): {touched:?}",
        touched.len(),
        after.len(),
        river_touched.len(),
        new_river.len()
    );
}
