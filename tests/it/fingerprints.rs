//! Incremental builds (`render::PageStore`): a page is rendered again only if its fingerprint
//! (what it is made of) changed since the previous build, and a file is written only if its
//! bytes changed; every other file of the previous site is left untouched (same inode, same
//! modification time). The site must be byte for byte the one a build from scratch writes.

use crate::server::{Route, TestServer};
use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use crate::{TestSite, read_tree_unclocked, rss};

/// Each file of the tree at `root`: (inode, modification time in ns).
pub(crate) fn stamps(root: &Path) -> BTreeMap<String, (u64, i64)> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let meta = e.metadata().unwrap();
            let rel = e.path().strip_prefix(root).unwrap().display().to_string();
            (
                rel,
                (meta.ino(), meta.mtime() * 1_000_000_000 + meta.mtime_nsec()),
            )
        })
        .collect()
}

/// The files of `after` that are new or not the same file (inode, mtime) as in `before`.
pub(crate) fn touched(
    before: &BTreeMap<String, (u64, i64)>,
    after: &BTreeMap<String, (u64, i64)>,
) -> Vec<String> {
    after
        .iter()
        .filter(|(path, stamp)| before.get(*path) != Some(stamp))
        .map(|(path, _)| path.clone())
        .collect()
}

/// Asserts that the sites in `a` and `b` are the same files, byte for byte, in the same
/// directories (none left empty), but for the "Updated" time of the river and `/status/` (the
/// latest fetch, which the two builds did at their own moments).
fn assert_same_site(a: &Path, b: &Path) {
    let (ta, tb) = (read_tree_unclocked(a), read_tree_unclocked(b));
    let paths = |tree: &[(String, Vec<u8>)]| -> Vec<String> {
        tree.iter().map(|(p, _)| p.clone()).collect()
    };
    assert_eq!(paths(&ta), paths(&tb));
    for ((path, x), (_, y)) in ta.iter().zip(&tb) {
        assert!(
            x == y,
            "{path} differs:\n{}\n---\n{}",
            String::from_utf8_lossy(x),
            String::from_utf8_lossy(y)
        );
    }
    let dirs = |root: &Path| -> Vec<String> {
        walkdir::WalkDir::new(root)
            .sort_by_file_name()
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| e.file_type().is_dir())
            .map(|e| e.path().strip_prefix(root).unwrap().display().to_string())
            .collect()
    };
    assert_eq!(dirs(a), dirs(b), "the same directories, none left empty");
}

/// A copy of `site` as it is now, without its output and its pages' fingerprints: built, it
/// is built from scratch, from the same lists and cache.
fn scratch_copy(site: &TestSite) -> tempfile::TempDir {
    let copy = tempfile::tempdir().unwrap();
    copy_dir(site.path(), copy.path());
    std::fs::remove_dir_all(copy.path().join("public")).unwrap();
    std::fs::remove_file(copy.path().join(".toluu/pages")).unwrap();
    // Nothing kept from a build: discovery and the posts' links are computed afresh.
    let memo = copy.path().join(".toluu/memo");
    if memo.exists() {
        std::fs::remove_dir_all(memo).unwrap();
    }
    copy
}

/// Builds `copy` (a [`scratch_copy`]) and checks that it is the site `site` has now.
fn assert_same_as_from_scratch(site: &TestSite, copy: &tempfile::TempDir, offline: bool) {
    let options = toluu::BuildOptions {
        offline,
        ..Default::default()
    };
    let scratch = toluu::build(copy.path(), &options).unwrap();
    assert_eq!(scratch.pages_kept, 0, "{scratch:?}");
    assert_same_site(&site.path().join("public"), &copy.path().join("public"));
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn feed(title: &str, n: usize) -> String {
    let items: Vec<(String, String, String)> = (0..n)
        .map(|i| {
            (
                format!("{title} post {i}"),
                format!("https://{}.example/{i}", title.to_lowercase()),
                format!("Mon, {:02} Nov 2026 10:00:00 GMT", 2 + i),
            )
        })
        .collect();
    let items: Vec<(&str, &str, &str)> = items
        .iter()
        .map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str()))
        .collect();
    rss(title, &items)
}

