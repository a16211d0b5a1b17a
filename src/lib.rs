//! toluu turns a git repository of reading lists into a static website.
//!
//! [`build`] is the whole pipeline, in one direction:
//! load the lists → refresh (fetch + parse + cache) every distinct feed → index → render →
//! write. Each stage lives in its own module and hands plain data to the next.

pub mod cli;
pub mod files;
pub mod index;
pub mod model;
pub mod output;
pub mod parse;
pub mod refresh;
pub mod render;
pub mod report;
pub mod sanitize;
pub mod site;
pub mod urls;

use std::path::{Path, PathBuf};

use crate::refresh::cache::Cache;
use crate::report::BuildReport;
use crate::site::Diagnostic;

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
    /// Do not render pages ahead from the cache while fetching: render each page once, after
    /// the fetch (the site is the same; this only spends less CPU while fetching).
    pub no_render_ahead: bool,
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
    pub lock: Option<refresh::lock::BuildLock>,
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
/// (in parallel), so the whole site is never held in memory. While the feeds are fetched,
/// the pages are rendered ahead from the cache; afterwards only the pages whose inputs
/// changed are rendered again (see [`render::Ahead`]).
pub fn build(site_dir: &Path, options: &BuildOptions) -> Result<BuildReport, Error> {
    let mut clock = report::Stopwatch::default();
    let loaded = load(site_dir, options)?;
    clock.lap("load");
    let out = &loaded.output_dir;
    let cannot_write = |e: &dyn std::fmt::Display| {
        Error::Build(format!("{}: cannot write the site: {e}", out.display()))
    };
    let writer = output::SiteWriter::begin(out).map_err(|e| cannot_write(&e))?;
    let sink = |file: render::OutputFile| {
        writer
            .write(&file)
            .map_err(|e| cannot_write(&e).to_string())
    };
    let (states, ahead) = std::thread::scope(|scope| {
        let ahead = (loaded.renders_ahead() && !options.no_render_ahead)
            .then(|| scope.spawn(|| render_ahead(&loaded, &sink)));
        let states = refresh_feeds(&loaded, &options.observer);
        // Rendering ahead is only a head start: if it failed, everything is rendered below.
        let ahead = ahead.and_then(|h| h.join().ok()).and_then(Result::ok);
        (states, ahead)
    });
    let states = states?;
    clock.lap("refresh");
    let (mut report, index) = index_feeds(site_dir, &loaded, states);
    clock.lap("index");
    let rendered = render::render_site_into(
        &loaded.site,
        &index,
        &loaded.theme,
        &loaded.base_url,
        ahead.as_ref(),
        &sink,
    )
    .map_err(Error::Build)?;
    for path in &rendered.stale {
        writer.remove(path).map_err(|e| cannot_write(&e))?;
    }
    drop(index);
    clock.lap("render and write");
    let (files, changed) = writer.finish().map_err(|e| cannot_write(&e))?;
    clock.lap("swap");
    report.pages_rendered_ahead = ahead.as_ref().map_or(0, render::Ahead::len);
    report.pages_kept = rendered.kept;
    let Loaded {
        lock, output_dir, ..
    } = loaded;
    drop(lock);
    Ok(report.finish(output_dir, files, changed, &clock))
}

/// What a build knows before it fetches.
struct Loaded {
    site: site::Site,
    theme: render::theme::Theme,
    cache: Cache,
    /// Every distinct feed of the lists.
    urls: Vec<String>,
    mode: refresh::Mode,
    offline: bool,
    /// Problems met merging shard state directories.
    merge_warnings: Vec<String>,
    lock: Option<refresh::lock::BuildLock>,
    base_url: String,
    output_dir: PathBuf,
}

impl Loaded {
    /// Whether to render pages ahead from the cache while fetching: when the build fetches
    /// every feed and the cache holds some of them.
    fn renders_ahead(&self) -> bool {
        self.mode == refresh::Mode::All && self.urls.iter().any(|u| self.cache.path_for(u).exists())
    }
}

/// Every stage of [`build`] but the last: the site, rendered in memory (what `serve` serves).
pub fn render(site_dir: &Path, options: &BuildOptions) -> Result<Rendered, Error> {
    let loaded = load(site_dir, options)?;
    let states = refresh_feeds(&loaded, &options.observer)?;
    let (report, index) = index_feeds(site_dir, &loaded, states);
    let files = render::render_site(&loaded.site, &index, &loaded.theme, &loaded.base_url)
        .map_err(Error::Build)?;
    Ok(Rendered {
        report,
        files,
        output_dir: loaded.output_dir,
        lock: loaded.lock,
    })
}

