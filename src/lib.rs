//! toluu turns a git repository of reading lists into a static website.
//!
//! [`build`] is the whole pipeline, in one direction:
//! load the lists → refresh (fetch + parse + cache) every distinct feed → index → render →
//! write. Each stage lives in its own module and hands plain data to the next.

pub mod cli;
pub mod files;
pub mod index;
pub mod model;
mod options;
pub mod output;
pub mod parse;
mod pipeline;
pub mod refresh;
pub mod render;
pub mod report;
pub mod sanitize;
pub mod site;
pub mod urls;

use std::path::{Path, PathBuf};

use crate::refresh::cache::Cache;
use crate::report::BuildReport;

pub use options::{BuildOptions, Error, FetchOptions};
pub use site::distinct_feeds;

/// A site rendered in memory, not yet written.
#[derive(Debug)]
pub struct Rendered {
    /// The refresh part of the build report.
    pub report: BuildReport,
    /// Every file of the site.
    pub files: Vec<render::OutputFile>,
    /// Where [`build`] writes them.
    pub output_dir: PathBuf,
    /// The build lock, when this build fetched: held until the site is written.
    pub lock: Option<refresh::lock::BuildLock>,
}

/// Builds the site in `site_dir`: the whole pipeline. Pages go to disk as they are rendered
/// (in parallel), so the whole site is never held in memory. A page whose fingerprint (what it
/// is made of) is the one the previous build kept in the state is not rendered again, and a
/// file whose bytes did not change is not touched (see [`output`]).
pub fn build(site_dir: &Path, options: &BuildOptions) -> Result<BuildReport, Error> {
    let mut clock = report::Stopwatch::default();
    let loaded = pipeline::load(site_dir, options, pipeline::Writes::Site)?;
    clock.lap("load");
    let output = pipeline::Output::begin(&loaded.output_dir, &loaded.state_dir())?;
    let store = output.read_store();
    let pictures_due = pipeline::unchanged::pictures_due(&store);
    let refreshed = pipeline::fetch::refresh_feeds(&loaded, &options.observer, pictures_due)?;
    clock.lap("refresh");
    let inputs = pipeline::unchanged::inputs(site_dir, &loaded, &refreshed.states);
    let unchanged =
        pipeline::unchanged::status_only(&loaded, output, store.clone(), inputs, refreshed)?;
    let (output, refreshed) = match unchanged {
        pipeline::unchanged::StatusOnly::Built(mut report, written) => {
            clock.lap("render");
            report.files_removed = written.removed;
            let (files, changed) = (written.files, written.changed);
            return Ok(report.finish(loaded.release(), files, changed, &clock));
        }
        pipeline::unchanged::StatusOnly::Changed(output, refreshed) => (output, refreshed),
    };
    let pipeline::Indexed {
        mut report,
        index,
        due,
    } = pipeline::index_feeds(site_dir, &loaded, refreshed);
    clock.lap("index");
    // A home page dated by the latest fetch changes with every build.
    let inputs = (!render::river_dated_by_fetch(&index)).then_some(inputs);
    let rendered = pipeline::render_into(&loaded, &index, &output, &store)?;
    // Freeing hundreds of thousands of strings takes a while: done beside the writing.
    let freed = std::thread::spawn(move || drop(index));
    clock.lap("render");
    report.pages_rendered = rendered.rendered;
    report.pages_kept = rendered.kept.len();
    let written = output.finish(rendered, inputs, due);
    let _ = freed.join();
    let written = written?;
    report.files_removed = written.removed;
    clock.lap("write");
    Ok(report.finish(loaded.release(), written.files, written.changed, &clock))
}

