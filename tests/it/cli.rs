//! The authoring commands, through the real binary: init, add, import/export, check,
//! build's progress output, completions and help.

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::server::{Route, TestServer};
use crate::{TestSite, rss};

pub(crate) fn toluu(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_toluu"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run toluu");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

pub(crate) fn feed_route(title: &str, post: &str) -> Route {
    // Each post its own link: the river shows a post linked from two feeds once.
    let link = format!("https://posts.example/{}", post.replace(' ', "-"));
    Route::xml(rss(
        title,
        &[(post, &link, "Wed, 04 Nov 2026 10:00:00 GMT")],
    ))
}

/// The parts of a YAML block mapping this workflow uses, as (indent, key) lines: checks
/// that indentation is consistent (two spaces, no tabs) and that every line is a comment, a
/// `key:`, a `key: value`, a `- ` item or a continuation of a `|` block.
fn yaml_keys(text: &str) -> Vec<(usize, String)> {
    let mut keys = Vec::new();
    let mut block: Option<usize> = None;
    for (n, line) in text.lines().enumerate() {
        assert!(!line.contains('\t'), "line {}: a tab", n + 1);
        let indent = line.len() - line.trim_start().len();
        let body = line.trim();
        if let Some(min) = block {
            if body.is_empty() || indent > min {
                continue;
            }
            block = None;
        }
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        assert_eq!(indent % 2, 0, "line {}: odd indentation: {line}", n + 1);
        let item = body.strip_prefix("- ").unwrap_or(body);
        let item_indent = indent + (body.len() - item.len());
        if let Some((key, value)) = item.split_once(':')
            && !key.contains(' ')
            && !key.starts_with('"')
        {
            keys.push((item_indent, key.to_owned()));
            if value.trim() == "|" {
                block = Some(item_indent);
            }
        } else {
            assert!(
                body.starts_with("- "),
                "line {}: not YAML we expect: {line}",
                n + 1
            );
        }
    }
    keys
}

