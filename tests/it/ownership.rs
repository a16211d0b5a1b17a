//! The output directory is toluu's, provably: a build replaces only a directory that carries
//! its marker, is empty or does not exist; anything else is refused before any fetch (exit 2,
//! naming the directory), `--force` adopts a directory of other files, and the site's own
//! folders are refused even so. Every case runs the real binary, from inside the site
//! directory with relative paths, as a user would.

use std::path::Path;
use std::process::Command;

use crate::server::{Route, TestServer};
use crate::{TestSite, read_tree, rss};

/// Runs the real binary in `cwd` with `args`: (exit code, stderr).
fn toluu_in(cwd: &Path, args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_toluu"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run toluu");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A site of one person reading one feed of the loopback `server`, with a `.git` and an
/// unrelated file of the user's.
fn users_site(server: &TestServer) -> TestSite {
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
    let site = TestSite::new("");
    site.person("ana", "Ana", &[server.url("/a.xml")]);
    site.write(".git/HEAD", "ref: refs/heads/main\n");
    site.write("notes.txt", "my notes\n");
    site
}

#[test]
fn the_site_directory_its_parent_and_its_folders_are_refused_even_with_force() {
    let server = TestServer::start();
    let site = users_site(&server);
    // `..` of the site is a directory of this test's own (were the refusal ever broken, only
    // it would be lost).
    let outer = site.path().join("outer");
    let inner = outer.join("site");
    for rel in ["toluu.toml", "people/ana.toml"] {
        let to = inner.join(rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(site.path().join(rel), to).unwrap();
    }
    let (code, stderr) = toluu_in(&inner, &["build", "-o", "..", "--force"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("..: refusing to write the site here: it holds the site directory"),
        "{stderr}"
    );
    std::fs::remove_dir_all(&outer).unwrap();
    let before = read_tree(site.path());
    for (out, says) in [
        (".", "it is the site directory itself"),
        ("people", "it is the site's people/"),
        ("people/site", "it is inside the site's people/"),
        (".toluu", "it is the site's .toluu/"),
        ("pages", "it is the site's pages/"),
        ("templates", "it is the site's templates/"),
        ("static", "it is the site's static/"),
        (".git", "it is the site's .git/"),
    ] {
        for force in [false, true] {
            let mut args = vec!["build", "-o", out];
            if force {
                args.push("--force");
            }
            let (code, stderr) = toluu_in(site.path(), &args);
            assert_eq!(code, 2, "-o {out} (force {force}): {stderr}");
            assert!(
                stderr.contains(&format!("{out}: refusing to write the site here: {says}")),
                "-o {out}: {stderr}"
            );
        }
    }
    assert_eq!(
        read_tree(site.path()),
        before,
        "nothing of the user's changed"
    );
    assert_eq!(server.seen().len(), 0, "refused before any fetch");
}

#[test]
fn a_directory_of_other_files_is_refused_and_adopted_with_force() {
    let server = TestServer::start();
    let site = users_site(&server);
    site.write("mine/a.txt", "mine\n");
    site.write("mine/b/c.txt", "mine too\n");
    let (code, stderr) = toluu_in(site.path(), &["build", "-o", "mine"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains(
            "mine: refusing to write the site here: it holds files toluu did not write (a.txt, b/)"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("--force"), "{stderr}");
    assert_eq!(server.seen().len(), 0, "refused before any fetch");
    assert!(site.path().join("mine/b/c.txt").exists());

    let (code, stderr) = toluu_in(site.path(), &["build", "-o", "mine", "--force"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        !site.path().join("mine/a.txt").exists(),
        "adopted: replaced"
    );
    assert!(site.path().join("mine/index.html").exists());
    assert!(site.path().join("mine/.toluu-output").exists(), "marked");
    // From now on it is toluu's: no --force needed, twice in a row.
    for _ in 0..2 {
        let (code, stderr) = toluu_in(site.path(), &["build", "-o", "mine", "--offline"]);
        assert_eq!(code, 0, "{stderr}");
    }
    assert_eq!(
        std::fs::read_to_string(site.path().join("notes.txt")).unwrap(),
        "my notes\n"
    );
}

#[test]
fn an_empty_or_missing_directory_is_written_and_marked() {
    let server = TestServer::start();
    let site = users_site(&server);
    std::fs::create_dir(site.path().join("empty")).unwrap();
    for out in ["empty", "new/deep"] {
        let (code, stderr) = toluu_in(site.path(), &["build", "-o", out]);
        assert_eq!(code, 0, "-o {out}: {stderr}");
        let marker = std::fs::read_to_string(site.path().join(out).join(".toluu-output")).unwrap();
        assert!(marker.contains("built by toluu"), "{marker}");
    }
    let (code, stderr) = toluu_in(site.path(), &["build"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(site.path().join("public/.toluu-output").exists());
}

#[test]
fn a_file_as_the_output_is_refused_and_nothing_is_moved() {
    let server = TestServer::start();
    let site = users_site(&server);
    let (code, stderr) = toluu_in(site.path(), &["build", "-o", "notes.txt", "--force"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("notes.txt: refusing to write the site here: it is a file, not a directory; nothing was moved"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(site.path().join("notes.txt")).unwrap(),
        "my notes\n"
    );
    assert!(!site.path().join(".notes.txt.old").exists());
    assert!(!site.path().join(".notes.txt.new").exists());
}

#[test]
fn check_reports_a_bad_output_dir_at_its_line_and_build_refuses_it() {
    let server = TestServer::start();
    let site = users_site(&server);
    site.write(
        "toluu.toml",
        "title = \"Test site\"\n\n[build]\noutput_dir = \"people\"\n",
    );
    let before = read_tree(site.path());
    let (code, stderr) = toluu_in(site.path(), &["check"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("toluu.toml:4:1: [build] output_dir 'people'"),
        "{stderr}"
    );
    assert!(stderr.contains("it is the site's people/"), "{stderr}");
    let (code, stderr) = toluu_in(site.path(), &["build"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("toluu.toml:4:1"), "{stderr}");
    assert_eq!(read_tree(site.path()), before);
    assert_eq!(server.seen().len(), 0);

    // A directory of the user's files named as output_dir: check says so too.
    site.write(
        "toluu.toml",
        "title = \"Test site\"\n[build]\noutput_dir = \"docs\"\n",
    );
    site.write("docs/guide.md", "# my guide\n");
    let (code, stderr) = toluu_in(site.path(), &["check"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("toluu.toml:3:1") && stderr.contains("guide.md"),
        "{stderr}"
    );
}

#[test]
fn a_symlink_as_the_output_is_refused_and_its_target_kept() {
    let server = TestServer::start();
    let site = users_site(&server);
    let (code, stderr) = toluu_in(site.path(), &["build"]);
    assert_eq!(code, 0, "{stderr}");
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::write(elsewhere.path().join("keep.txt"), "keep\n").unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), site.path().join("link")).unwrap();
    let (code, stderr) = toluu_in(site.path(), &["build", "-o", "link", "--force"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("link: refusing to write the site here: it is a symlink"),
        "{stderr}"
    );
    assert_eq!(
        read_tree(elsewhere.path()).len(),
        1,
        "the target is untouched"
    );
}
