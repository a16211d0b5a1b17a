//! A person whose list was renamed keeps their old addresses: the site's git history shows
//! `people/ana.toml` became `people/ana-lima.toml`, so `people/ana/` is a redirect page to
//! `people/ana-lima/` and the old Atom feed and blogroll stay, as copies of the new ones.
//! Every site here is a real git repository in a temp dir, built by the real binary.

use std::path::Path;
use std::process::Command;

use crate::TestSite;
use crate::server::{Route, TestServer};

/// Runs git in `dir` with a fixed identity and date; panics when it fails.
fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@t.invalid"])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_DATE", "2026-01-01T00:00:00Z")
        .env("GIT_COMMITTER_DATE", "2026-01-01T00:00:00Z")
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A site in `site.path()/sub` (or the root when `sub` is empty) of a new git repository,
/// with Ana's list committed; the feed it reads is served by `server`.
fn repo_site(server: &TestServer, sub: &str) -> (TestSite, String) {
    server.route("/feed.xml", Route::xml(crate::rss("Blog", &POSTS)));
    let site = TestSite::new("");
    let root = if sub.is_empty() {
        String::new()
    } else {
        format!("{sub}/")
    };
    site.write(
        &format!("{root}toluu.toml"),
        "title = \"Renames\"\nbase_url = \"https://reading.example/\"\n",
    );
    site.write(
        &format!("{root}people/ana.toml"),
        &format!(
            "name = \"Ana Lima\"\n[[feeds]]\nurl = \"{}\"\n",
            server.url("/feed.xml")
        ),
    );
    site.write(
        &format!("{root}people/bo.toml"),
        &format!(
            "name = \"Bo\"\n[[feeds]]\nurl = \"{}\"\n",
            server.url("/feed.xml")
        ),
    );
    git(site.path(), &["init", "-q"]);
    git(site.path(), &["add", "."]);
    git(site.path(), &["commit", "-qm", "lists"]);
    (site, root)
}

const POSTS: [(&str, &str, &str); 2] = [
    (
        "One",
        "https://blog.example/1",
        "Mon, 02 Nov 2026 10:00:00 GMT",
    ),
    (
        "Two",
        "https://blog.example/2",
        "Sun, 01 Nov 2026 10:00:00 GMT",
    ),
];