#[test]
fn init_then_build_works_and_refuses_to_overwrite() {
    let server = TestServer::start();
    server.route("/mine.xml", feed_route("My Feed", "A post of mine"));
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("site");
    let d = dir.to_str().unwrap();
    let (code, stdout, stderr) = toluu(&["init", d, "--title", "Our \"Reading\" Room"]);
    assert_eq!(code, 0, "{stderr}");
    for file in [
        "toluu.toml",
        "people/your-name.toml",
        ".gitignore",
        ".github/workflows/publish.yml",
        ".github/workflows/check.yml",
    ] {
        assert!(dir.join(file).is_file(), "{file} missing");
        assert!(stdout.contains(file), "{file} not named in {stdout}");
    }
    let (code, _, stderr) = toluu(&["fmt", "--check", d]);
    assert_eq!(code, 0, "init writes canonical lists: {stderr}");
    let gitignore = fs::read_to_string(dir.join(".gitignore")).unwrap();
    assert!(gitignore.contains("/public/") && gitignore.contains("/.toluu/"));

    // The workflow: well-formed, on push and schedule, keeps .toluu, official Pages actions.
    let wf = fs::read_to_string(dir.join(".github/workflows/publish.yml")).unwrap();
    let keys = yaml_keys(&wf);
    let top: Vec<&str> = keys
        .iter()
        .filter(|(i, _)| *i == 0)
        .map(|(_, k)| k.as_str())
        .collect();
    assert_eq!(top, ["name", "on", "permissions", "concurrency", "jobs"]);
    for key in ["push", "schedule", "workflow_dispatch"] {
        assert!(keys.contains(&(2, key.to_owned())), "on.{key} missing");
    }
    assert!(wf.contains("- cron: \""));
    assert!(wf.contains("pages: write") && wf.contains("id-token: write"));
    assert!(wf.contains("uses: actions/cache/restore@v4"));
    assert!(wf.contains("uses: actions/cache/save@v4"));
    assert!(wf.contains("if: always()\n        with:\n          path: .toluu\n"));
    for action in [
        "actions/configure-pages@v5",
        "actions/upload-pages-artifact@v3",
        "actions/deploy-pages@v4",
    ] {
        assert!(wf.contains(&format!("uses: {action}")), "{action} missing");
    }
    assert!(wf.contains("toluu build --base-url \"${{ steps.pages.outputs.base_url }}/\""));
    // toluu comes from the Action, the repository's whole history is checked out.
    let action = format!("uses: toluu/toluu@v{}\n", env!("CARGO_PKG_VERSION_MAJOR"));
    assert!(wf.contains(&action), "{wf}");
    assert!(wf.contains("fetch-depth: 0"));
    assert!(!wf.contains("TOLUU_REPO") && !wf.contains("cargo install"));
    // Pull requests: format, check, and the added feeds fetched.
    let pr = fs::read_to_string(dir.join(".github/workflows/check.yml")).unwrap();
    let keys = yaml_keys(&pr);
    assert!(keys.contains(&(2, "pull_request".to_owned())), "{pr}");
    assert!(pr.contains(&action) && pr.contains("fetch-depth: 0"));
    assert!(pr.contains("run: toluu fmt --check\n"));
    assert!(pr.contains("run: toluu check --changed-since \"origin/$BASE\" --fetch\n"));

    // The example person is replaced by the user's own feed, and the site builds.
    fs::write(
        dir.join("people/your-name.toml"),
        format!(
            "name = \"Me\"\n[[feeds]]\nurl = \"{}\"\n",
            server.url("/mine.xml")
        ),
    )
    .unwrap();
    let (code, _, stderr) = toluu(&["build", d]);
    assert_eq!(code, 0, "{stderr}");
    let index = fs::read_to_string(dir.join("public/index.html")).unwrap();
    assert!(index.contains("A post of mine"));
    assert!(
        index.contains("Our &quot;Reading&quot; Room") || index.contains("Our \"Reading\" Room")
    );
    assert!(
        !index.contains("livereload"),
        "build output has no live-reload script"
    );

    // A second init refuses and changes nothing; --force overwrites.
    let (code, _, stderr) = toluu(&["init", d]);
    assert_ne!(code, 0);
    assert!(
        stderr.contains("--force") && stderr.contains("toluu.toml"),
        "{stderr}"
    );
    assert!(
        fs::read_to_string(dir.join("people/your-name.toml"))
            .unwrap()
            .contains("Me")
    );
    let (code, _, stderr) = toluu(&["init", d, "--force"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        fs::read_to_string(dir.join("people/your-name.toml"))
            .unwrap()
            .contains("Your Name")
    );
}

const LIST: &str = "# Ana's list: keep this comment\nname = \"Ana\"  # her name\n\n[[feeds]]\nurl = \"https://old.example/feed\"   # an old one\ntags = [\"old\"]\n";

pub(crate) fn page(links: &[(&str, &str)]) -> Route {
    let mut html = String::from("<!doctype html><html><head><title>Blog</title>\n");
    for (kind, href) in links {
        html.push_str(&format!(
            "<link rel=\"alternate\" type=\"{kind}\" href=\"{href}\">\n"
        ));
    }
    html.push_str("</head><body>hi</body></html>");
    Route::ok("text/html", html)
}

#[test]
fn add_discovers_feeds_and_keeps_comments() {
    let server = TestServer::start();
    server.route("/blog/", page(&[("application/rss+xml", "/blog/rss.xml")]));
    server.route("/blog/rss.xml", feed_route("Blog RSS", "p"));
    let site = TestSite::new("");
    site.write("people/ana.toml", LIST);

    let (code, stdout, stderr) = site.run(&[
        "add",
        &server.url("/blog/"),
        "--person",
        "ana",
        "--tag",
        "Rust",
        "--tag",
        "web",
        "--note",
        "Good *stuff*",
        "-C",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("Blog RSS"), "{stdout}");
    let text = fs::read_to_string(site.path().join("people/ana.toml")).unwrap();
    assert_eq!(
        text,
        format!(
            "{LIST}\n[[feeds]]\nurl = \"{}\"\ntags = [\"rust\", \"web\"]\nnote = \"Good *stuff*\"\n",
            server.url("/blog/rss.xml")
        )
    );

    // The same feed again is refused.
    let (code, _, stderr) =
        site.run(&["add", &server.url("/blog/rss.xml"), "--person", "ana", "-C"]);
    assert_ne!(code, 0);
    assert!(stderr.contains("already lists"), "{stderr}");
}

#[test]
fn add_offers_the_choices_when_a_page_has_several_feeds() {
    let server = TestServer::start();
    server.route(
        "/",
        page(&[
            ("application/rss+xml", "/rss.xml"),
            ("application/atom+xml", "/atom.xml"),
            ("application/rss+xml", "/broken.xml"),
        ]),
    );
    server.route("/rss.xml", feed_route("Site RSS", "p"));
    server.route(
        "/atom.xml",
        Route::ok(
            "application/atom+xml",
            "<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"><title>Site Atom</title><id>urn:x</id><updated>2026-11-01T00:00:00Z</updated></feed>",
        ),
    );
    server.route("/broken.xml", Route::status(404));
    let site = TestSite::new("");
    site.write("people/ana.toml", LIST);

    // Not a terminal, no --pick: the choices are printed and nothing is written.
    let (code, _, stderr) = site.run(&["add", &server.url("/"), "--person", "ana", "-C"]);
    assert_ne!(code, 0);
    assert!(
        stderr.contains(&format!("1. {} (Site RSS)", server.url("/rss.xml"))),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("2. {} (Site Atom)", server.url("/atom.xml"))),
        "{stderr}"
    );
    assert!(
        !stderr.contains("broken.xml"),
        "a link that is no feed is no choice: {stderr}"
    );
    assert!(stderr.contains("--pick"), "{stderr}");
    assert_eq!(
        fs::read_to_string(site.path().join("people/ana.toml")).unwrap(),
        LIST
    );

    let (code, _, stderr) = site.run(&[
        "add",
        &server.url("/"),
        "--person",
        "ana",
        "--pick",
        "2",
        "-C",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let text = fs::read_to_string(site.path().join("people/ana.toml")).unwrap();
    assert!(
        text.ends_with(&format!(
            "[[feeds]]\nurl = \"{}\"\n",
            server.url("/atom.xml")
        )),
        "{text}"
    );
}

#[test]
fn add_falls_back_to_common_paths_and_creates_a_new_list() {
    let server = TestServer::start();
    server.route("/", page(&[]));
    server.route("/index.xml", feed_route("Hugo Blog", "p"));
    let site = TestSite::new("");
    let (code, _, stderr) = site.run(&[
        "add",
        &server.url("/"),
        "--person",
        "new-person",
        "--name",
        "New Person",
        "-C",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let text = fs::read_to_string(site.path().join("people/new-person.toml")).unwrap();
    assert_eq!(
        text,
        format!(
            "name = \"New Person\"\n\n[[feeds]]\nurl = \"{}\"\n",
            server.url("/index.xml")
        )
    );
    let (code, _, stderr) = site.run(&["check"]);
    assert_eq!(code, 0, "the new list is valid: {stderr}");
    let (code, stdout, _) = site.run(&["fmt", "--check"]);
    assert_eq!(code, 0, "a new list is canonical: {stdout}");

    // A page with no feed anywhere: a clear error, nothing written.
    server.route("/index.xml", Route::status(404));
    server.route("/nothing/", page(&[]));
    let (code, _, stderr) = site.run(&["add", &server.url("/nothing/"), "--person", "other", "-C"]);
    assert_ne!(code, 0);
    assert!(stderr.contains("no feed found"), "{stderr}");
    assert!(!site.path().join("people/other.toml").exists());
}

const NESTED_OPML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>Cy's feeds</title><ownerName>Cy Park</ownerName></head>
  <body>
    <outline text="Tech">
      <outline text="Rust">
        <outline type="rss" text="Rust Blog" xmlUrl="https://rust.example/feed.xml" htmlUrl="https://rust.example/"/>
      </outline>
      <outline type="rss" text="Systems" xmlUrl="https://sys.example/atom.xml" description="Deep dives"/>
    </outline>
    <outline type="rss" text="Top level" xmlUrl="https://top.example/rss"/>
  </body>
</opml>
"#;

fn tags_of(site: &TestSite, slug: &str) -> Vec<(String, Vec<String>)> {
    let loaded = toluu::site::load_site(site.path()).expect("site loads");
    let person = loaded
        .people
        .iter()
        .find(|p| p.slug == slug)
        .expect("person");
    person
        .feeds
        .iter()
        .map(|f| (f.url.clone(), f.tags.clone()))
        .collect()
}

#[test]
fn import_and_export_round_trip_nested_folders() {
    let site = TestSite::new("");
    site.write("in.opml", NESTED_OPML);
    let opml_in = site.path().join("in.opml");
    let (code, stdout, stderr) =
        site.run(&["import", opml_in.to_str().unwrap(), "--person", "cy", "-C"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("imported 3 feeds"), "{stdout}");
    let cy = fs::read_to_string(site.path().join("people/cy.toml")).unwrap();
    assert!(cy.starts_with("name = \"Cy Park\"\n"), "{cy}");
    let expected = vec![
        (
            "https://rust.example/feed.xml".to_owned(),
            vec!["tech".to_owned(), "rust".to_owned()],
        ),
        (
            "https://sys.example/atom.xml".to_owned(),
            vec!["tech".to_owned()],
        ),
        ("https://top.example/rss".to_owned(), vec![]),
    ];
    assert_eq!(tags_of(&site, "cy"), expected);
    let (code, stdout, _) = site.run(&["fmt", "--check"]);
    assert_eq!(code, 0, "an imported list is canonical: {stdout}");

    // Importing the same file again adds nothing.
    let (_, stdout, _) = site.run(&["import", opml_in.to_str().unwrap(), "--person", "cy", "-C"]);
    assert!(
        stdout.contains("imported 0 feeds") && stdout.contains("3 already listed"),
        "{stdout}"
    );

    // Export, import the export into someone else: the same feeds and tags.
    let (code, exported, stderr) = site.run(&["export", "--person", "cy", "-C"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(exported.contains("<opml version=\"2.0\">"), "{exported}");
    assert!(
        exported.contains("<ownerName>Cy Park</ownerName>"),
        "{exported}"
    );
    assert!(exported.contains("category=\"tech,rust\""), "{exported}");
    let out = site.path().join("out.opml");
    fs::write(&out, &exported).unwrap();
    let (code, _, stderr) = site.run(&["import", out.to_str().unwrap(), "--person", "dee", "-C"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(tags_of(&site, "dee"), expected);

    // The whole site's export has each feed once.
    let (code, all, _) = site.run(&["export", "-C"]);
    assert_eq!(code, 0);
    assert_eq!(
        all.matches("xmlUrl=\"https://rust.example/feed.xml\"")
            .count(),
        1,
        "{all}"
    );
}

#[test]
fn check_reports_every_problem_with_its_line() {
    let site =
        TestSite::new("title = \"T\"\nbase_urll = \"https://x.example/\"\n[fetch]\ntimeout = 3\n");
    site.write(
        "people/ana.toml",
        "name = \"Ana\"\nfavorite = \"tea\"\n\n[[feeds]]\nurl = \"ftp://a.example/feed\"\n\n[[feeds]]\nurl = \"https://b.example/feed\"\n\n[[feeds]]\nurl = \"HTTPS://B.example/feed\"\n\n[[feeds]]\ntitle = \"no url\"\n",
    );
    site.write(
        "people/bo.toml",
        "bio = \"no name\"\n[[feeds]]\nurl = \"https://c.example/\"\ncolour = 1\n",
    );
    site.write("people/cy.toml", "name = \"Cy\"\n");
    site.write(
        "people/cy.opml",
        "<opml version=\"2.0\"><head><title>Cy</title></head><body></body></opml>",
    );
    let (code, _, stderr) = site.run(&["check"]);
    assert_eq!(code, 2, "{stderr}");
    for expected in [
        "toluu.toml:2:1: unknown field `base_urll`",
        "toluu.toml:4:1: unknown field `timeout`",
        "people/ana.toml:2:1: unknown field `favorite`",
        "people/ana.toml:5:7: feed url 'ftp://a.example/feed'",
        "people/ana.toml:11:7: feed 'HTTPS://B.example/feed' is listed twice in this list",
        "people/ana.toml:13:1: feed has no `url`",
        "people/bo.toml:4:1: unknown field `colour`",
        "people/bo.toml:1:1: missing `name`",
        "people/cy.toml:1:1: duplicate person 'cy'",
    ] {
        assert!(
            stderr.contains(expected),
            "missing {expected:?} in:\n{stderr}"
        );
    }
    assert!(stderr.contains("9 problems found"), "{stderr}");
}

#[test]
fn check_fetch_reports_dead_moved_and_non_feed_urls() {
    let server = TestServer::start();
    server.route("/ok.xml", feed_route("Fine", "p"));
    server.route("/gone.xml", Route::status(404));
    server.route("/page.html", page(&[]));
    let mut moved = Route::status(301);
    moved
        .headers
        .push(("Location".to_owned(), server.url("/ok.xml")));
    server.route("/old.xml", moved);
    let site = TestSite::new("");
    site.person(
        "ana",
        "Ana",
        &[
            server.url("/ok.xml"),
            server.url("/gone.xml"),
            server.url("/page.html"),
            server.url("/old.xml"),
        ],
    );
    let (code, _, _) = site.run(&["check"]);
    assert_eq!(code, 0, "without --fetch nothing is fetched");
    assert!(server.seen().is_empty());

    let (code, stdout, stderr) = site.run(&["check", "--fetch"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stdout.contains("4 feeds: 2 ok"),
        "the summary table: {stdout}"
    );
    let gone = server.url("/gone.xml");
    assert!(
        stderr.contains(&format!(
            "people/ana.toml:5:7: feed '{gone}' failed: HTTP 404 Not Found"
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains("people/ana.toml:7:7: feed") && stderr.contains("failed: not a feed"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "warning: people/ana.toml:9:7: feed '{}' moved: it now answers at '{}'",
            server.url("/old.xml"),
            server.url("/ok.xml")
        )),
        "{stderr}"
    );
    assert!(stderr.contains("2 feeds failed"), "{stderr}");
    assert!(
        !site.path().join(".toluu").exists(),
        "the state is not touched"
    );
}

#[test]
fn build_prints_plain_lines_without_a_terminal() {
    let server = TestServer::start();
    server.route("/a.xml", feed_route("A", "p"));
    server.route("/b.xml", Route::status(500));
    let site = TestSite::new("");
    site.person("ana", "Ana", &[server.url("/a.xml"), server.url("/b.xml")]);
    let (code, _, stderr) = site.run(&["build", "-v"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("refreshing 2 feeds (2 to fetch)"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("ok {}", server.url("/a.xml"))),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "failed {}: HTTP 500 Internal Server Error",
            server.url("/b.xml")
        )),
        "{stderr}"
    );
    assert!(
        !stderr.contains('\u{1b}'),
        "no colors when not a terminal: {stderr:?}"
    );

    server.route("/b.xml", feed_route("B", "q"));
    let (code, stdout, stderr) = site.run(&["build", "-q"]);
    assert_eq!(code, 0);
    assert_eq!(
        (stdout.as_str(), stderr.as_str()),
        ("", ""),
        "-q prints nothing"
    );
}

#[test]
fn help_version_and_completions() {
    let (code, stdout, _) = toluu(&["--version"]);
    assert_eq!(code, 0);
    assert_eq!(
        stdout.trim(),
        format!("toluu {}", env!("CARGO_PKG_VERSION"))
    );
    for (command, options) in [
        ("init", &["--force", "--title"][..]),
        ("serve", &["--port", "--offline"][..]),
        (
            "add",
            &["--person", "--tag", "--pick", "--note", "--dir"][..],
        ),
        ("import", &["--person"][..]),
        ("export", &["--person", "--output"][..]),
        ("check", &["--fetch", "--changed-since"][..]),
        (
            "build",
            &["--quiet", "--verbose", "--base-url", "--offline"][..],
        ),
    ] {
        let (code, stdout, _) = toluu(&[command, "--help"]);
        assert_eq!(code, 0);
        for option in options {
            assert!(
                stdout.contains(option),
                "{command} --help lacks {option}:\n{stdout}"
            );
        }
    }
    let (code, stdout, _) = toluu(&["completions", "bash"]);
    assert_eq!(code, 0);
    assert!(
        stdout.contains("_toluu()") && stdout.contains("serve"),
        "{stdout}"
    );
}

#[test]
fn readme_shows_the_workflow_init_writes() {
    let guide = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/src/publishing.md");
    let readme = fs::read_to_string(guide).unwrap();
    let section = &readme[readme
        .find("# Publishing to GitHub Pages")
        .expect("section")..];
    let start = section.find("```yaml\n").expect("yaml block") + "```yaml\n".len();
    let block = &section[start..start + section[start..].find("```").unwrap()];
    assert_eq!(block, toluu::cli::init::workflow());
}
