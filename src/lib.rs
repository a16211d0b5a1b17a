//! toluu turns a git repository of reading lists into a static website.
//!
//! [`build`] is the whole pipeline, in one direction:
//! load the lists → refresh (fetch + parse + cache) every distinct feed → index → render →
//! write. Each stage lives in its own module and hands plain data to the next.

pub mod autodiscover;
pub mod cache;
pub mod config;
pub mod discover;
pub mod fetch;
pub mod history;
pub mod index;
pub mod markdown;
pub mod model;
pub mod opml;
pub mod output;
pub mod parse;
pub mod refresh;
pub mod render;
pub mod report;
pub mod sanitize;
pub mod suggest;
pub mod theme;
pub mod urls;
pub mod xml;

use std::path::{Path, PathBuf};

use crate::cache::Cache;
use crate::config::Diagnostic;
use crate::report::BuildReport;

/// Options of one build, from the command line.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Build from the cache alone; fetch nothing.
    pub offline: bool,
    /// Override `base_url` (for previews).
    pub base_url: Option<String>,
    /// Override `[build] output_dir`.
    pub output_dir: Option<PathBuf>,
}

/// Why a build could not complete.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The site's files have problems; nothing was fetched or written.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Config(Vec<Diagnostic>),
    /// Something else went wrong (templates, disk); the previous output is untouched.
    #[error("{0}")]
    Build(String),
}

/// Builds the site in `site_dir`: the whole pipeline.
pub fn build(site_dir: &Path, options: &BuildOptions) -> Result<BuildReport, Error> {
    let started = std::time::Instant::now();
    let site = config::load_site(site_dir).map_err(Error::Config)?;
    let cfg = &site.config;
    let theme = theme::Theme::named(&cfg.theme).map_err(Error::Build)?;
    let cache = Cache::new(site_dir.join(&cfg.build.cache_dir));

    let urls = distinct_feeds(&site);
    let offline = options.offline || cfg.fetch.offline;
    let states = refresh::refresh_all(&urls, &cfg.fetch, cfg.build.items_per_feed, &cache, offline)
        .map_err(Error::Build)?;
    let report = BuildReport::new(&site, &states, offline);

    let mut index = index::build_index(&site, states, cfg.build.items_per_feed);
    if cfg.discover.recent_from_git {
        index.recent = suggest::recent_additions(site_dir, &index);
    }
    let base_url = options.base_url.as_deref().unwrap_or(&cfg.base_url);
    let files = render::render_site(&site, &index, &theme, base_url).map_err(Error::Build)?;

    let out = options
        .output_dir
        .clone()
        .unwrap_or_else(|| site_dir.join(&cfg.build.output_dir));
    output::write_site(&out, &files)
        .map_err(|e| Error::Build(format!("{}: cannot write the site: {e}", out.display())))?;
    Ok(report.finish(out, files.len(), started.elapsed()))
}

/// Every distinct feed of the site's lists (normalized URLs), sorted.
pub fn distinct_feeds(site: &config::Site) -> Vec<String> {
    let mut urls: Vec<String> = site
        .people
        .iter()
        .flat_map(|p| p.feeds.iter().map(|f| f.key.clone()))
        .collect();
    urls.sort();
    urls.dedup();
    urls
}
