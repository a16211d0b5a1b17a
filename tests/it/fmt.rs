//! `toluu fmt`: canonical lists, comments kept, `--check` for pull-request CI.

use std::path::Path;
use std::process::Command;

use crate::TestSite;

const MESSY: &str = "# Ana's list: keep it short.\n\
bio = 'Reads about *gardens*.'   \n\
name = \"Ana Lima\"   # her real name\n\
\n\n\
# The best one.\n\
[[feeds]]\n\
note = \"Roses.\"\n\
tags = [ \"garden\" ,'life', ]\n\
url = 'https://a.example/feed'\n\
[[feeds]]\n\
  url = \"https://b.example/rss\"\n\
title=\"B's blog\"\n";

const TIDY: &str =
    "name = \"Bo Chen\"\n\n[[feeds]]\nurl = \"https://c.example/feed\"\ntags = [\"x\"]\n";

#[test]
fn fmt_is_idempotent_and_keeps_comments() {
    let site = TestSite::new("");
    site.write("people/ana.toml", MESSY);
    let (code, stdout, stderr) = site.run(&["fmt"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("ana.toml"), "{stdout}");
    let once = std::fs::read_to_string(site.path().join("people/ana.toml")).unwrap();
    assert_eq!(
        once,
        "name = \"Ana Lima\" # her real name\n\
               # Ana's list: keep it short.\n\
               bio = \"Reads about *gardens*.\"\n\
               \n\
               # The best one.\n\
               [[feeds]]\n\
               url = \"https://a.example/feed\"\n\
               tags = [\"garden\", \"life\"]\n\
               note = \"Roses.\"\n\
               \n\
               [[feeds]]\n\
               url = \"https://b.example/rss\"\n\
               title = \"B's blog\"\n"
    );
    // Formatting twice changes nothing, and says so.
    let (code, stdout, _) = site.run(&["fmt"]);
    assert_eq!(code, 0);
    assert!(stdout.is_empty(), "{stdout}");
    assert_eq!(
        std::fs::read_to_string(site.path().join("people/ana.toml")).unwrap(),
        once
    );
    // The list still loads to the same data.
    let before: toml::Value = toml::from_str(MESSY).unwrap();
    let after: toml::Value = toml::from_str(&once).unwrap();
    assert_eq!(before, after);
    assert_eq!(site.run(&["check"]).0, 0);
}

#[test]
fn fmt_check_fails_on_unformatted_and_passes_on_formatted() {
    let site = TestSite::new("");
    site.write("people/ana.toml", MESSY);
    site.write("people/bo.toml", TIDY);
    let (code, stdout, stderr) = site.run(&["fmt", "--check"]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(
        stdout.contains("would reformat") && stdout.contains("ana.toml"),
        "{stdout}"
    );
    assert!(!stdout.contains("bo.toml"), "{stdout}");
    assert!(
        stderr.contains("1 list is not in canonical form"),
        "{stderr}"
    );
    // --check writes nothing.
    assert_eq!(
        std::fs::read_to_string(site.path().join("people/ana.toml")).unwrap(),
        MESSY
    );
    assert_eq!(site.run(&["fmt"]).0, 0);
    let (code, stdout, stderr) = site.run(&["fmt", "--check"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
}

#[test]
fn fmt_leaves_a_broken_list_alone_and_says_where() {
    let site = TestSite::new("");
    let broken = "name = \"Ana\"\n[[feeds]\nurl = \"x\"\n";
    site.write("people/ana.toml", broken);
    let (code, _, stderr) = site.run(&["fmt"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("people/ana.toml:2:"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(site.path().join("people/ana.toml")).unwrap(),
        broken
    );
}

#[test]
fn example_site_lists_are_formatted() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("example-site");
    let out = Command::new(env!("CARGO_BIN_EXE_toluu"))
        .args(["fmt", "--check"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
