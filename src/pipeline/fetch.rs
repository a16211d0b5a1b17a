//! The fetch, the pipeline's part: every feed refreshed while the follower makes the
//! blogroll visits it can and the pictures are looked up as their feeds come in.

use super::follow::early_blogrolls;
use super::{Follow, Loaded, pictures};
use crate::options::Error;
use crate::refresh;

/// What the refresh gives: every feed's state, how far following went, and the pictures
/// looked up meanwhile (if any were).
pub(crate) struct Refreshed {
    pub(crate) states: Vec<refresh::FeedState>,
    pub(crate) follow: Follow,
    pub(crate) looks: Option<refresh::icons::Looks>,
}

/// Fetches (or reads from the cache) every feed, while the follower makes the blogroll
/// visits it can (see [`early_blogrolls`]) and, when `pictures_due`, the pictures are looked
/// up as their feeds come in.
pub(crate) fn refresh_feeds(
    loaded: &Loaded,
    observer: &refresh::Observer,
    pictures_due: bool,
) -> Result<Refreshed, Error> {
    let cfg = &loaded.site.config;
    std::thread::scope(|scope| {
        let early = scope.spawn(|| {
            let online = loaded.mode == refresh::Mode::All;
            online
                .then(|| {
                    let state_dir = loaded.state_dir();
                    early_blogrolls(cfg, &state_dir, &loaded.urls, &loaded.cache)
                })
                .flatten()
        });
        let (observer, looks) = pictures::start(scope, loaded, observer, pictures_due);
        let states = refresh::refresh_observed(
            &loaded.urls,
            &cfg.fetch,
            &cfg.build,
            &loaded.cache,
            loaded.mode,
            &observer,
        )
        .map_err(Error::Build);
        // The lookups end with the last sender, which the observer holds.
        drop(observer);
        let looks = looks.map(|looks| {
            looks
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p))
        });
        let early = early
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        Ok(Refreshed {
            states: states?,
            follow: Follow::Started(early),
            looks,
        })
    })
}
