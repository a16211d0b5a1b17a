//! Every config error is caught by `check`, in words a person uses, all at once, and `build`
//! refuses the same configuration with exit 2 before fetching anything.

use crate::TestSite;

/// A `toluu.toml` with one problem of every kind, and a list with two.
fn broken_site() -> TestSite {
    let site = TestSite::new(
        "title = \"x\"\n\
         language = \"english please\"\n\
         theme = \"plant\"\n\
         [fetch]\n\
         concurrency = \"many\"\n\
         offline = \"yes\"\n\
         [build]\n\
         posts_per_page = 1.5\n",
    );
    site.write(
        "people/ana.toml",
        "name = \"Ana\"\n[[feeds]]\nurl = \"example.com/feed\"\ntags = \"rust\"\n",
    );
    site
}

#[test]
fn check_lists_every_problem_of_every_file_in_plain_words() {
    let site = broken_site();
    let (code, _, stderr) = site.run(&["check"]);
    assert_eq!(code, 2, "{stderr}");
    for expected in [
        "toluu.toml:2:1: language 'english please' is not a language tag (BCP 47)",
        "toluu.toml:3:1: unknown theme 'plant', expected one of: default, planet",
        "toluu.toml:5:15: expected a whole number (0 or more), found the text \"many\"",
        "toluu.toml:6:11: expected true or false, found the text \"yes\"",
        "toluu.toml:8:18: expected a whole number (0 or more), found the number 1.5",
        "people/ana.toml:4:8: expected a list of strings, e.g. [\"a\", \"b\"], found the text \"rust\"",
        "people/ana.toml:3:7: feed url 'example.com/feed': not a full URL: it needs its scheme and host, e.g. 'https://example.com/feed'",
    ] {
        assert!(
            stderr.contains(expected),
            "missing {expected:?} in:\n{stderr}"
        );
    }
    assert!(stderr.contains("7 problems found"), "{stderr}");
    for serde_word in [
        "usize",
        "a sequence",
        "relative URL without a base",
        "invalid type",
    ] {
        assert!(
            !stderr.contains(serde_word),
            "{serde_word:?} leaked:\n{stderr}"
        );
    }
}

#[test]
fn build_refuses_a_bad_configuration_with_exit_2_and_fetches_nothing() {
    let site = TestSite::new("theme = \"plant\"\n");
    site.person("ana", "Ana", &["http://127.0.0.1:9/feed.xml".to_owned()]);
    let (code, _, stderr) = site.run(&["build"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("toluu.toml:2:1: unknown theme 'plant', expected one of: default, planet"),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was built"), "{stderr}");
    assert!(!site.path().join("public").exists());
    assert!(
        !site.path().join(".toluu").exists(),
        "nothing fetched, no state"
    );
}

#[test]
fn a_localhost_base_url_is_a_warning() {
    let site = TestSite::new("base_url = \"http://localhost/\"\n");
    site.person("ana", "Ana", &[]);
    let (code, stdout, stderr) = site.run(&["check"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("ok: 1 people"), "{stdout}");
    assert!(
        stderr.contains("warning: toluu.toml:2:1: base_url is 'http://localhost/'"),
        "{stderr}"
    );
    let published = TestSite::new("base_url = \"https://ana.example/reading/\"\n");
    published.person("ana", "Ana", &[]);
    let (code, _, stderr) = published.run(&["check"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("base_url"), "{stderr}");
}

#[test]
fn a_missing_site_dir_says_so_and_suggests_init() {
    let parent = tempfile::tempdir().unwrap();
    let missing = parent.path().join("reading");
    let empty = parent.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    for (dir, says) in [
        (&missing, "no such directory"),
        (&empty, "not a toluu site: it has no toluu.toml"),
    ] {
        for command in ["check", "build"] {
            let out = std::process::Command::new(env!("CARGO_BIN_EXE_toluu"))
                .arg(command)
                .arg(dir)
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{command}: {stderr}");
            let expected = format!("error: {}: {says}", dir.display());
            assert!(stderr.contains(&expected), "{command}: {stderr}");
            assert!(
                stderr.contains(&format!("toluu init {}", dir.display())),
                "{command}: {stderr}"
            );
            assert!(
                !stderr.contains("toluu.toml:1:1"),
                "no made-up position: {stderr}"
            );
        }
    }
    assert!(!missing.exists(), "nothing created");
}