#[test]
fn an_incremental_build_writes_the_same_site_as_a_build_from_scratch() {
    let server = TestServer::start();
    for (path, title) in [("/a.xml", "Alpha"), ("/b.xml", "Beta"), ("/c.xml", "Gamma")] {
        server.route(
            path,
            Route::xml(feed(title, 3)).with_etag(&format!("\"{title}1\"")),
        );
    }
    server.route(
        "/d.xml",
        Route::xml(feed("Delta", 2)).with_etag("\"Delta1\""),
    );
    let site = TestSite::new("[build]\nposts_per_page = 2\n");
    let lists = [
        ("ana", vec!["/a.xml", "/b.xml"]),
        ("bo", vec!["/b.xml", "/c.xml"]),
        ("cy", vec!["/c.xml", "/d.xml"]),
        ("dee", vec!["/d.xml"]),
    ];
    for (slug, feeds) in &lists {
        let urls: Vec<String> = feeds.iter().map(|f| server.url(f)).collect();
        site.person(slug, slug, &urls);
    }
    let first = site.build().unwrap();
    assert_eq!(first.pages_kept, 0, "no previous build: nothing kept");
    assert!(first.pages_rendered > 0);

    // Between builds: Alpha has a new post, Gamma fails, Delta is renamed; Beta is unchanged.
    server.route(
        "/a.xml",
        Route::xml(feed("Alpha", 4)).with_etag("\"Alpha2\""),
    );
    server.route("/c.xml", Route::status(500));
    server.route(
        "/d.xml",
        Route::xml(feed("Delta", 2).replace("<title>Delta</title>", "<title>Delta II</title>"))
            .with_etag("\"Delta2\""),
    );
    let scratch = scratch_copy(&site);
    let incremental = site.build().unwrap();
    // Some pages are kept (dee's, Beta's), some are not (the river, Alpha's, ana's).
    assert!(
        incremental.pages_kept > 0 && incremental.pages_rendered > 0,
        "{} kept, {} rendered",
        incremental.pages_kept,
        incremental.pages_rendered
    );
    assert_same_as_from_scratch(&site, &scratch, false);
    let river = site.output("index.html");
    assert!(
        river.contains("Alpha post 3"),
        "the new post is on the river"
    );
    assert!(site.output("feeds.opml").contains("Delta II") || river.contains("Delta II"));
}

