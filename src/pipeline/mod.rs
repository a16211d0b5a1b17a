//! The steps of [`crate::build`] that join two stages: what a build knows before it fetches
//! ([`Loaded`]), the fetch, the index with the lists' git history, and the rendering into the
//! one writer, which keeps the pages whose fingerprint did not change. Each is called once,
//! in order.

pub(crate) mod fetch;
mod follow;
mod memo;
mod pictures;
pub(crate) mod unchanged;

use follow::follow_from;
pub(crate) use follow::{Follow, follow_links, homes_of};

use std::path::{Path, PathBuf};

use crate::options::{BuildOptions, Error};
use crate::output::SiteWriter;
use crate::refresh::cache::Cache;
use crate::report::BuildReport;
use crate::site::distinct_feeds;
use crate::{index, refresh, render, site};

/// What a build knows before it fetches.
pub(crate) struct Loaded {
    pub(crate) site: site::Site,
    pub(crate) theme: render::theme::Theme,
    pub(crate) cache: Cache,
    /// Every distinct feed of the lists.
    pub(crate) urls: Vec<String>,
    pub(crate) mode: refresh::Mode,
    pub(crate) offline: bool,
    /// Problems met merging shard state directories.
    pub(crate) merge_warnings: Vec<String>,
    pub(crate) lock: Option<refresh::lock::BuildLock>,
    pub(crate) base_url: String,
    pub(crate) output_dir: PathBuf,
}

impl Loaded {
    /// Ends the build: releases the lock (when the build took it) and gives back where the site
    /// was written.
    pub(crate) fn release(self) -> PathBuf {
        drop(self.lock);
        self.output_dir
    }

    /// The state directory (`.toluu/`, where the cache is).
    pub(crate) fn state_dir(&self) -> PathBuf {
        let cache = self.cache.dir();
        cache.parent().unwrap_or(cache).to_owned()
    }
}

/// Where a build writes, and how a write failure reads.
pub(crate) struct Output {
    pub(crate) writer: SiteWriter,
    dir: PathBuf,
    /// Where the pages' fingerprints are kept between builds.
    store: PathBuf,
}

/// The file in the state directory that keeps the pages' fingerprints.
pub(crate) const PAGE_STORE: &str = "pages";

impl Output {
    /// Starts writing the site into `dir` (the changed files are staged beside it and moved
    /// in at the end), its pages' fingerprints kept in `state_dir`.
    pub(crate) fn begin(dir: &Path, state_dir: &Path) -> Result<Self, Error> {
        let writer = SiteWriter::begin(dir).map_err(|e| cannot_write(dir, &e))?;
        Ok(Output {
            writer,
            dir: dir.to_owned(),
            store: state_dir.join(PAGE_STORE),
        })
    }

    /// The output directory as the store names it: absolute, so that a build from another
    /// working directory finds the same store.
    fn store_key(&self) -> PathBuf {
        let parent = self.dir.parent().filter(|p| !p.as_os_str().is_empty());
        match (parent.map(std::fs::canonicalize), self.dir.file_name()) {
            (Some(Ok(parent)), Some(name)) => parent.join(name),
            _ => {
                std::fs::canonicalize(".").map_or_else(|_| self.dir.clone(), |d| d.join(&self.dir))
            }
        }
    }

