//! Rendering ahead (`render::Ahead`): while a build fetches, pages are rendered from the
//! cache; afterwards only pages whose inputs changed are rendered again. The site must be
//! byte for byte the one a build that renders every page after the fetch writes.

use crate::server::{Route, TestServer};
use crate::{TestSite, read_tree_unclocked, rss};

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
fn rendering_ahead_writes_the_same_site_as_rendering_after() {
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
    assert_eq!(
        first.pages_rendered_ahead, 0,
        "nothing cached: nothing ahead"
    );

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
    let after = tempfile::tempdir().unwrap();
    copy_dir(site.path(), after.path());

    let ahead = site.build().unwrap();
    let options = toluu::BuildOptions {
        no_render_ahead: true,
        ..Default::default()
    };
    let plain = toluu::build(after.path(), &options).unwrap();
    assert_eq!(plain.pages_rendered_ahead, 0);
    assert!(ahead.pages_rendered_ahead > 0, "{ahead:?}");
    // Some pages are kept (dee's, Beta's), some are not (the river, Alpha's, ana's).
    assert!(
        ahead.pages_kept > 0 && ahead.pages_kept < ahead.pages_rendered_ahead,
        "{} of {} kept",
        ahead.pages_kept,
        ahead.pages_rendered_ahead
    );
    // Built a moment apart: the two differ in their "Updated" times only.
    let with_ahead = read_tree_unclocked(&site.path().join("public"));
    let without = read_tree_unclocked(&after.path().join("public"));
    let paths = |tree: &[(String, Vec<u8>)]| -> Vec<String> {
        tree.iter().map(|(p, _)| p.clone()).collect()
    };
    assert_eq!(paths(&with_ahead), paths(&without));
    for ((path, a), (_, b)) in with_ahead.iter().zip(&without) {
        assert!(
            a == b,
            "{path} differs:\n{}\n---\n{}",
            String::from_utf8_lossy(a),
            String::from_utf8_lossy(b)
        );
    }
    let dirs = |root: &std::path::Path| -> Vec<String> {
        walkdir::WalkDir::new(root)
            .sort_by_file_name()
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| e.file_type().is_dir())
            .map(|e| e.path().strip_prefix(root).unwrap().display().to_string())
            .collect()
    };
    assert_eq!(
        dirs(&site.path().join("public")),
        dirs(&after.path().join("public")),
        "the same directories, none left empty"
    );
    let river = site.output("index.html");
    assert!(
        river.contains("Alpha post 3"),
        "the new post is on the river"
    );
    assert!(site.output("feeds.opml").contains("Delta II") || river.contains("Delta II"));
}

#[test]
fn a_page_rendered_ahead_at_a_path_that_moved_becomes_a_redirect() {
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

    // It works now: its page moves to its title's slug. The page rendered ahead, from the
    // cache, is at the old path: the new site has a redirect there instead.
    server.route("/b.xml", Route::xml(feed("Beta", 2)));
    let report = site.build().unwrap();
    assert!(report.pages_rendered_ahead > 0, "{report:?}");
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
