//! The authoring loop the way a new user meets it, through the real binary with the user's own
//! list around: `add` with a feed URL that does not parse or a page with no feed, `import` of a
//! reader's OPML export (folders, odd spellings, a legacy encoding), `export`'s order, and what
//! `build -q` prints.

use std::fs;

use crate::TestSite;
use crate::cli::{feed_route, page};
use crate::server::{Route, TestServer};

const LIST: &str =
    "# Ana's list\nname = \"Ana\"\n\n[[feeds]]\nurl = \"https://old.example/feed\"\n";

fn list_of(site: &TestSite, slug: &str) -> String {
    fs::read_to_string(site.path().join(format!("people/{slug}.toml"))).unwrap()
}

#[test]
fn add_a_feed_that_does_not_parse_shows_its_error_and_guesses_nothing() {
    let server = TestServer::start();
    // A feed with a broken item, on a host that also has a good feed at a common path.
    server.route(
        "/feed.xml",
        Route::xml("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>T</title><item><title>x</wrong></channel></rss>"),
    );
    server.route("/atom.xml", feed_route("Another feed", "p"));
    let site = TestSite::new("");
    site.write("people/ana.toml", LIST);

    let (code, stdout, stderr) =
        site.run(&["add", &server.url("/feed.xml"), "--person", "ana", "-C"]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(
        stderr.contains(&format!("{}: cannot add it: ", server.url("/feed.xml"))),
        "{stderr}"
    );
    assert!(!stderr.contains("atom.xml"), "{stderr}");
    let paths: Vec<String> = server.seen().into_iter().map(|s| s.path).collect();
    assert_eq!(paths, ["/feed.xml"], "no other URL of the host is tried");
    assert_eq!(list_of(&site, "ana"), LIST, "nothing written");

    // Neither a feed nor a web page: said so, nothing guessed.
    server.reset();
    server.route("/notes.txt", Route::ok("text/plain", "just some text"));
    let (code, _, stderr) = site.run(&["add", &server.url("/notes.txt"), "--person", "ana", "-C"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("cannot add it: not a feed"), "{stderr}");
    assert_eq!(server.seen().len(), 1);
}

#[test]
fn add_a_page_without_feeds_says_what_it_tried() {
    let server = TestServer::start();
    server.route("/blog/", page(&[("application/rss+xml", "/blog/gone.xml")]));
    server.route("/blog/gone.xml", Route::status(404));
    let site = TestSite::new("");
    site.write("people/ana.toml", LIST);
    let (code, _, stderr) = site.run(&["add", &server.url("/blog/"), "--person", "ana", "-C"]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("no feed found: it is a web page"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "  {} (linked from the page): HTTP 404",
            server.url("/blog/gone.xml")
        )),
        "{stderr}"
    );
    for path in [
        "/feed",
        "/rss.xml",
        "/atom.xml",
        "/index.xml",
        "/feed.xml",
        "/feed.json",
    ] {
        assert!(
            stderr.contains(&format!("  {}: HTTP 404", server.url(path))),
            "{path}: {stderr}"
        );
    }
    assert_eq!(list_of(&site, "ana"), LIST);
}

/// A reader's export as they come: a feed in two folders, `feed://`, a relative URL, the
/// `url`/`XMLURL`/`xmlurl` spellings, declared ISO-8859-1 with accented names.
fn export_from_a_reader() -> Vec<u8> {
    let text = r#"<?xml version="1.0" encoding="ISO-8859-1"?>
<opml version="1.0">
  <head><title>Subscriptions</title><ownerName>José Peña</ownerName></head>
  <body>
    <outline text="Café">
      <outline type="rss" text="Both" xmlUrl="https://both.example/feed"/>
      <outline type="rss" text="Spelled url" url="https://url.example/rss"/>
    </outline>
    <outline text="Science">
      <outline type="rss" text="Both again" xmlUrl="https://both.example/feed"/>
      <outline type="rss" text="Relative" xmlUrl="/feed.xml"/>
      <outline type="rss" text="Upper" XMLURL="https://upper.example/atom"/>
    </outline>
    <outline type="rss" text="Subscribe link" xmlUrl="feed://sub.example/feed"/>
    <outline type="rss" text="Lower" xmlurl="https://lower.example/index.xml"/>
    <outline type="link" text="A page, not a feed" url="https://page.example/"/>
    <outline type="rss" text="Already mine" xmlUrl="https://old.example/feed"/>
  </body>
</opml>
"#;
    // ISO-8859-1: every character here is one byte.
    text.chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap())
        .collect()
}