    /// The sink pages are rendered into: each page is written as it is rendered.
    pub(crate) fn sink(&self) -> impl Fn(render::OutputFile) -> Result<(), String> + Sync + '_ {
        |file: render::OutputFile| {
            self.writer
                .write(&file)
                .map_err(|e| cannot_write(&self.dir, &e).to_string())
        }
    }

    /// The pages' fingerprints the previous build kept (empty when there are none).
    pub(crate) fn read_store(&self) -> render::PageStore {
        render::PageStore::read(&self.store, &self.store_key())
    }

    /// Moves the changed files in, removes the files the site no longer has, and keeps the
    /// pages' fingerprints for the next build, with the digest of the build's `inputs` and
    /// when the state next falls `due` (see [`unchanged`]), all in one journal.
    pub(crate) fn finish(
        self,
        rendered: render::RenderedSite,
        inputs: Option<[u8; 32]>,
        due: Option<i64>,
    ) -> Result<crate::output::Written, Error> {
        let fail = |e: std::io::Error| cannot_write(&self.dir, &e);
        let lengths = self.writer.lengths().map_err(fail)?;
        let mut store = crate::output::page_store(rendered.salt, rendered.fingerprints, &lengths);
        store.inputs = inputs;
        store.due = due;
        self.install(store)
    }

    /// Writes the site as `store` has it but for one page, `file` (with its `fingerprint`):
    /// every other file of the previous site is kept as it is.
    pub(crate) fn finish_but(
        self,
        mut store: render::PageStore,
        file: render::OutputFile,
        fingerprint: Option<[u8; 32]>,
    ) -> Result<crate::output::Written, Error> {
        let fail = |e: std::io::Error| cannot_write(&self.dir, &e);
        for (path, _, len) in store.files() {
            if path != file.path {
                self.writer.keep(path, len).map_err(fail)?;
            }
        }
        self.writer.write(&file).map_err(fail)?;
        let len = file.bytes.len() as u64;
        match fingerprint {
            Some(fingerprint) => store.insert(file.path, fingerprint, len),
            None => store.insert_file(file.path, len),
        }
        self.install(store)
    }

    /// Moves the staged files in with `store`, in one journal.
    fn install(self, store: render::PageStore) -> Result<crate::output::Written, Error> {
        let text = store.to_text(&self.store_key());
        let dir = self.dir.clone();
        self.writer
            .finish(Some((self.store, text.into_bytes())))
            .map_err(|e| cannot_write(&dir, &e))
    }
}

fn cannot_write(dir: &Path, e: &dyn std::fmt::Display) -> Error {
    Error::Build(format!("{}: cannot write the site: {e}", dir.display()))
}

/// Renders every page whose fingerprint changed since the previous build into `output`, and
/// notes the others as kept.
pub(crate) fn render_into(
    loaded: &Loaded,
    index: &index::SiteIndex,
    output: &Output,
    store: &render::PageStore,
) -> Result<render::RenderedSite, Error> {
    let sink = output.sink();
    let rendered = render::render_site_into(
        &loaded.site,
        index,
        &loaded.theme,
        &loaded.base_url,
        Some(store),
        &sink,
    )
    .map_err(Error::Build)?;
    for path in &rendered.kept {
        let len = store.len_of(path).unwrap_or_default();
        output
            .writer
            .keep(path, len)
            .map_err(|e| cannot_write(&output.dir, &e))?;
    }
    Ok(rendered)
}

/// What a build is for: writing the site to its output directory (`build`), or rendering it
/// in memory (`serve`), which writes only the state, and only when it fetches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Writes {
    /// The site and the state: the output directory is checked, and the lock always taken.
    Site,
    /// The state alone, when the build fetches.
    StateOnly,
}