/// Loads the site and the theme, merges shard state, takes the lock: all before fetching.
fn load(site_dir: &Path, options: &BuildOptions) -> Result<Loaded, Error> {
    let site = site::load_site(site_dir).map_err(Error::Config)?;
    let cfg = &site.config;
    let theme = render::theme::Theme::named(&cfg.theme).map_err(Error::Build)?;
    let cache = Cache::new(site_dir.join(&cfg.build.cache_dir));

    let urls = distinct_feeds(&site);
    let offline = options.offline || cfg.fetch.offline;
    let merge_warnings = if options.merge_state.is_empty() {
        Vec::new()
    } else {
        refresh::shard::merge_into(&cache, &options.merge_state).map_err(Error::Build)?
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
        let lock =
            refresh::lock::BuildLock::acquire(&state_dir.join("lock")).map_err(Error::Build)?;
        refresh::lock::sweep_temp_files(cache.dir());
        Some(lock)
    };
    let base_url = options
        .base_url
        .clone()
        .unwrap_or_else(|| cfg.base_url.clone());
    let output_dir = options
        .output_dir
        .clone()
        .unwrap_or_else(|| site_dir.join(&cfg.build.output_dir));
    Ok(Loaded {
        site,
        theme,
        cache,
        urls,
        mode,
        offline,
        merge_warnings,
        lock,
        base_url,
        output_dir,
    })
}

/// Fetches (or reads from the cache) every feed.
fn refresh_feeds(
    loaded: &Loaded,
    observer: &refresh::Observer,
) -> Result<Vec<refresh::FeedState>, Error> {
    let cfg = &loaded.site.config;
    refresh::refresh_observed(
        &loaded.urls,
        &cfg.fetch,
        &cfg.build,
        &loaded.cache,
        loaded.mode,
        observer,
    )
    .map_err(Error::Build)
}

/// The report of the refresh, and the index of the site the pages are rendered from.
fn index_feeds(
    site_dir: &Path,
    loaded: &Loaded,
    states: Vec<refresh::FeedState>,
) -> (BuildReport, index::SiteIndex) {
    let cfg = &loaded.site.config;
    let mut report = BuildReport::new(&loaded.site, &states, loaded.offline);
    report.cache_warnings.extend(loaded.merge_warnings.clone());
    if let Some(lock) = &loaded.lock
        && let Some(pid) = lock.taken_over_from
    {
        report.cache_warnings.push(format!(
            "{}: took over the lock of build {pid}, which did not finish",
            lock.path().display()
        ));
    }
    let mut index = index::build_index(&loaded.site, states, cfg.build.items_per_feed);
    if cfg.discover.recent_from_git {
        index.recent = index::recent::recent_additions(site_dir, &index);
    }
    (report, index)
}

/// Renders the pages from what the cache holds now, before the fetch ends.
fn render_ahead(loaded: &Loaded, sink: render::Sink<'_>) -> Result<render::Ahead, String> {
    let cfg = &loaded.site.config;
    let states = refresh::refresh_observed(
        &loaded.urls,
        &cfg.fetch,
        &cfg.build,
        &loaded.cache,
        refresh::Mode::Offline,
        &refresh::Observer::default(),
    )?;
    let index = index::build_index(&loaded.site, states, cfg.build.items_per_feed);
    render::render_pages_ahead(&loaded.site, &index, &loaded.theme, &loaded.base_url, sink)
}

/// Options of `toluu fetch`: refresh the state without building.
#[derive(Debug, Clone, Default)]
pub struct FetchOptions {
    /// Fetch only this shard of the feeds.
    pub shard: Option<refresh::shard::Shard>,
    /// Write the state here instead of the site's `[build] cache_dir`.
    pub cache_dir: Option<PathBuf>,
    /// The run's time; every shard of one run passes the same (default: now).
    pub at: Option<chrono::DateTime<chrono::Utc>>,
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
    let mut clock = report::Stopwatch::default();
    let mut site = site::load_site(site_dir).map_err(Error::Config)?;
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
    clock.lap("fetch");
    let report = BuildReport::new(&site, &states, false);
    Ok(report.finish(PathBuf::new(), 0, 0, &clock))
}

/// Every distinct feed of the site's lists (normalized URLs), sorted.
pub fn distinct_feeds(site: &site::Site) -> Vec<String> {
    let mut urls: Vec<String> = site
        .people
        .iter()
        .flat_map(|p| p.feeds.iter().map(|f| f.key.clone()))
        .collect();
    urls.sort();
    urls.dedup();
    urls
}
