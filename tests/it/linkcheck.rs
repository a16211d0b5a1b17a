//! `toluu check`'s link check, through the real binary: links of `pages/*.md` located at
//! `file:line:col`, links of a site's own templates found on the built pages, the example
//! site clean. Nothing is fetched: the lists' feed URLs point nowhere and are never asked.

use std::path::Path;
use std::process::Command;

use crate::TestSite;

/// Runs `toluu check ARGS…` in `cwd`; returns (exit code, stdout, stderr).
fn check_in(cwd: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_toluu"))
        .arg("check")
        .args(args)
        .current_dir(cwd)
        .env_remove("GITHUB_ACTIONS")
        .output()
        .expect("run toluu");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The `error:`/`warning:` lines of a check's output, without the excerpts under them.
fn headlines(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.starts_with("error: ") || l.starts_with("warning: "))
        .collect()
}

/// A site with one person, ana, who reads one feed tagged `rust`.
fn site(base_url: &str) -> TestSite {
    let site = TestSite::new(&format!("base_url = \"{base_url}\"\n"));
    site.write(
        "people/ana.toml",
        "name = \"Ana\"\n[[feeds]]\nurl = \"http://127.0.0.1:9/feed.xml\"\ntags = [\"rust\"]\n",
    );
    site
}

#[test]
fn a_page_with_a_broken_and_a_good_link_is_reported_at_the_broken_one() {
    let site = site("https://example.org/");
    site.write(
        "pages/about.md",
        "# About\n\nRead [Ana](/people/ana/), [everyone](../people/), [rust](/tags/rust/) \
         and [the rss](https://elsewhere.invalid/x/).\n\
         Also [her](/people/anaa/), [go](/tags/go/#top) and [help](/help/).\n",
    );
    // From inside the site directory, as `cd site && toluu check`.
    let (code, stdout, stderr) = check_in(site.path(), &[]);
    assert_eq!(code, 2, "stdout: {stdout}\nstderr: {stderr}");
    assert_eq!(
        headlines(&stderr),
        [
            "error: pages/about.md:4:12: broken link '/people/anaa/': the site has no page at \
             /people/anaa/; did you mean /people/ana/?",
            "error: pages/about.md:4:33: broken link '/tags/go/#top': the site has no page at \
             /tags/go/; fix the link, or add the page it points to",
            "error: pages/about.md:4:59: broken link '/help/': the site has no page at /help/; \
             fix the link, or add pages/help.md",
        ],
        "{stderr}"
    );
    assert!(stderr.ends_with("3 problems found\n"), "{stderr}");

    // From the parent directory, with the site's relative path: the same problems.
    let parent = site.path().parent().unwrap();
    let name = site.path().file_name().unwrap().to_str().unwrap();
    let (code, _, again) = check_in(parent, &[name]);
    assert_eq!((code, again.clone()), (2, stderr));
}

#[test]
fn a_root_relative_link_must_stay_under_the_base_path() {
    let site = site("https://example.org/reading/");
    site.write("pages/about.md", "# About\n");
    site.write(
        "pages/links.md",
        "[about](/about/) [ok](/reading/about/) [full](https://example.org/reading/abuot/) \
         [other project](https://example.org/other/)\n",
    );
    let (code, _, stderr) = check_in(site.path(), &["."]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(
        headlines(&stderr),
        [
            "error: pages/links.md:1:9: broken link '/about/': the site has no page at \
             /about/; did you mean /reading/about/?",
            "error: pages/links.md:1:47: broken link 'https://example.org/reading/abuot/': the \
             site has no page at /reading/abuot/; did you mean /reading/about/?",
        ],
        "{stderr}"
    );
}

#[test]
fn a_site_template_with_a_broken_link_is_reported_at_its_line() {
    let site = site("https://example.org/");
    let base = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/base.html"),
    )
    .unwrap();
    let links = "<nav><a href=\"{{ root }}people/\">people</a> \
                 <a href=\"{{ root }}colophon/\">colophon</a></nav>\n</body>";
    let edited = base.replacen("</body>", links, 1);
    assert_ne!(edited, base, "the default base.html has a </body>");
    site.write("templates/base.html", &edited);
    let (code, _, stderr) = check_in(site.path(), &[]);
    assert_eq!(code, 2, "{stderr}");
    let lines = headlines(&stderr);
    assert_eq!(lines.len(), 1, "{stderr}");
    let line = edited[..edited.find("colophon/").unwrap()].lines().count();
    let expected = format!("error: templates/base.html:{line}:");
    assert!(lines[0].starts_with(&expected), "{stderr}");
    assert!(
        lines[0].contains("broken link '") && lines[0].contains("colophon/' on "),
        "{stderr}"
    );
    assert!(
        lines[0].contains(" pages (public/404.html, ")
            && lines[0].ends_with(
                "of the built site: it has no page at /colophon/; fix the link, or add \
                 pages/colophon.md"
            ),
        "{stderr}"
    );
}

#[test]
fn a_missing_feed_page_is_only_a_warning_while_feeds_were_never_fetched() {
    let site = site("https://example.org/");
    site.write("pages/about.md", "[a feed](/feeds/some-feed-abcdef/)\n");
    let (code, stdout, stderr) = check_in(site.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("ok: 1 people, 1 distinct feeds"),
        "{stdout}"
    );
    assert_eq!(
        headlines(&stderr),
        [
            "warning: pages/about.md:1:10: broken link '/feeds/some-feed-abcdef/': the site \
             has no page at /feeds/some-feed-abcdef/; fix the link, or add the page it points \
             to (not certain: 1 feed was never fetched, and a feed's page is named when it \
             first gives content; build first to be sure)"
        ],
        "{stderr}"
    );
}

#[test]
fn the_example_site_has_no_broken_links() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (code, stdout, stderr) = check_in(root, &["example-site"]);
    assert_eq!((code, stderr.as_str()), (0, ""), "{stdout}");
    assert_eq!(stdout, "ok: 8 people, 21 distinct feeds\n");
}
