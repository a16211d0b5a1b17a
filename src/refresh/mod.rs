//! Bringing every feed up to date: for each distinct feed, fetch it (conditionally), parse it
//! and update its cache file; or, offline, read the cache alone. Fetches on `fetch.concurrency`
//! threads of their own, since fetching waits on the network, not the CPU. Takes the
//! site's distinct feeds from `site`; hands one [`FeedState`] per feed (its feed, items and
//! fetch record) to the index.
//!
//! This module is the stage's entry: which feeds are fetched ([`Mode`]), who hears of the
//! progress ([`Observer`]), and the two pools the feeds go through. One feed's steps are in
//! `per_feed`, folding a response into its cache entry in `apply`, the states handed on in
//! `state`.

mod apply;
pub mod autodiscover;
pub mod cache;
pub mod fetch;
pub mod follow;
pub mod heads;
pub mod health;
pub mod history;
pub mod icons;
pub mod identity;
pub mod lock;
mod names;
mod per_feed;
mod record;
mod schedule;
pub mod shard;
mod state;

use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread::Scope;

use chrono::{DateTime, Utc};
use rayon::prelude::*;

use crate::refresh::apply::Policy;
use crate::refresh::cache::Cache;
use crate::refresh::fetch::Fetcher;
use crate::refresh::history::Keep;
use crate::refresh::per_feed::{Step, fetch_one, finish_one, from_cache};
use crate::site::{BuildConfig, FetchConfig};

pub use state::{FeedState, Outcome};

/// Which feeds a refresh fetches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Every feed (a normal build).
    #[default]
    All,
    /// Only feeds the cache has never seen; the others come from the cache (`serve` rebuilds).
    MissingOnly,
    /// None: everything comes from the cache.
    Offline,
}

/// Told about the refresh as it goes, for progress bars; called from the fetch threads.
#[derive(Clone, Default)]
pub struct Observer(Option<Arc<ObserverFn>>);

type ObserverFn = dyn Fn(Progress<'_>) + Send + Sync;

/// One step of a refresh, as told to an [`Observer`].
#[derive(Debug)]
pub enum Progress<'a> {
    /// The refresh starts: this many feeds, this many of them fetched.
    Start {
        /// Feeds in the site.
        total: usize,
        /// Feeds that will be fetched (the others come from the cache).
        fetching: usize,
    },
    /// One feed is done.
    Done(&'a FeedState),
}

impl Observer {
    /// An observer calling `f`.
    pub fn new(f: impl Fn(Progress<'_>) + Send + Sync + 'static) -> Self {
        Observer(Some(Arc::new(f)))
    }

    /// This observer, with `first` told of each step before it.
    pub fn also(&self, first: impl Fn(&Progress<'_>) + Send + Sync + 'static) -> Self {
        let then = self.clone();
        Observer::new(move |progress| {
            first(&progress);
            then.tell(progress);
        })
    }

    fn tell(&self, progress: Progress<'_>) {
        if let Some(f) = &self.0 {
            f(progress);
        }
    }
}

impl fmt::Debug for Observer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() {
            "Observer(..)"
        } else {
            "Observer(none)"
        })
    }
}
/// Refreshes every feed in `urls` (normalized, distinct), in parallel, and returns their
/// states in the same order.
pub fn refresh_all(
    urls: &[String],
    config: &FetchConfig,
    build: &BuildConfig,
    cache: &Cache,
    offline: bool,
) -> Result<Vec<FeedState>, String> {
    let mode = if offline { Mode::Offline } else { Mode::All };
    refresh_observed(urls, config, build, cache, mode, &Observer::default())
}

/// [`refresh_all`] with the build's time given: the shards of one sharded fetch share it, so
/// that feeds first fetched in the same run share their `first_seen` whichever shard got them.
pub fn refresh_all_at(
    urls: &[String],
    config: &FetchConfig,
    build: &BuildConfig,
    cache: &Cache,
    offline: bool,
    now: DateTime<Utc>,
) -> Result<Vec<FeedState>, String> {
    let mode = if offline { Mode::Offline } else { Mode::All };
    refresh_observed_at(urls, config, build, cache, mode, &Observer::default(), now)
}

/// [`refresh_all`] with a [`Mode`] and an [`Observer`].
pub fn refresh_observed(
    urls: &[String],
    config: &FetchConfig,
    build: &BuildConfig,
    cache: &Cache,
    mode: Mode,
    observer: &Observer,
) -> Result<Vec<FeedState>, String> {
    refresh_observed_at(urls, config, build, cache, mode, observer, Utc::now())
}