#[test]
fn import_skips_what_it_cannot_read_and_merges_folders() {
    let site = TestSite::new("");
    site.write("people/ana.toml", LIST);
    let opml = site.path().join("export.opml");
    fs::write(&opml, export_from_a_reader()).unwrap();

    let (code, stdout, stderr) =
        site.run(&["import", opml.to_str().unwrap(), "--person", "ana", "-C"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stderr.trim_end(),
        format!(
            "warning: {}:11:7: skipped: feed url '/feed.xml' is relative: give the feed's full address (https://…)",
            opml.display()
        ),
        "one warning line for the one bad outline"
    );
    assert_eq!(
        stdout.trim_end(),
        format!(
            "imported 5 feeds into {} (1 already listed, 1 skipped)",
            site.path().join("people/ana.toml").display()
        )
    );
    let text = list_of(&site, "ana");
    assert!(text.starts_with(LIST), "the user's list is kept: {text}");
    let added = &text[LIST.len()..];
    assert_eq!(
        added,
        "\n[[feeds]]\nurl = \"https://both.example/feed\"\ntags = [\"café\", \"science\"]\n\
         \n[[feeds]]\nurl = \"https://url.example/rss\"\ntags = [\"café\"]\n\
         \n[[feeds]]\nurl = \"https://upper.example/atom\"\ntags = [\"science\"]\n\
         \n[[feeds]]\nurl = \"https://sub.example/feed\"\n\
         \n[[feeds]]\nurl = \"https://lower.example/index.xml\"\n"
    );
    let (code, _, stderr) = site.run(&["check"]);
    assert_eq!(code, 0, "{stderr}");

    // A new list takes the owner's name, decoded from ISO-8859-1.
    let (code, stdout, _) = site.run(&["import", opml.to_str().unwrap(), "--person", "jose", "-C"]);
    assert_eq!(code, 0);
    assert!(stdout.starts_with("imported 6 feeds into"), "{stdout}");
    assert!(list_of(&site, "jose").starts_with("name = \"José Peña\"\n"));
}

#[test]
fn import_counts_in_words_and_refuses_a_file_with_no_feed() {
    let site = TestSite::new("");
    let one = site.path().join("one.opml");
    fs::write(
        &one,
        "<opml version=\"2.0\"><body><outline xmlUrl=\"https://one.example/feed\"/></body></opml>",
    )
    .unwrap();
    // A relative FILE is read from the current directory (here not the site's): not found.
    let (code, _, stderr) = site.run(&["import", "one.opml", "--person", "bo", "-C"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("one.opml: cannot read: "), "{stderr}");
    let (code, stdout, stderr) =
        site.run(&["import", one.to_str().unwrap(), "--person", "bo", "-C"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with("imported 1 feed into "), "{stdout}");
    assert!(
        stdout.ends_with("(0 already listed, 0 skipped)\n"),
        "{stdout}"
    );

    let none = site.path().join("none.opml");
    fs::write(
        &none,
        "<opml version=\"2.0\"><body><outline text=\"Folder\"><outline text=\"x\" htmlUrl=\"https://x.example/\"/></outline></body></opml>",
    )
    .unwrap();
    let (code, _, stderr) = site.run(&["import", none.to_str().unwrap(), "--person", "cy", "-C"]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("no outline has a feed URL (an xmlUrl attribute): nothing to import"),
        "{stderr}"
    );
    assert!(!site.path().join("people/cy.toml").exists());
}

#[test]
fn export_keeps_the_owners_order() {
    let site = TestSite::new("");
    let urls = [
        "https://zeta.example/feed",
        "https://alpha.example/feed",
        "https://mid.example/feed",
    ];
    site.person("ana", "Ana", &urls.map(String::from));
    site.person(
        "bo",
        "Bo",
        &["https://beta.example/feed".to_owned(), urls[1].to_owned()],
    );
    let order = |opml: &str| -> Vec<String> {
        opml.split("xmlUrl=\"")
            .skip(1)
            .map(|rest| rest[..rest.find('"').unwrap()].to_owned())
            .collect()
    };
    let (code, stdout, stderr) = site.run(&["export", "--person", "ana", "-C"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(order(&stdout), urls, "{stdout}");
    let (_, stdout, _) = site.run(&["export", "-C"]);
    assert_eq!(
        order(&stdout),
        [urls[0], urls[1], urls[2], "https://beta.example/feed"],
        "each feed once, where it first appears"
    );
}

#[test]
fn quiet_build_prints_the_failures_and_one_line() {
    let server = TestServer::start();
    server.route("/a.xml", feed_route("A", "p"));
    server.route("/b.xml", Route::status(500));
    let site = TestSite::new("");
    site.person("ana", "Ana", &[server.url("/a.xml"), server.url("/b.xml")]);
    let (code, stdout, stderr) = site.run(&["build", "-q"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, "");
    assert_eq!(
        stderr,
        format!(
            "error: {}: HTTP 500 Internal Server Error [people/ana.toml]\n\
             2 feeds: 1 ok, 0 not modified, 0 cached, 0 skipped, 1 failed; 1 failing, 0 moved, 0 dead\n",
            server.url("/b.xml")
        )
    );
}
