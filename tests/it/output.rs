//! The writer keeps unchanged files as they were (same inode, same mtime), and still swaps
//! the whole site in at once.

use std::os::unix::fs::MetadataExt;

use crate::server::{Route, TestServer};
use crate::{TestSite, rss};

/// A loopback server with one feed of one post at `/a.xml`.
fn one_feed_server() -> TestServer {
    let server = TestServer::start();
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
    server
}

#[test]
fn unchanged_files_are_kept_and_changed_ones_rewritten() {
    let server = one_feed_server();
    let site = TestSite::new("");
    site.write(
        "people/ana.toml",
        &format!(
            "name = \"Ana\"\nbio = \"first\"\n[[feeds]]\nurl = \"{}\"\n",
            server.url("/a.xml")
        ),
    );
    site.write(
        "people/bo.toml",
        &format!(
            "name = \"Bo\"\n[[feeds]]\nurl = \"{}\"\n",
            server.url("/a.xml")
        ),
    );
    let first = site.build().unwrap();
    assert_eq!(
        first.files_changed, first.files_written,
        "first build writes everything"
    );
    let public = site.path().join("public");
    let inode = |rel: &str| std::fs::metadata(public.join(rel)).unwrap().ino();
    let (river, ana, bo) = (
        inode("index.html"),
        inode("people/ana/index.html"),
        inode("people/bo/index.html"),
    );

    let again = site.build_offline().unwrap();
    assert_eq!(again.files_changed, 0, "nothing changed: {again}");
    assert_eq!(inode("index.html"), river);

    site.write(
        "people/ana.toml",
        &format!(
            "name = \"Ana\"\nbio = \"second\"\n[[feeds]]\nurl = \"{}\"\n",
            server.url("/a.xml")
        ),
    );
    let edited = site.build_offline().unwrap();
    assert!(
        edited.files_changed >= 1 && edited.files_changed < edited.files_written / 2,
        "{edited}"
    );
    assert_ne!(
        inode("people/ana/index.html"),
        ana,
        "the edited person's page is rewritten"
    );
    assert!(site.output("people/ana/index.html").contains("second"));
    assert_eq!(
        inode("people/bo/index.html"),
        bo,
        "another person's page is kept"
    );
}

/// Pages are written as they are rendered: a build that fails half-way (a template that
/// errors on some pages only) leaves the previous site whole and no half-written directory.
#[test]
fn a_build_failing_mid_way_keeps_the_previous_site() {
    let server = one_feed_server();
    let site = TestSite::new("");
    site.person("ana", "Ana", &[server.url("/a.xml")]);
    site.build().unwrap();
    let before = site.output("index.html");
    let person = site.output("people/ana/index.html");

    // Only person pages fail, at render time (the template compiles).
    site.write("templates/person.html", "{{ no_such_value.field }}");
    site.write(
        "people/ana.toml",
        &format!(
            "name = \"Ana\"\nbio = \"changed\"\n[[feeds]]\nurl = \"{}\"\n",
            server.url("/a.xml")
        ),
    );
    let err = site.build_offline().unwrap_err().to_string();
    assert!(err.contains("person.html"), "{err}");
    assert_eq!(site.output("index.html"), before);
    assert_eq!(site.output("people/ana/index.html"), person);
    for stale in [".public.new", ".public.old"] {
        assert!(!site.path().join(stale).exists(), "{stale} left behind");
    }
}