fn refresh_observed_at(
    urls: &[String],
    config: &FetchConfig,
    build: &BuildConfig,
    cache: &Cache,
    mode: Mode,
    observer: &Observer,
    now: DateTime<Utc>,
) -> Result<Vec<FeedState>, String> {
    let run = Run {
        urls,
        fetch: which_to_fetch(urls, cache, mode),
        cache,
        now,
        observer,
    };
    let fetching = run.fetch.iter().filter(|f| **f).count();
    observer.tell(Progress::Start {
        total: urls.len(),
        fetching,
    });
    if fetching == 0 {
        return Ok(urls
            .par_iter()
            .map(|url| run.done(from_cache(url, cache)))
            .collect());
    }
    let fetcher = Fetcher::new(config)?;
    // One time for the whole build (`now`), so that feeds first fetched in the same build share
    // their `first_seen` (see `index::limit_backlog`).
    let policy = Policy {
        keep: Keep {
            items: build.keep_items.max(build.items_per_feed),
            days: build.keep_days,
        },
        min_interval_secs: config.min_interval_secs,
        moved: identity::moved_pages(cache, urls),
    };
    // The fetch threads only fetch (mostly waiting on the network); what came back is parsed
    // and cached on the machine's cores meanwhile, so a fetch thread is never held up by
    // parsing and `concurrency` requests stay in flight.
    let cores = std::thread::available_parallelism().map_or(2, usize::from);
    let (fetched_tx, fetched_rx) = std::sync::mpsc::channel::<(usize, Step)>();
    // The position of the next feed a fetch thread takes.
    let next = AtomicUsize::new(0);
    let mut states: Vec<(usize, FeedState)> = std::thread::scope(|scope| {
        let fetching = run.fetch_all(scope, &fetcher, config.concurrency, &next, fetched_tx);
        let states = run.finish_all(fetched_rx, &policy, cores);
        fetching.map(|()| states)
    })?;
    states.sort_by_key(|(i, _)| *i);
    let mut states: Vec<FeedState> = states.into_iter().map(|(_, state)| state).collect();
    write_records(cache, &mut states);
    Ok(states)
}

/// Writes the records of the feeds that answered 304 or failed, in one write. Records that
/// cannot be written fail no build (the next one fetches on older validators): the warning is
/// told once, on the first of `states` without one.
fn write_records(cache: &Cache, states: &mut [FeedState]) {
    if let Err(warning) = cache.write_records()
        && let Some(first) = states.iter_mut().find(|s| s.cache_warning.is_none())
    {
        first.cache_warning = Some(warning);
    }
}

/// For each of `urls`, whether this refresh fetches it.
fn which_to_fetch(urls: &[String], cache: &Cache, mode: Mode) -> Vec<bool> {
    urls.iter()
        .map(|url| match mode {
            Mode::All => true,
            Mode::Offline => false,
            Mode::MissingOnly => !cache.path_for(url).exists(),
        })
        .collect()
}

/// One refresh: the feeds, which of them are fetched, the build's time, who is told.
struct Run<'a> {
    urls: &'a [String],
    fetch: Vec<bool>,
    cache: &'a Cache,
    now: DateTime<Utc>,
    observer: &'a Observer,
}

impl Run<'_> {
    /// Tells the observer that a feed is done.
    fn done(&self, state: FeedState) -> FeedState {
        self.observer.tell(Progress::Done(&state));
        state
    }

    /// On `threads` threads of their own (plain threads, which sleep while they wait on the
    /// network, where a rayon pool's idle workers spin): fetches the feeds to fetch (reads
    /// the others from the cache), each thread taking the next feed when it is done with one,
    /// and sends each on with its position, for [`Run::finish_all`]. Fails only if no thread
    /// could be started.
    fn fetch_all<'scope, 'env>(
        &'env self,
        scope: &'scope Scope<'scope, 'env>,
        fetcher: &'env Fetcher,
        threads: usize,
        next: &'env AtomicUsize,
        fetched: Sender<(usize, Step)>,
    ) -> Result<(), String> {
        let mut started = 0;
        let mut failure = None;
        for n in 0..threads.clamp(1, self.urls.len().max(1)) {
            let tx = fetched.clone();
            let worker = move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let (Some(url), Some(fetch)) = (self.urls.get(i), self.fetch.get(i)) else {
                        return;
                    };
                    let step = if *fetch {
                        fetch_one(url, fetcher, self.cache, self.now)
                    } else {
                        Step::Done(Box::new(from_cache(url, self.cache)))
                    };
                    // The receiver lives until every sender is gone.
                    let _ = tx.send((i, step));
                }
            };
            match std::thread::Builder::new()
                .name(format!("toluu-fetch-{n}"))
                .spawn_scoped(scope, worker)
            {
                Ok(_) => started += 1,
                Err(e) => failure = Some(format!("cannot start the fetch threads: {e}")),
            }
        }
        // The threads that started take every feed; with none, the refresh cannot run.
        match failure {
            Some(failure) if started == 0 => Err(failure),
            _ => Ok(()),
        }
    }

    /// On this thread and `threads - 1` more (named `toluu-parse-N`; plain threads, which
    /// sleep while no fetch is in, where a rayon pool's workers spin): parses and caches each
    /// feed as its fetch comes in, until the fetch threads are done; returns the states with
    /// their positions, in no particular order.
    fn finish_all(
        &self,
        fetched: Receiver<(usize, Step)>,
        policy: &Policy,
        threads: usize,
    ) -> Vec<(usize, FeedState)> {
        let fetched = Mutex::new(fetched);
        let work = || {
            let mut done = Vec::new();
            loop {
                // The lock is held while waiting: the other threads wait on it, asleep.
                let next = fetched
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .recv();
                let Ok((i, step)) = next else {
                    return done;
                };
                let state = match step {
                    Step::Done(state) => *state,
                    Step::Fetched(fetched) => finish_one(*fetched, policy, self.cache, self.now),
                };
                done.push((i, self.done(state)));
            }
        };
        std::thread::scope(|scope| {
            let others: Vec<_> = (1..threads.max(1))
                .filter_map(|n| {
                    std::thread::Builder::new()
                        .name(format!("toluu-parse-{n}"))
                        .spawn_scoped(scope, work)
                        .ok()
                })
                .collect();
            let mut all = work();
            for other in others {
                all.extend(
                    other
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                );
            }
            all
        })
    }
}
