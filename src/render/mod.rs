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
//! repository), `filters` (toluu's own tera filters), `file` (the files and where they go),
//! `pictures` (the feeds' icons and people's faces as files) and `fingerprints` (what a page
//! is made of, kept between builds so that a page whose inputs did not change is not
//! rendered again).

use std::sync::Mutex;

use rayon::prelude::*;

use crate::index::{SiteIndex, search};
use crate::site::Site;
use file::Emitter;
use page::Page;
use renderer::Renderer;
use theme::Theme;

mod discover;
mod edits;
mod file;
mod filters;
mod fingerprints;
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
mod values;
mod views;
pub mod xml;

pub use file::{OutputFile, Sink};
pub use fingerprints::PageStore;
pub use renderer::river_dated_by_fetch;
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

/// The status page alone, rendered from `index` (whose posts it does not show) as a build
/// of the whole site renders it; its fingerprint; and the salt the pages of such a build
/// share, to compare with the previous build's (see [`PageStore::salt`]).
pub fn render_status(
    site: &Site,
    index: &SiteIndex,
    theme: &Theme,
    base_url: &str,
) -> Result<StatusPage, String> {
    let (renderer, _) = Renderer::new(site, index, theme, base_url, true)?;
    match renderer.render(renderer.status_job(), None)? {
        Page::Rendered(file, fingerprint) => Ok(StatusPage {
            file,
            fingerprint,
            salt: renderer.salt,
        }),
        Page::Kept(path, _) => Err(format!("{path}: kept with no previous build")),
    }
}

/// What [`render_status`] gives.
#[derive(Debug)]
pub struct StatusPage {
    /// The page.
    pub file: OutputFile,
    /// Its fingerprint.
    pub fingerprint: Option<[u8; 32]>,
    /// The salt of the build's pages.
    pub salt: [u8; 32],
}

/// What [`render_site_into`] did.
#[derive(Debug, Default)]
pub struct RenderedSite {
    /// How many files the site has.
    pub files: usize,
    /// How many pages were rendered.
    pub rendered: usize,
    /// The pages the previous build wrote from the same inputs, not rendered again: the
    /// caller keeps their files as they are.
    pub kept: Vec<String>,
    /// The fingerprint of every page of the site (rendered or kept), for the next build: its
    /// paths, and the salt they share (see [`PageStore`]).
    pub fingerprints: Vec<(String, [u8; 32])>,
    /// The salt of this build's fingerprints.
    pub salt: [u8; 32],
}

/// Renders the whole site, handing each file to `sink` as soon as it is rendered (pages are
/// rendered in parallel, so `sink` is called from several threads, in no set order); the site
/// is never held in memory at once. With `store` (the fingerprints of the previous build's
/// pages), pages are fingerprinted, and a page whose fingerprint is in `store` is not
/// rendered again: it is listed in [`RenderedSite::kept`].
pub fn render_site_into(
    site: &Site,
    index: &SiteIndex,
    theme: &Theme,
    base_url: &str,
    store: Option<&PageStore>,
    sink: Sink<'_>,
) -> Result<RenderedSite, String> {
    let (renderer, pages) = Renderer::new(site, index, theme, base_url, store.is_some())?;
    let plans = renderer.page_plans(&pages);
    let statics = theme.static_files(&site.root)?;
    let emit = Emitter::new(&statics, sink);
    let (mut done, paths) = render_pages(&renderer, plans, store, &emit)?;
    let sitemap = renderer.sitemap(paths.iter().flatten().map(String::as_str));
    emit.emit(renderer.render_404()?)?;
    // Each of these files is compared with the one in the output before it is staged: one
    // file per task.
    renderer
        .picture_files
        .par_iter()
        .try_for_each(|file| emit.emit(file.clone()).map(drop))?;
    let (xml, search) = rayon::join(
        || renderer.xml_files_into(&|file| emit.emit(file).map(drop)),
        || search::search_index(index),
    );
    xml?;
    for file in renderer.redirects() {
        emit.emit(file)?;
    }
    emit.emit(sitemap)?;
    emit.emit(OutputFile {
        path: search::SEARCH_PATH.to_owned(),
        bytes: search,
    })?;
    let mut files = emit.count();
    for (path, bytes) in statics {
        sink(OutputFile { path, bytes })?;
        files += 1;
    }
    done.files = files;
    done.kept.sort();
    done.fingerprints.sort();
    Ok(done)
}

/// Renders the pages in parallel into `emit`, each part planned as it is rendered, but
/// those `store` has with the same fingerprint: which were rendered, which kept, and their
/// fingerprints; and the pages' paths, part by part in the order of `plans`.
fn render_pages(
    renderer: &Renderer<'_>,
    plans: Vec<pages::Plan<'_>>,
    store: Option<&PageStore>,
    emit: &Emitter<'_>,
) -> Result<(RenderedSite, Vec<Vec<String>>), String> {
    let done = Mutex::new(RenderedSite {
        salt: renderer.salt,
        ..RenderedSite::default()
    });
    let note = |f: &dyn Fn(&mut RenderedSite)| {
        done.lock()
            .map(|mut d| f(&mut d))
            .map_err(|e| e.to_string())
    };
    let render = |job: job::PageJob| match renderer.render(job, store)? {
        // A page a static file now replaces is not kept: the static file is written.
        Page::Kept(path, fingerprint) if !emit.is_static(&path) => {
            emit.count_kept();
            note(&|d| {
                d.kept.push(path.clone());
                d.fingerprints.push((path.clone(), fingerprint));
            })
        }
        Page::Kept(..) => Ok(()),
        Page::Rendered(file, fingerprint) => {
            let path = file.path.clone();
            let emitted = emit.emit(file)?;
            note(&|d| {
                d.rendered += 1;
                if let (true, Some(f)) = (emitted, fingerprint) {
                    d.fingerprints.push((path.clone(), f));
                }
            })
        }
    };
    let paths = plans
        .into_par_iter()
        .map(|plan| {
            let jobs = plan();
            let paths: Vec<String> = jobs.iter().map(|job| job.path.clone()).collect();
            jobs.into_par_iter().try_for_each(render)?;
            Ok(paths)
        })
        .collect::<Result<Vec<_>, String>>()?;
    let done = done.into_inner().map_err(|e| e.to_string())?;
    Ok((done, paths))
}
