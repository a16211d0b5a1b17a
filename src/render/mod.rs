//! Rendering the index into pages: HTML through the theme's tera templates, Atom, OPML and the
//! sitemap directly. Pages render in parallel; templates are compiled once. Takes the
//! [`SiteIndex`]; hands each [`OutputFile`] to a sink (the one writer, `crate::output`).
//!
//! This module holds the pipeline: every page job rendered, in parallel, and handed to the
//! writer. The parts: `renderer` (the templates and what is prepared once per build), `pages`
//! (what each page is made of, as jobs), `page` (one job into HTML), `posts` (a page's posts),
//! `summaries`, `views` and `discover` (what lists of feeds, badges and discovery show),
//! `syndication` (the Atom, OPML and sitemap files), `redirects` (pages at the paths feeds'
//! pages had before), `edits` (the links into GitHub's editor when the site names its
//! repository), `filters` (toluu's own tera filters), `file` (the files and where they go) and
//! `ahead` (the fingerprints that let a build render ahead from the cache).

use std::collections::HashSet;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use crate::index::{SiteIndex, search};
use crate::site::Site;
use file::Emitter;
use page::Page;
use renderer::Renderer;
use theme::Theme;

mod ahead;
mod discover;
mod edits;
mod file;
mod filters;
mod format;
mod job;
pub mod markdown;
pub mod opml;
mod page;
mod pages;
mod pictures;
mod posts;
mod redirects;
mod renderer;
pub mod status;
mod summaries;
mod syndication;
pub mod theme;
mod views;
pub mod xml;

pub use ahead::Ahead;
pub use file::{OutputFile, Sink};
pub use syndication::XSL_FILE;

/// Renders the whole site. `base_url` overrides the configured one (for previews).
pub fn render_site(
    site: &Site,
    index: &SiteIndex,
    theme: &Theme,
    base_url: &str,
) -> Result<Vec<OutputFile>, String> {
    let files = Mutex::new(Vec::new());
    render_site_into(site, index, theme, base_url, None, &|file| {
        files.lock().map_err(|e| e.to_string())?.push(file);
        Ok(())
    })?;
    let mut files = files.into_inner().map_err(|e| e.to_string())?;
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// What [`render_site_into`] did.
#[derive(Debug, Default)]
pub struct RenderedSite {
    /// How many files the site has.
    pub files: usize,
    /// How many pages rendered ahead were kept as they were.
    pub kept: usize,
    /// Pages rendered ahead that the site no longer has: the caller removes them.
    pub stale: Vec<String>,
}

/// Renders the whole site, handing each file to `sink` as soon as it is rendered (pages are
/// rendered in parallel, so `sink` is called from several threads, in no set order); the site
/// is never held in memory at once. A page that `ahead` (see [`render_pages_ahead`]) already
/// wrote from the same inputs is not rendered again.
pub fn render_site_into(
    site: &Site,
    index: &SiteIndex,
    theme: &Theme,
    base_url: &str,
    ahead: Option<&Ahead>,
    sink: Sink<'_>,
) -> Result<RenderedSite, String> {
    let (renderer, pages) = Renderer::new(site, index, theme, base_url, ahead.is_some())?;
    let mut jobs = renderer.page_jobs(&pages);
    let statics = theme.static_files(&site.root)?;
    let emit = Emitter::new(&statics, sink);
    // The pages of this site, to tell which pages rendered ahead it no longer has.
    let page_paths: HashSet<String> = match ahead {
        Some(_) => jobs
            .iter()
            .map(|job| format!("{}index.html", job.path))
            .chain(renderer.redirect_paths())
            .collect(),
        None => Default::default(),
    };
    let sitemap = renderer.sitemap(jobs.iter().map(|job| job.path.as_str()));
    let kept = AtomicUsize::new(0);
    jobs.par_drain(..)
        .try_for_each(|job| match renderer.render(job, ahead, false)? {
            Page::Kept => {
                kept.fetch_add(1, Ordering::Relaxed);
                emit.count_kept();
                Ok(())
            }
            Page::Rendered(file, _) => emit.emit(file).map(drop),
        })?;
    emit.emit(renderer.render_404()?)?;
    for file in renderer.picture_files.iter().cloned() {
        emit.emit(file)?;
    }
    let xml = renderer.xml_files();
    let redirects = renderer.redirects(&xml);
    for file in xml.into_iter().chain(redirects) {
        emit.emit(file)?;
    }
    emit.emit(sitemap)?;
    emit.emit(OutputFile {
        path: search::SEARCH_PATH.to_owned(),
        bytes: search::search_index(index),
    })?;
    let mut files = emit.count();
    for (path, bytes) in statics {
        sink(OutputFile { path, bytes })?;
        files += 1;
    }
    Ok(RenderedSite {
        files,
        kept: kept.into_inner(),
        stale: stale_pages(ahead, &page_paths),
    })
}

/// The pages rendered ahead that are not among `page_paths` (the site's), sorted.
fn stale_pages(ahead: Option<&Ahead>, page_paths: &HashSet<String>) -> Vec<String> {
    let mut stale: Vec<String> = ahead
        .map(|a| {
            a.paths()
                .filter(|p| !page_paths.contains(*p))
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    stale.sort();
    stale
}

/// Renders the HTML pages only (not the Atom, OPML, sitemap, search index or static files),
/// handing each to `sink`, and returns their fingerprints: a build renders ahead from the
/// cache while it fetches, then [`render_site_into`] renders only what changed. A page that
/// fails here is left out (the final rendering reports it if it still fails); every page that
/// was handed over is in the result, so that the final rendering can remove it if the site no
/// longer has it.
pub fn render_pages_ahead(
    site: &Site,
    index: &SiteIndex,
    theme: &Theme,
    base_url: &str,
    sink: Sink<'_>,
) -> Result<Ahead, String> {
    let (renderer, pages) = Renderer::new(site, index, theme, base_url, true)?;
    let mut jobs = renderer.page_jobs(&pages);
    let statics = theme.static_files(&site.root)?;
    let emit = Emitter::new(&statics, sink);
    let ahead = Mutex::new(Ahead::default());
    jobs.par_drain(..).for_each(|job| {
        let Ok(Page::Rendered(file, fingerprint)) = renderer.render(job, None, true) else {
            return;
        };
        let path = file.path.clone();
        // A page the sink could not take (a disk error) may be half there: recorded without
        // a fingerprint, it is written again or removed.
        let fingerprint = match emit.emit(file) {
            Ok(false) => return,
            Ok(true) => fingerprint,
            Err(_) => None,
        };
        if let Ok(mut ahead) = ahead.lock() {
            ahead.record(path, fingerprint);
        }
    });
    ahead.into_inner().map_err(|e| e.to_string())
}