/// Loads the site and the theme, checks the output directory, takes the lock, merges shard
/// state: all before fetching.
pub(crate) fn load(
    site_dir: &Path,
    options: &BuildOptions,
    writes: Writes,
) -> Result<Loaded, Error> {
    let site = site::load_site(site_dir).map_err(Error::Config)?;
    let given = options.output_dir.as_deref();
    let output_dir = match writes {
        Writes::Site => crate::output::claim::output_dir(&site, given, options.force)
            .map_err(|d| Error::Config(vec![d]))?,
        Writes::StateOnly => given.map_or_else(
            || site_dir.join(&site.config.build.output_dir),
            Path::to_owned,
        ),
    };
    let cfg = &site.config;
    let theme = render::theme::Theme::of_site(site_dir, cfg).map_err(|d| Error::Config(vec![d]))?;
    let cache = Cache::new(site_dir.join(&cfg.build.cache_dir));
    let urls = distinct_feeds(&site);
    let offline = options.offline || cfg.fetch.offline;
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
    // One writer per site: a build that writes the site, the state (a fetch) or merges shard
    // state takes the lock, offline or not; only `serve` rendering from the cache does not.
    let lock = if writes == Writes::Site || fetches || !options.merge_state.is_empty() {
        Some(take_lock(site_dir, &cache)?)
    } else {
        None
    };
    let merge_warnings = if options.merge_state.is_empty() {
        Vec::new()
    } else {
        refresh::shard::merge_into(&cache, &options.merge_state).map_err(Error::Build)?
    };
    let base_url = options
        .base_url
        .clone()
        .unwrap_or_else(|| cfg.base_url.clone());
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

/// Takes the site's build lock (`.toluu/lock`, beside the cache) and sweeps the temp files a
/// killed build left in the cache.
fn take_lock(site_dir: &Path, cache: &Cache) -> Result<refresh::lock::BuildLock, Error> {
    let state_dir = cache.dir().parent().unwrap_or(site_dir).to_owned();
    let lock = refresh::lock::BuildLock::acquire(&state_dir.join("lock")).map_err(Error::Build)?;
    refresh::lock::sweep_temp_files(cache.dir());
    refresh::lock::sweep_temp_files(&state_dir.join(memo::DIR));
    Ok(lock)
}

/// The report of the refresh, before the index adds its warnings.
pub(crate) fn report_of(loaded: &Loaded, states: &[refresh::FeedState]) -> BuildReport {
    let mut report = BuildReport::new(&loaded.site, states, loaded.offline);
    report.cache_warnings.extend(loaded.merge_warnings.clone());
    if let Some(lock) = &loaded.lock
        && let Some(pid) = lock.taken_over_from
    {
        report.cache_warnings.push(format!(
            "{}: took over the lock of build {pid}, which did not finish",
            lock.path().display()
        ));
    }
    report
}

/// What [`index_feeds`] gives: the report of the refresh, the index of the site the pages are
/// rendered from, and when the state next falls due (the first icon lookup or visit of a
/// linked site to make; Unix seconds).
pub(crate) struct Indexed {
    pub(crate) report: BuildReport,
    pub(crate) index: index::SiteIndex,
    pub(crate) due: Option<i64>,
}

/// The index of the site, with the report of the refresh; the blogrolls visited (or the
/// visits gone on with) as `follow` says.
pub(crate) fn index_feeds(
    site_dir: &Path,
    loaded: &Loaded,
    refreshed: fetch::Refreshed,
) -> Indexed {
    let fetch::Refreshed {
        mut states,
        follow,
        looks,
    } = refreshed;
    refresh::heads::read_posts(&mut states, &loaded.cache);
    let cfg = &loaded.site.config;
    let mut report = report_of(loaded, &states);
    let online = loaded.mode == refresh::Mode::All;
    let wanted = refresh::icons::wanted(&loaded.site, &states);
    let state_dir = loaded.state_dir();
    let homes = homes_of(&states);
    // The icon lookups and the blogroll visits wait on the network: both run while the index
    // is built and the posts' links are read.
    let (pictures, (mut index, warnings, sites_due)) = std::thread::scope(|scope| {
        let pictures = scope.spawn(|| pictures::pictures(loaded, &wanted, looks));
        let visits = scope.spawn(|| follow.visit(cfg, &state_dir, online, &homes));
        let mut index =
            index::build_index_undiscovered(&loaded.site, states, cfg.build.items_per_feed);
        if cfg.discover.recent_from_git {
            index.recent = index::recent::recent_additions(site_dir, &index);
        }
        if cfg.build.redirects_from_git
            && let Some(renames) = index::renames::list_renames(site_dir)
        {
            index.moved_people = index::renames::moved_people(&renames, &index.people);
        }
        let memo = memo::Memo::new(&state_dir, loaded.lock.is_some());
        let links = discover_and_read_links(&mut index, cfg, &memo);
        let visited = visits
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        let (warnings, sites_due) = match (visited, links) {
            (Some(visited), Some(links)) => follow_from(&mut index, cfg, visited, &links),
            _ => (Vec::new(), None),
        };
        let pictures = pictures
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (pictures, (index, warnings, sites_due))
    });
    report
        .cache_warnings
        .extend(pictures.warnings.iter().cloned());
    report.cache_warnings.extend(warnings);
    let due = [pictures.due, sites_due]
        .into_iter()
        .flatten()
        .min()
        .map(|d| d.timestamp());
    index.pictures = pictures;
    Indexed { report, index, due }
}

/// Adds discovery to `index`, and gives the links of its posts (when the site follows
/// links): both are read from the same index, one beside the other, and each is read back from
/// `memo` when what it is computed from did not change.
fn discover_and_read_links(
    index: &mut index::SiteIndex,
    cfg: &site::SiteConfig,
    memo: &memo::Memo,
) -> Option<index::links::PostLinks> {
    let (discovery, links) = rayon::join(
        || index::discover::discover_index_with(index, &cfg.discover, |c, d| memo.discovery(c, d)),
        || cfg.discover.follow_links.then(|| memo.post_links(index)),
    );
    index.discovery = discovery;
    links
}
