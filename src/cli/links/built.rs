//! The links of the built site: every `href` and `src` of every HTML page that points inside
//! the site, checked against the rendered files. A broken one is located in the site's own
//! files (a template override, a list's bio, a page) when its text is found there, else on
//! the first built page it is on.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use scraper::{Html, Selector};

use super::index::{SiteIndex, Target};
use crate::render::OutputFile;
use crate::site::Diagnostic;

/// The site's folders a link of a built page may come from.
const SOURCES: [&str; 4] = ["templates", "static", "people", "pages"];

/// How many of the pages a broken link is on its message names.
const PAGES_NAMED: usize = 3;

/// Every broken internal link of the built pages but those in `skip` (page, link), grouped by
/// the address it misses, with its diagnostic. `output` is the output directory relative to
/// the site, for naming pages.
pub(super) fn check(
    root: &Path,
    files: &[OutputFile],
    output: &Path,
    index: &SiteIndex,
    skip: &BTreeSet<(String, String)>,
    problems: &mut Vec<(String, Diagnostic)>,
) {
    let selector = Selector::parse("[href], [src]").expect("a valid selector");
    let found: Vec<(String, String, String)> = files
        .par_iter()
        .filter(|f| f.path.ends_with(".html"))
        .flat_map_iter(|f| broken_on_page(f, index, &selector))
        .filter(|(_, page, link)| !skip.contains(&(page.clone(), link.clone())))
        .collect();
    let mut by_missing: BTreeMap<String, BTreeSet<(String, String)>> = BTreeMap::new();
    for (missing, page, link) in found {
        by_missing.entry(missing).or_default().insert((page, link));
    }
    let sources = read_sources(root);
    for (missing, on) in by_missing {
        let (page, link) = on.first().expect("a group has a link").clone();
        let pages: BTreeSet<&str> = on.iter().map(|(p, _)| p.as_str()).collect();
        let message = format!(
            "broken link '{link}' on {} of the built site: it has no page at {missing}; {}",
            describe(&pages, output),
            index.advice(&missing)
        );
        let links = on.iter().map(|(_, l)| l.as_str());
        let diagnostic = match locate(&sources, links) {
            Some((file, text, offset)) => Diagnostic::at(file, text, offset, message),
            None => {
                let html = files.iter().find(|f| f.path == page).map(|f| &f.bytes);
                let html = String::from_utf8_lossy(html.map_or(&[][..], Vec::as_slice));
                let offset = html.find(&link).unwrap_or(0);
                Diagnostic::at(&output.join(&page), &html, offset, message)
            }
        };
        problems.push((missing, diagnostic));
    }
}

/// The broken internal links of one page: (missing address, page, link as written).
fn broken_on_page(
    file: &OutputFile,
    index: &SiteIndex,
    selector: &Selector,
) -> Vec<(String, String, String)> {
    let doc = Html::parse_document(&String::from_utf8_lossy(&file.bytes));
    let from = index.url_of(&file.path);
    let mut out = Vec::new();
    for element in doc.select(selector) {
        for attr in ["href", "src"] {
            let Some(link) = element.value().attr(attr) else {
                continue;
            };
            if let Target::Missing(missing) = index.resolve(&from, link) {
                out.push((missing, file.path.clone(), link.to_owned()));
            }
        }
    }
    out
}

/// "public/index.html", or "12 pages (public/a/index.html, …)".
fn describe(pages: &BTreeSet<&str>, output: &Path) -> String {
    let name = |p: &&str| output.join(p).display().to_string();
    if pages.len() == 1 {
        return pages.iter().map(name).collect();
    }
    let mut named: Vec<String> = pages.iter().take(PAGES_NAMED).map(name).collect();
    if pages.len() > PAGES_NAMED {
        named.push("…".to_owned());
    }
    format!("{} pages ({})", pages.len(), named.join(", "))
}

/// The text files of the site's folders a built page is made from: (path relative to the
/// site, text), sorted by path.
fn read_sources(root: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    for dir in SOURCES {
        for entry in walkdir::WalkDir::new(root.join(dir))
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
        {
            if let Ok(text) = fs::read_to_string(entry.path()) {
                let rel = entry.path().strip_prefix(root).unwrap_or(entry.path());
                out.push((rel.to_owned(), text));
            }
        }
    }
    out
}

/// Where the first of `links` is written in the site's files: as written, else without the
/// `../` and `./` that lead a template's relative links up to the site's root.
fn locate<'a, 'b>(
    sources: &'a [(PathBuf, String)],
    links: impl Iterator<Item = &'b str> + Clone,
) -> Option<(&'a Path, &'a str, usize)> {
    let stripped = links.clone().map(|l| {
        let mut l = l;
        while let Some(rest) = l.strip_prefix("../").or_else(|| l.strip_prefix("./")) {
            l = rest;
        }
        l
    });
    links
        .chain(stripped)
        .filter(|l| l.len() > 1)
        .find_map(|link| {
            sources.iter().find_map(|(file, text)| {
                text.find(link).map(|i| (file.as_path(), text.as_str(), i))
            })
        })
}
