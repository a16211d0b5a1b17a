//! toluu turns a git repository of reading lists into a static website.
//!
//! [`build`] is the whole pipeline, in one direction:
//! load the lists → refresh (fetch + parse + cache) every distinct feed → index → render →
//! write. Each stage lives in its own module and hands plain data to the next.

pub mod autodiscover;
pub mod cache;
pub mod check;
pub mod config;
pub mod discover;
pub mod edit;
pub mod fetch;
pub mod fmt;
pub mod health;
pub mod history;
pub mod index;
pub mod lint;
pub mod lock;
pub mod markdown;
pub mod model;
pub mod opml;
pub mod output;
pub mod parse;
pub mod progress;
pub mod recent;
pub mod refresh;
pub mod render;
pub mod report;
pub mod sanitize;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod shard;
pub mod status;
pub mod suggest;
pub mod theme;
pub mod toml_errors;
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
    /// State directories of sharded fetches (`toluu fetch --shard`) to merge into the site's
    /// state before building.
    pub merge_state: Vec<PathBuf>,
    /// Fetch only the feeds the cache has never seen (`serve` rebuilds); ignored when offline.
    pub fetch_missing_only: bool,
    /// Told about each feed as it is refreshed (progress bars).
    pub observer: refresh::Observer,
}

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
    pub lock: Option<lock::BuildLock>,
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

/// Builds the site in `site_dir`: the whole pipeline. Pages go to disk as they are rendered
/// (in parallel), so the whole site is never held in memory.
pub fn build(site_dir: &Path, options: &BuildOptions) -> Result<BuildReport, Error> {
    let started = std::time::Instant::now();
    let Prepared {
        report,
        site,
        index,
        theme,
        base_url,
        output_dir: out,
        lock,
    } = prepare(site_dir, options)?;
    let cannot_write = |e: &dyn std::fmt::Display| {
        Error::Build(format!("{}: cannot write the site: {e}", out.display()))
    };
    let writer = output::SiteWriter::begin(&out).map_err(|e| cannot_write(&e))?;
    render::render_site_into(&site, &index, &theme, &base_url, &|file| {
        writer
            .write(&file)
            .map_err(|e| cannot_write(&e).to_string())
    })
    .map_err(Error::Build)?;
    drop(index);
    let (files, changed) = writer.finish().map_err(|e| cannot_write(&e))?;
    drop(lock);
    Ok(report.finish(out, files, changed, started.elapsed()))
}

/// Everything a build knows before it renders.
struct Prepared {
    report: BuildReport,
    site: config::Site,
    index: index::SiteIndex,
    theme: theme::Theme,
    base_url: String,
    output_dir: PathBuf,
    lock: Option<lock::BuildLock>,
}

/// Every stage of [`build`] but the last: the site, rendered in memory (what `serve` serves).
pub fn render(site_dir: &Path, options: &BuildOptions) -> Result<Rendered, Error> {
    let Prepared {
        report,
        site,
        index,
        theme,
        base_url,
        output_dir,
        lock,
    } = prepare(site_dir, options)?;
    let files = render::render_site(&site, &index, &theme, &base_url).map_err(Error::Build)?;
    Ok(Rendered {
        report,
        files,
        output_dir,
        lock,
    })
}