/// Every stage of [`build`] but the last: the site, rendered in memory (what `serve` serves).
pub fn render(site_dir: &Path, options: &BuildOptions) -> Result<Rendered, Error> {
    let loaded = pipeline::load(site_dir, options, pipeline::Writes::StateOnly)?;
    let refreshed = pipeline::fetch::refresh_feeds(&loaded, &options.observer, true)?;
    let pipeline::Indexed { report, index, .. } =
        pipeline::index_feeds(site_dir, &loaded, refreshed);
    let files = render::render_site(&loaded.site, &index, &loaded.theme, &loaded.base_url)
        .map_err(Error::Build)?;
    Ok(Rendered {
        report,
        files,
        output_dir: loaded.output_dir,
        lock: loaded.lock,
    })
}

/// `toluu fetch`: refreshes the feeds (or one shard of them) into a state directory and
/// renders nothing. A later `toluu build --offline --merge-state DIR…` builds from the shards.
pub fn fetch(site_dir: &Path, options: &FetchOptions) -> Result<BuildReport, Error> {
    let mut clock = report::Stopwatch::default();
    let site = site::load_site(site_dir).map_err(Error::Config)?;
    let cfg = &site.config;
    let cache = Cache::new(
        options
            .cache_dir
            .clone()
            .unwrap_or_else(|| site_dir.join(&cfg.build.cache_dir)),
    );
    let mut urls = distinct_feeds(&site);
    if let Some(shard) = options.shard {
        urls.retain(|u| shard.contains(u));
    }
    std::fs::create_dir_all(cache.dir())
        .map_err(|e| Error::Build(format!("{}: {e}", cache.dir().display())))?;
    // The site's own state shares the build's lock; a separate shard directory has its own.
    let lock_path = match &options.cache_dir {
        Some(dir) => dir.join(".lock"),
        None => cache.dir().parent().unwrap_or(site_dir).join("lock"),
    };
    let lock = refresh::lock::BuildLock::acquire(&lock_path).map_err(Error::Build)?;
    let now = options.at.unwrap_or_else(chrono::Utc::now);
    let states = refresh::refresh_all_at(&urls, &cfg.fetch, &cfg.build, &cache, false, now)
        .map_err(Error::Build)?;
    drop(lock);
    clock.lap("refresh");
    let report = BuildReport::new(&site, &states, false);
    Ok(report.finish(PathBuf::new(), 0, 0, &clock))
}

/// `toluu check --fetch`: fetches every feed once, unconditionally, into a scratch cache that
/// is thrown away (the site's state and output are not touched), and reports each feed in the
/// build summary's words. No grace period: a check says how each feed answers now.
pub fn check_feeds(site_dir: &Path) -> Result<BuildReport, Error> {
    check_some_feeds(site_dir, |_| true).map(|(report, _)| report)
}

/// [`check_feeds`] for the feeds whose normalized URL `keep` accepts; also returns what each
/// of them answered (its parsed feed, for `check --changed-since`).
pub fn check_some_feeds(
    site_dir: &Path,
    keep: impl Fn(&str) -> bool,
) -> Result<(BuildReport, Vec<refresh::FeedState>), Error> {
    let mut clock = report::Stopwatch::default();
    let mut site = site::load_site(site_dir).map_err(Error::Config)?;
    site.config.health.grace_builds = 1;
    site.config.health.grace_days = 0;
    let mut fetch = site.config.fetch.clone();
    fetch.min_interval_secs = 0;
    let scratch = std::env::temp_dir().join(format!("toluu-check-{}", std::process::id()));
    let cache = Cache::new(&scratch);
    let urls: Vec<String> = distinct_feeds(&site)
        .into_iter()
        .filter(|u| keep(u))
        .collect();
    let mut states = refresh::refresh_all(&urls, &fetch, &site.config.build, &cache, false);
    if let Ok(states) = states.as_mut() {
        refresh::heads::read_posts(states, &cache);
    }
    let _ = std::fs::remove_dir_all(&scratch);
    let states = states.map_err(Error::Build)?;
    clock.lap("fetch");
    let report = BuildReport::new(&site, &states, false);
    Ok((report.finish(PathBuf::new(), 0, 0, &clock), states))
}
