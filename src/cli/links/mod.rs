//! `toluu check`'s link check, without the network: the site is rendered in memory from the
//! cache, and every link that points inside it must reach one of its files.
//!
//! Two kinds of link are checked: those of `pages/*.md` (located at their destination in the
//! markdown, see `pages`) and every `href` and `src` of the built HTML pages (theme
//! templates, a site's own `templates/`, bios and notes; see `built`). A link is inside the
//! site when it is relative, root-relative, or absolute under `base_url`; a directory link
//! reaches its `index.html`. Links to other hosts are not fetched, and anchors (`#…`) are not
//! checked against the page's headings.

mod built;
mod index;
mod pages;

use std::path::Path;

use crate::BuildOptions;
use crate::refresh::cache::Cache;
use crate::site::{self, Diagnostic, Site};

use index::SiteIndex;

/// What the link check found, sorted by file, line and column.
#[derive(Debug, Default)]
pub struct LinkProblems {
    /// Broken links: they fail the check (exit 2).
    pub errors: Vec<Diagnostic>,
    /// Links to a feed's page that is missing while some feeds have never been fetched (their
    /// pages are named when they first give content): reported, but not failing.
    pub warnings: Vec<Diagnostic>,
}

/// Renders `site` offline from its cache and checks its links.
pub fn check(site: &Site) -> LinkProblems {
    let options = BuildOptions {
        offline: true,
        ..BuildOptions::default()
    };
    let rendered = match crate::render(&site.root, &options) {
        Ok(rendered) => rendered,
        Err(e) => {
            let message = format!("the site does not render, so its links were not checked: {e}");
            return LinkProblems {
                errors: vec![Diagnostic::file(Path::new(site::CONFIG_FILE), message)],
                ..LinkProblems::default()
            };
        }
    };
    let index = SiteIndex::new(&site.config.base_url, &rendered.files);
    let mut found = Vec::new();
    let reported = pages::check(site, &index, &mut found);
    let output = rendered
        .output_dir
        .strip_prefix(&site.root)
        .unwrap_or(&rendered.output_dir);
    built::check(
        &site.root,
        &rendered.files,
        output,
        &index,
        &reported,
        &mut found,
    );
    let unfetched = never_fetched(site);
    let mut problems = LinkProblems::default();
    for (missing, mut diagnostic) in found {
        if unfetched > 0 && missing.contains("/feeds/") {
            diagnostic.message.push_str(&format!(
                " (not certain: {unfetched} feed{} never fetched, and a feed's page is named \
                 when it first gives content; build first to be sure)",
                if unfetched == 1 { " was" } else { "s were" }
            ));
            problems.warnings.push(diagnostic);
        } else {
            problems.errors.push(diagnostic);
        }
    }
    let order = |d: &Diagnostic| (d.file.clone(), d.line, d.col, d.message.clone());
    problems.errors.sort_by_key(order);
    problems.warnings.sort_by_key(order);
    problems
}

/// How many of the site's feeds have no cache entry.
fn never_fetched(site: &Site) -> usize {
    let cache = Cache::new(site.root.join(&site.config.build.cache_dir));
    site::distinct_feeds(site)
        .iter()
        .filter(|url| !cache.path_for(url).exists())
        .count()
}
