//! `toluu check --changed-since REF`, through the real binary, on a real git repository in a
//! temp dir whose site is in a subfolder (as in a repository that holds more than the site).

use std::fs;
use std::path::Path;
use std::process::Command;

use crate::rss;
use crate::server::{Route, TestServer};

fn git(repo: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@t.invalid"])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(repo)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn list(name: &str, urls: &[&String]) -> String {
    let mut text = format!("name = \"{name}\"\n");
    for url in urls {
        text.push_str(&format!("\n[[feeds]]\nurl = \"{url}\"\n"));
    }
    text
}

/// Runs `toluu check ARGS site` as a GitHub Actions step would; returns (code, stdout,
/// stderr, the job summary).
fn check_in_actions(repo: &Path, args: &[&str]) -> (i32, String, String, String) {
    let summary = repo.join("../summary.md");
    let _ = fs::remove_file(&summary);
    let out = Command::new(env!("CARGO_BIN_EXE_toluu"))
        .arg("check")
        .args(args)
        .arg(repo.join("site"))
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .expect("run toluu");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        fs::read_to_string(&summary).unwrap_or_default(),
    )
}

#[test]
fn a_pull_request_that_adds_a_broken_feed_gets_an_annotation_on_its_line() {
    let server = TestServer::start();
    let posts = [(
        "A post",
        "https://new.example/1",
        "Tue, 03 Nov 2026 10:00:00 GMT",
    )];
    server.route("/new.xml", Route::xml(rss("The New Blog", &posts)));
    server.route("/shared.xml", Route::xml(rss("Shared", &posts)));
    let (old, kept, shared) = (
        server.url("/old.xml"),
        server.url("/kept.xml"),
        server.url("/shared.xml"),
    );
    let (new, broken) = (server.url("/new.xml"), server.url("/gone.xml"));
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    let site = repo.join("site");
    write(
        &site.join("toluu.toml"),
        "title = \"T\"\nbase_url = \"https://example.org/\"\n",
    );
    write(&site.join("people/ana.toml"), &list("Ana", &[&old, &kept]));
    write(&site.join("people/bob.toml"), &list("Bob", &[&shared]));
    git(&repo, &["init", "-q"]);
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-qm", "the lists"]);

    // The pull request: Ana swaps her old feed for two new ones (one broken); Cy arrives
    // with a feed Bob already reads.
    let ana = list("Ana", &[&kept, &new, &broken]);
    write(&site.join("people/ana.toml"), &ana);
    write(&site.join("people/cy.toml"), &list("Cy", &[&shared]));

    let (code, stdout, stderr, summary) =
        check_in_actions(&repo, &["--changed-since", "main", "--fetch"]);
    assert_eq!(code, 1, "a feed failed: {stdout}{stderr}");
    let mut fetched: Vec<String> = server.seen().into_iter().map(|s| s.path).collect();
    fetched.sort();
    assert_eq!(
        fetched,
        ["/gone.xml", "/new.xml", "/shared.xml"],
        "only added feeds"
    );

    // The terminal: what changed, per list.
    let expected = format!(
        "changes since main:\n  people/ana.toml\n    + {new}\n    + {broken}\n    - {old}\n  people/cy.toml\n    + {shared}\n"
    );
    assert!(stdout.starts_with(&expected), "{stdout}");
    // The annotation, on the broken feed's line, named from the repository's root.
    let line = ana.lines().position(|l| l.contains("/gone.xml")).unwrap() + 1;
    let annotation =
        format!("::error file=site/people/ana.toml,line={line},col=7::feed '{broken}' failed: ");
    assert!(stdout.contains(&annotation), "{stdout}");
    assert!(
        stderr.contains(&format!("people/ana.toml:{line}:7: feed '{broken}' failed")),
        "{stderr}"
    );

    // The job summary a reviewer reads.
    assert!(
        summary.contains("### toluu check: the lists since `main`"),
        "{summary}"
    );
    assert!(
        summary.contains(&format!("| `site/people/ana.toml` | 2 | {old} |")),
        "{summary}"
    );
    assert!(
        summary.contains("| `site/people/cy.toml` | 1 |  |"),
        "{summary}"
    );
    assert!(
        summary.contains(&format!(
            "| {new} | ana | ✅ ok, 1 items | The New Blog | 2026-11-03 |  |"
        )),
        "{summary}"
    );
    assert!(
        summary.contains(&format!("| {broken} | ana | ❌ failed: ")),
        "{summary}"
    );
    assert!(
        summary.contains(&format!(
            "| {shared} | cy | ✅ ok, 1 items | Shared | 2026-11-03 | bob |"
        )),
        "{summary}"
    );
    assert!(
        summary.contains(&format!(
            "- error `site/people/ana.toml:{line}:7`: feed '{broken}' failed"
        )),
        "{summary}"
    );
}

#[test]
fn without_fetch_it_lists_the_changes_and_checks_every_file() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    let site = repo.join("site");
    write(
        &site.join("toluu.toml"),
        "title = \"T\"\nbase_url = \"https://example.org/\"\n",
    );
    write(
        &site.join("people/ana.toml"),
        &list("Ana", &[&"https://a.example/feed".to_owned()]),
    );
    git(&repo, &["init", "-q"]);
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-qm", "the lists"]);

    let (code, stdout, _, summary) = check_in_actions(&repo, &["--changed-since", "HEAD"]);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.starts_with("no list added or removed a feed since HEAD\n"),
        "{stdout}"
    );
    assert!(
        summary.contains("No list added or removed a feed."),
        "{summary}"
    );
    assert!(
        summary.contains("No problems: 1 people, 1 distinct feeds."),
        "{summary}"
    );

    // A list that breaks: the problem at its line, nothing fetched, the list gone from the diff.
    write(
        &site.join("people/ana.toml"),
        "name = \"Ana\"\n[[feeds]]\nurl = 42\n",
    );
    let (code, stdout, _, _) = check_in_actions(&repo, &["--changed-since", "HEAD"]);
    assert_eq!(code, 2, "{stdout}");
    assert!(
        stdout.contains("::error file=site/people/ana.toml,line=3,"),
        "{stdout}"
    );

    // A revision the clone does not have: says how to get it.
    let (code, _, stderr, _) = check_in_actions(&repo, &["--changed-since", "origin/main"]);
    assert_ne!(code, 0);
    assert!(
        stderr.contains("'origin/main' is not a git revision here")
            && stderr.contains("fetch-depth: 0"),
        "{stderr}"
    );
}