/// Builds the site at `dir` with the real binary; its output is `dir/public`.
fn build(dir: &Path) {
    let out = Command::new(env!("CARGO_BIN_EXE_toluu"))
        .args(["build", "-q"])
        .arg(dir)
        .output()
        .expect("run toluu");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn read(dir: &Path, rel: &str) -> String {
    let path = dir.join("public").join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Asserts that `people/<old>/` sends its reader to `people/<new>/` and holds `<new>`'s Atom
/// feed and blogroll.
fn assert_moved(dir: &Path, old: &str, new: &str) {
    let page = read(dir, &format!("people/{old}/index.html"));
    assert!(
        page.contains(&format!(
            "http-equiv=\"refresh\" content=\"0; url=../../people/{new}/\""
        )),
        "{page}"
    );
    assert!(
        page.contains(&format!(
            "rel=\"canonical\" href=\"https://reading.example/people/{new}/\""
        )),
        "{page}"
    );
    assert!(page.contains("Ana Lima"), "{page}");
    for file in ["atom.xml", "feeds.opml"] {
        let copy = read(dir, &format!("people/{old}/{file}"));
        assert_eq!(copy, read(dir, &format!("people/{new}/{file}")), "{file}");
    }
}

#[test]
fn a_renamed_list_leaves_a_redirect_and_its_feeds_at_the_old_path() {
    let server = TestServer::start();
    let (site, _) = repo_site(&server, "");
    build(site.path());
    assert!(read(site.path(), "people/ana/index.html").contains("Ana Lima"));
    let atom_before = read(site.path(), "people/ana/atom.xml");

    git(
        site.path(),
        &["mv", "people/ana.toml", "people/ana-lima.toml"],
    );
    git(site.path(), &["commit", "-qm", "rename"]);
    build(site.path());
    let page = read(site.path(), "people/ana-lima/index.html");
    assert!(
        page.contains("Ana Lima") && !page.contains("http-equiv"),
        "{page}"
    );
    assert_moved(site.path(), "ana", "ana-lima");
    // A reader subscribed at the old address still gets the same posts, under the same ids.
    let atom = read(site.path(), "people/ana/atom.xml");
    let ids = |a: &str| -> Vec<String> {
        a.split("<id>")
            .skip(2)
            .map(|s| s[..s.find("</id>").unwrap()].to_owned())
            .collect()
    };
    assert_eq!(ids(&atom), ids(&atom_before));
    assert!(
        atom.contains("https://reading.example/people/ana-lima/atom.xml"),
        "{atom}"
    );
    // The old page is no longer listed: not on the people page, not in the sitemap.
    let people = read(site.path(), "people/index.html");
    assert!(
        people.contains("people/ana-lima/") && !people.contains("people/ana/"),
        "{people}"
    );
    assert!(!read(site.path(), "sitemap.xml").contains("people/ana/"));
    // Bo was never renamed: no redirect anywhere near him.
    assert!(!read(site.path(), "people/bo/index.html").contains("http-equiv"));

    // Rebuilt from the same checkout, the site is the same but for its "Updated" time.
    let before = crate::read_tree_unclocked(&site.path().join("public"));
    build(site.path());
    assert_eq!(
        crate::read_tree_unclocked(&site.path().join("public")),
        before
    );
}

#[test]
fn renames_are_followed_to_the_end_in_a_site_below_the_repository_root() {
    let server = TestServer::start();
    let (site, root) = repo_site(&server, "site");
    let dir = site.path().join("site");
    git(&dir, &["mv", "people/ana.toml", "people/ana-lima.toml"]);
    git(&dir, &["commit", "-qm", "one"]);
    git(&dir, &["mv", "people/ana-lima.toml", "people/lima.toml"]);
    git(&dir, &["commit", "-qm", "two"]);
    build(&dir);
    assert_moved(&dir, "ana", "lima");
    assert_moved(&dir, "ana-lima", "lima");

    // A new list takes the old name: it is that person's page again, no redirect.
    site.write(
        &format!("{root}people/ana.toml"),
        &format!(
            "name = \"Another Ana\"\n[[feeds]]\nurl = \"{}\"\n",
            server.url("/feed.xml")
        ),
    );
    git(&dir, &["add", "people/ana.toml"]);
    git(&dir, &["commit", "-qm", "new ana"]);
    build(&dir);
    let page = read(&dir, "people/ana/index.html");
    assert!(
        page.contains("Another Ana") && !page.contains("http-equiv"),
        "{page}"
    );
    assert_moved(&dir, "ana-lima", "lima");
}

#[test]
fn no_redirect_for_a_deleted_list_an_uncommitted_rename_or_when_turned_off() {
    let server = TestServer::start();
    let (site, _) = repo_site(&server, "");
    git(site.path(), &["rm", "-q", "people/bo.toml"]);
    git(site.path(), &["commit", "-qm", "bo leaves"]);
    std::fs::rename(
        site.path().join("people/ana.toml"),
        site.path().join("people/lima.toml"),
    )
    .unwrap();
    build(site.path());
    assert!(read(site.path(), "people/lima/index.html").contains("Ana Lima"));
    assert!(!site.path().join("public/people/bo").exists());
    assert!(!site.path().join("public/people/ana").exists());

    git(site.path(), &["add", "-A", "people"]);
    git(site.path(), &["commit", "-qm", "rename"]);
    site.write(
        "toluu.toml",
        "title = \"Renames\"\nbase_url = \"https://reading.example/\"\n\
         [build]\nredirects_from_git = false\n",
    );
    build(site.path());
    assert!(!site.path().join("public/people/ana").exists());
    site.write(
        "toluu.toml",
        "title = \"Renames\"\nbase_url = \"https://reading.example/\"\n",
    );
    build(site.path());
    assert_moved(site.path(), "ana", "lima");
}