/// Loads, refreshes and indexes: every stage before rendering.
fn prepare(site_dir: &Path, options: &BuildOptions) -> Result<Prepared, Error> {
    let site = config::load_site(site_dir).map_err(Error::Config)?;
    let cfg = &site.config;
    let theme = theme::Theme::named(&cfg.theme).map_err(Error::Build)?;
    let cache = Cache::new(site_dir.join(&cfg.build.cache_dir));

    let urls = distinct_feeds(&site);
    let offline = options.offline || cfg.fetch.offline;
    let merge_warnings = if options.merge_state.is_empty() {
        Vec::new()
    } else {
        shard::merge_into(&cache, &options.merge_state).map_err(Error::Build)?
    };
    let mode = match (offline, options.fetch_missing_only) {
        (true, _) => refresh::Mode::Offline,
        (false, true) => refresh::Mode::MissingOnly,
        (false, false) => refresh::Mode::All,
    };
    let fetches = match mode {
        refresh::Mode::All => true,
        refresh::Mode::MissingOnly => urls.iter().any(|u| !cache.path_for(u).exists()),
        refresh::Mode::Offline => false,
    };
    // Only a build that fetches writes the state, so only it takes the lock; an offline build
    // reads cache files, which are replaced atomically.
    let lock = if !fetches {
        None
    } else {
        let state_dir = cache.dir().parent().unwrap_or(site_dir).to_owned();
        let lock = lock::BuildLock::acquire(&state_dir.join("lock")).map_err(Error::Build)?;
        lock::sweep_temp_files(cache.dir());
        Some(lock)
    };
    let states = refresh::refresh_observed(
        &urls,
        &cfg.fetch,
        &cfg.build,
        &cache,
        mode,
        &options.observer,
    )
    .map_err(Error::Build)?;
    let mut report = BuildReport::new(&site, &states, offline);
    report.cache_warnings.extend(merge_warnings);
    if let Some(lock) = &lock
        && let Some(pid) = lock.taken_over_from
    {
        report.cache_warnings.push(format!(
            "{}: took over the lock of build {pid}, which did not finish",
            lock.path().display()
        ));
    }

    let mut index = index::build_index(&site, states, cfg.build.items_per_feed);
    if cfg.discover.recent_from_git {
        index.recent = suggest::recent_additions(site_dir, &index);
    }
    let base_url = options
        .base_url
        .clone()
        .unwrap_or_else(|| cfg.base_url.clone());
    let output_dir = options
        .output_dir
        .clone()
        .unwrap_or_else(|| site_dir.join(&cfg.build.output_dir));
    Ok(Prepared {
        report,
        site,
        index,
        theme,
        base_url,
        output_dir,
        lock,
    })
}

/// Options of `toluu fetch`: refresh the state without building.
#[derive(Debug, Clone, Default)]
pub struct FetchOptions {
    /// Fetch only this shard of the feeds.
    pub shard: Option<shard::Shard>,
    /// Write the state here instead of the site's `[build] cache_dir`.
    pub cache_dir: Option<PathBuf>,
    /// The run's time; every shard of one run passes the same (default: now).
    pub at: Option<chrono::DateTime<chrono::Utc>>,
}

/// `toluu fetch`: refreshes the feeds (or one shard of them) into a state directory and
/// renders nothing. A later `toluu build --offline --merge-state DIR…` builds from the shards.
pub fn fetch(site_dir: &Path, options: &FetchOptions) -> Result<BuildReport, Error> {
    let started = std::time::Instant::now();
    let site = config::load_site(site_dir).map_err(Error::Config)?;
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
    let lock = lock::BuildLock::acquire(&lock_path).map_err(Error::Build)?;
    let now = options.at.unwrap_or_else(chrono::Utc::now);
    let states = refresh::refresh_all_at(&urls, &cfg.fetch, &cfg.build, &cache, false, now)
        .map_err(Error::Build)?;
    drop(lock);
    let report = BuildReport::new(&site, &states, false);
    Ok(report.finish(PathBuf::new(), 0, 0, started.elapsed()))
}

/// `toluu check --fetch`: fetches every feed once, unconditionally, into a scratch cache that
/// is thrown away (the site's state and output are not touched), and reports each feed in the
/// build summary's words. No grace period: a check says how each feed answers now.
pub fn check_feeds(site_dir: &Path) -> Result<BuildReport, Error> {
    let started = std::time::Instant::now();
    let mut site = config::load_site(site_dir).map_err(Error::Config)?;
    site.config.health.grace_builds = 1;
    site.config.health.grace_days = 0;
    let mut fetch = site.config.fetch.clone();
    fetch.min_interval_secs = 0;
    let scratch = std::env::temp_dir().join(format!("toluu-check-{}", std::process::id()));
    let cache = Cache::new(&scratch);
    let urls = distinct_feeds(&site);
    let states = refresh::refresh_all(&urls, &fetch, &site.config.build, &cache, false);
    let _ = std::fs::remove_dir_all(&scratch);
    let states = states.map_err(Error::Build)?;
    let report = BuildReport::new(&site, &states, false);
    Ok(report.finish(PathBuf::new(), 0, 0, started.elapsed()))
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