#[test]
fn a_page_kept_at_a_path_that_moved_becomes_a_redirect() {
    let server = TestServer::start();
    server.route("/a.xml", Route::xml(feed("Alpha", 2)).with_etag("\"A1\""));
    server.route("/b.xml", Route::status(503));
    let site = TestSite::new("");
    site.person("ana", "Ana", &[server.url("/a.xml"), server.url("/b.xml")]);
    site.build().unwrap();
    let feed_pages = |site: &TestSite| -> Vec<String> {
        let mut pages: Vec<String> = std::fs::read_dir(site.path().join("public/feeds"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| !n.contains('.'))
            .collect();
        pages.sort();
        pages
    };
    let before = feed_pages(&site);
    assert_eq!(before.len(), 2, "{before:?}");
    // The feed that never worked has a page named after its host for now.
    let first = before.iter().find(|p| p.starts_with("127-0-0-1-")).unwrap();

    // It works now: its page moves to its title's slug. The previous build's page is at the
    // old path: the new site has a redirect there instead.
    server.route("/b.xml", Route::xml(feed("Beta", 2)));
    let report = site.build().unwrap();
    assert!(report.pages_kept > 0, "{report:?}");
    let after = feed_pages(&site);
    assert_eq!(after.len(), 3, "{after:?}");
    let beta = after.iter().find(|p| p.starts_with("beta-")).unwrap();
    assert!(
        site.output(&format!("feeds/{beta}/index.html"))
            .contains("Beta")
    );
    let old = site.output(&format!("feeds/{first}/index.html"));
    assert!(
        old.contains(&format!("url=../../feeds/{beta}/")) && !old.contains("site-header"),
        "{old}"
    );
}

/// A site of three people over four feeds with validators, built twice (the second build gets
/// only 304s): (server, site, the stamps of its files after the second build).
fn warm_site() -> (TestServer, TestSite, BTreeMap<String, (u64, i64)>) {
    let server = TestServer::start();
    for (path, title) in [("/a.xml", "Alpha"), ("/b.xml", "Beta"), ("/c.xml", "Gamma")] {
        server.route(
            path,
            Route::xml(feed(title, 3)).with_etag(&format!("\"{title}1\"")),
        );
    }
    let site = TestSite::new("");
    site.person("ana", "Ana", &[server.url("/a.xml")]);
    site.person("bo", "Bo", &[server.url("/b.xml"), server.url("/c.xml")]);
    site.person("cy", "Cy", &[server.url("/c.xml")]);
    site.build().unwrap();
    let second = site.build().unwrap();
    assert!(
        second.feeds.iter().all(|f| f.status == "not modified"),
        "{second}"
    );
    let stamps = stamps(&site.path().join("public"));
    (server, site, stamps)
}

#[test]
fn a_warm_build_where_nothing_changed_touches_no_file_but_the_status_page() {
    let (_server, site, before) = warm_site();
    // Time for a rewritten file to get another mtime.
    std::thread::sleep(std::time::Duration::from_millis(20));
    let report_path = site.path().join("report.json");
    let (code, _, stderr) = site.run(&["build", "-v", "--report", report_path.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    let after = stamps(&site.path().join("public"));
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>()
    );
    let touched = touched(&before, &after);
    assert!(
        touched.iter().all(|p| p == "status/index.html"),
        "only /status/ may change: {touched:?}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report_path).unwrap()).unwrap();
    assert_eq!(json["files_changed"], touched.len(), "{json}");
    assert_eq!(json["files_removed"], 0);
    let (rendered, kept) = (
        json["pages_rendered"].as_u64().unwrap(),
        json["pages_kept"].as_u64().unwrap(),
    );
    assert!(
        rendered <= 1 && kept >= 8,
        "{rendered} rendered, {kept} kept"
    );
    assert!(stderr.contains("pages rendered"), "{stderr}");
}

#[test]
fn a_new_post_rewrites_only_the_pages_that_show_it() {
    let (server, site, before) = warm_site();
    std::thread::sleep(std::time::Duration::from_millis(20));
    server.route(
        "/a.xml",
        Route::xml(feed("Alpha", 4)).with_etag("\"Alpha2\""),
    );
    let scratch = scratch_copy(&site);
    let report = site.build().unwrap();
    let public = site.path().join("public");
    let after = stamps(&public);
    let touched = touched(&before, &after);
    assert_eq!(report.files_changed, touched.len(), "{touched:?}");
    let html: Vec<&String> = touched.iter().filter(|p| p.ends_with(".html")).collect();
    for page in &html {
        let text = std::fs::read_to_string(public.join(page)).unwrap();
        assert!(
            // The feeds' directory shows each feed's count of posts, and /status/ each feed's.
            text.contains("Alpha post 3")
                || *page == "status/index.html"
                || *page == "feeds/index.html",
            "{page} was rewritten but does not show the new post"
        );
    }
    for page in ["index.html", "people/ana/index.html"] {
        assert!(touched.iter().any(|p| p == page), "{page}: {touched:?}");
    }
    for page in ["people/bo/index.html", "people/cy/index.html"] {
        assert!(!touched.iter().any(|p| p == page), "{page}: {touched:?}");
    }
    assert!(
        report.pages_rendered <= html.len() + 1 && report.pages_kept > 0,
        "{report:?}"
    );
    assert_same_as_from_scratch(&site, &scratch, false);
}

#[test]
fn pages_the_site_no_longer_has_are_removed_with_their_directories() {
    let (server, site, _) = warm_site();
    std::fs::remove_file(site.path().join("people/bo.toml")).unwrap();
    std::fs::remove_file(site.path().join("people/cy.toml")).unwrap();
    // Gamma and Beta are read by nobody now.
    let scratch = scratch_copy(&site);
    let report = site.build_offline().unwrap();
    assert!(report.files_removed > 2, "{report:?}");
    let public = site.path().join("public");
    assert!(!public.join("people/bo").exists() && !public.join("people/cy").exists());
    assert_same_as_from_scratch(&site, &scratch, true);
    let slug = toluu::index::feed_slug("Beta", &server.url("/b.xml"));
    assert!(!public.join(format!("feeds/{slug}")).exists());
}

#[test]
fn a_changed_template_renders_every_page_again() {
    let (_server, site, before) = warm_site();
    site.write(
        "templates/person.html",
        "{% extends \"default/person.html\" %}{% block og_type %}article{% endblock og_type %}",
    );
    let scratch = scratch_copy(&site);
    let report = site.build_offline().unwrap();
    assert_eq!(
        report.pages_kept, 0,
        "the templates are in every fingerprint"
    );
    let after = stamps(&site.path().join("public"));
    let touched = touched(&before, &after);
    assert!(
        touched.iter().any(|p| p == "people/ana/index.html"),
        "{touched:?}"
    );
    assert!(
        !touched.iter().any(|p| p == "feeds.opml"),
        "a file of the same bytes is not rewritten: {touched:?}"
    );
    assert_same_as_from_scratch(&site, &scratch, true);
}

/// Whether the build of `report` found nothing changed: it made no index (see
/// `pipeline::unchanged`).
fn status_only(report: &toluu::report::BuildReport) -> bool {
    !report.stages.iter().any(|s| s.stage == "index")
}

#[test]
fn a_build_that_finds_nothing_changed_renders_status_alone_and_writes_the_same_site() {
    let (_server, site, before) = warm_site();
    // The second build of warm_site already found nothing changed.
    std::thread::sleep(std::time::Duration::from_millis(20));
    let scratch = scratch_copy(&site);
    let report = site.build().unwrap();
    assert!(status_only(&report), "{:?}", report.stages);
    assert_eq!(report.pages_rendered, 1, "{report:?}");
    assert!(report.pages_kept >= 8, "{report:?}");
    let after = stamps(&site.path().join("public"));
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>()
    );
    assert!(
        touched(&before, &after)
            .iter()
            .all(|p| p == "status/index.html"),
        "{:?}",
        touched(&before, &after)
    );
    // A whole build from the same lists and state writes these very bytes (but the times of
    // the latest fetch, which each build does at its own moment).
    assert_same_as_from_scratch(&site, &scratch, false);
    // Offline too: the state is the same, and so is the site.
    let scratch = scratch_copy(&site);
    let offline = site.build_offline().unwrap();
    assert!(status_only(&offline), "{:?}", offline.stages);
    assert_same_as_from_scratch(&site, &scratch, true);
}

#[test]
fn any_change_to_what_pages_are_made_of_builds_the_whole_site() {
    let (_server, site, _) = warm_site();
    // A list's bio: a page shows it.
    let ana = site.path().join("people/ana.toml");
    let text = std::fs::read_to_string(&ana).unwrap();
    std::fs::write(&ana, format!("bio = \"Reads a lot.\"\n{text}")).unwrap();
    let scratch = scratch_copy(&site);
    // A bio is not what discovery or the posts' links are computed from: both are read back
    // from the memo (its files are not written again), and give the site built from scratch.
    let memo = ["discovery.json", "links.json"].map(|f| site.path().join(".toluu/memo").join(f));
    let written = |f: &std::path::Path| std::fs::metadata(f).unwrap().modified().unwrap();
    let before = memo.each_ref().map(|f| written(f));
    let report = site.build_offline().unwrap();
    assert!(!status_only(&report), "{:?}", report.stages);
    assert!(
        site.output("people/ana/index.html")
            .contains("Reads a lot.")
    );
    assert_eq!(memo.each_ref().map(|f| written(f)), before);
    assert_same_as_from_scratch(&site, &scratch, true);
    // A file of the theme that is not a template: written as the site has it.
    site.write("static/style.css", "body { color: teal }\n");
    let report = site.build_offline().unwrap();
    assert!(!status_only(&report), "{:?}", report.stages);
    assert_eq!(site.output("style.css"), "body { color: teal }\n");
    // A page removed by hand from the output is put back; a file put there is removed, as a
    // whole build does.
    std::fs::remove_file(site.path().join("public/people/bo/index.html")).unwrap();
    let report = site.build_offline().unwrap();
    assert!(!status_only(&report), "{:?}", report.stages);
    assert!(site.output("people/bo/index.html").contains("Bo"));
    std::fs::write(site.path().join("public/stray.html"), "mine?").unwrap();
    let report = site.build_offline().unwrap();
    assert!(status_only(&report), "{:?}", report.stages);
    assert!(!site.path().join("public/stray.html").exists());
    assert_eq!(report.files_removed, 1, "{report:?}");
}

#[test]
fn a_feed_that_fails_or_brings_news_builds_the_whole_site() {
    let (server, site, _) = warm_site();
    // A feed that fails: within the grace period (3 builds) only /status/ says so; past it,
    // its own page shows its failures, one more every build.
    server.route("/c.xml", Route::status(500));
    let mut whole = Vec::new();
    for _ in 0..5 {
        let scratch = scratch_copy(&site);
        let report = site.build().unwrap();
        whole.push(!status_only(&report));
        assert_same_as_from_scratch(&site, &scratch, false);
    }
    assert_eq!(whole, [false, false, true, true, true]);
    let slug = toluu::index::feed_slug("Gamma", &server.url("/c.xml"));
    let page = site.output(&format!("feeds/{slug}/index.html"));
    assert!(page.contains("5 builds"), "{page}");
    server.route(
        "/c.xml",
        Route::xml(feed("Gamma", 3)).with_etag("\"Gamma1\""),
    );
    // News: the feed's file in the cache is another.
    server.route(
        "/a.xml",
        Route::xml(feed("Alpha", 4)).with_etag("\"Alpha2\""),
    );
    let report = site.build().unwrap();
    assert!(!status_only(&report), "{:?}", report.stages);
    assert!(site.output("index.html").contains("Alpha post 3"));
    // Then nothing changed again.
    let report = site.build().unwrap();
    assert!(status_only(&report), "{:?}", report.stages);
    let report = site.build().unwrap();
    assert!(status_only(&report), "{:?}", report.stages);
}
