//! A link checker over the built example site: every internal `href` and `src` (and the search
//! form's `data-index`) of every page resolves to a file of the output, under a base_url with a
//! path too (links are relative).

use std::collections::BTreeSet;
use std::path::Path;

use scraper::{Html, Selector};

use crate::read_tree;

/// Every broken internal link of the site in `out`, published under `base_path` (e.g.
/// `/reading/`), as "page -> target"; and how many links were checked.
fn broken_links(out: &Path, base_path: &str) -> (usize, Vec<String>) {
    let site = url::Url::parse("http://site.invalid/")
        .unwrap()
        .join(base_path)
        .unwrap();
    let files: BTreeSet<String> = read_tree(out).into_iter().map(|(p, _)| p).collect();
    // `data-index` is where the search form loads its index from.
    let selector = Selector::parse("[href], [src], [data-index]").unwrap();
    let mut checked = 0;
    let mut broken = Vec::new();
    for page in files.iter().filter(|p| p.ends_with(".html")) {
        let html = std::fs::read_to_string(out.join(page)).unwrap();
        let doc = Html::parse_document(&html);
        let page_url = site.join(page).unwrap();
        for el in doc.select(&selector) {
            for attr in ["href", "src", "data-index"] {
                let Some(value) = el.value().attr(attr) else {
                    continue;
                };
                let Ok(target) = page_url.join(value) else {
                    broken.push(format!("{page} -> {value} (unparsable)"));
                    continue;
                };
                if target.host_str() != Some("site.invalid") {
                    continue; // external: not ours to check here
                }
                let Some(path) = target.path().strip_prefix(site.path()) else {
                    broken.push(format!("{page} -> {value} (outside the site)"));
                    continue;
                };
                let mut path = path.to_owned();
                if path.is_empty() || path.ends_with('/') {
                    path.push_str("index.html");
                }
                checked += 1;
                if !files.contains(&path) {
                    broken.push(format!("{page} -> {value}"));
                }
            }
        }
    }
    (checked, broken)
}

/// Builds `site_dir` offline under base_url `/reading/` and asserts every internal link of
/// the output resolves.
fn assert_every_link_resolves(site_dir: &Path) {
    let out = tempfile::tempdir().unwrap();
    let options = toluu::BuildOptions {
        offline: true,
        output_dir: Some(out.path().join("public")),
        base_url: Some("https://acme.github.io/reading/".into()),
        ..Default::default()
    };
    toluu::build(site_dir, &options).expect("the site builds");
    let (checked, broken) = broken_links(&out.path().join("public"), "/reading/");
    assert!(checked > 500, "only {checked} links checked");
    assert!(
        broken.is_empty(),
        "{} broken links:\n{}",
        broken.len(),
        broken.join("\n")
    );
}

#[test]
fn every_internal_link_of_the_example_site_resolves() {
    // A copy: builds of one site take its lock, and other tests build the example too.
    assert_every_link_resolves(crate::themes::example_copy().path());
}

#[test]
fn every_internal_link_of_the_example_site_resolves_in_the_planet_theme() {
    let site = crate::themes::example_copy();
    crate::themes::set_theme(site.path(), "planet");
    assert_every_link_resolves(site.path());
}

#[test]
fn the_link_checker_catches_a_broken_link() {
    let out = tempfile::tempdir().unwrap();
    std::fs::write(
        out.path().join("index.html"),
        "<a href=\"people/\">x</a><img src=\"./a.png\">",
    )
    .unwrap();
    std::fs::write(out.path().join("a.png"), "").unwrap();
    std::fs::write(
        out.path().join("404.html"),
        "<a href=\"/a.png\">x</a><a href=\"/base/a.png\">y</a>",
    )
    .unwrap();
    let (checked, broken) = broken_links(out.path(), "/base/");
    assert_eq!(checked, 3);
    assert_eq!(
        broken,
        vec![
            "404.html -> /a.png (outside the site)",
            "index.html -> people/"
        ]
    );
}
