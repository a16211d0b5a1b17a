//! Feeds' icons and people's faces, the pipeline's part: looked up while the feeds are
//! fetched when any is due (each feed's as soon as its refresh is done), else read from the
//! state beside the index (see [`crate::refresh::icons`]).

use std::path::PathBuf;
use std::thread::{Scope, ScopedJoinHandle};

use super::Loaded;
use crate::refresh;
use crate::refresh::icons::{self, Looks, Pictures, Wanted};

/// Where the pictures are kept: `icons/` in the state directory, beside the cache.
fn icons_dir(loaded: &Loaded) -> PathBuf {
    loaded
        .cache
        .dir()
        .parent()
        .unwrap_or(&loaded.site.root)
        .join("icons")
}

/// Starts the lookups of the pictures beside the refresh, when the build is online and
/// `due` (the state says a lookup falls due, or does not know): the avatars at once, and each
/// feed's icon when `observer` (given back, with the lookups' part added) is told its feed is
/// done. The lookups end when the observer given back is dropped.
pub(crate) fn start<'scope>(
    scope: &'scope Scope<'scope, '_>,
    loaded: &'scope Loaded,
    observer: &refresh::Observer,
    due: bool,
) -> (refresh::Observer, Option<ScopedJoinHandle<'scope, Looks>>) {
    if loaded.mode != refresh::Mode::All || !due {
        return (observer.clone(), None);
    }
    let (tx, rx) = std::sync::mpsc::channel::<Wanted>();
    let avatars = icons::avatars_wanted(&loaded.site, |key| loaded.urls.iter().any(|u| u == key));
    for avatar in avatars {
        // The receiver lives until every sender is gone.
        let _ = tx.send(avatar);
    }
    let observer = observer.also(move |progress| {
        if let refresh::Progress::Done(state) = progress
            && let Some(wanted) = icons::feed_wanted(state)
        {
            let _ = tx.send(wanted);
        }
    });
    let now = chrono::Utc::now();
    let looks = scope.spawn(move || {
        icons::look_up_as_wanted(rx, &loaded.site.config.fetch, &icons_dir(loaded), now)
    });
    (observer, Some(looks))
}

/// The pictures the site `wanted` after the refresh: those `looks` found while the feeds
/// were fetched, else looked up now (fetching only when online and due).
pub(crate) fn pictures(loaded: &Loaded, wanted: &[Wanted], looks: Option<Looks>) -> Pictures {
    let now = chrono::Utc::now();
    let dir = icons_dir(loaded);
    match looks {
        Some(looks) => icons::gather(wanted, looks, &dir, now),
        None => {
            let online = loaded.mode == refresh::Mode::All;
            let fetch = &loaded.site.config.fetch;
            icons::refresh_pictures(wanted, fetch, &dir, online, now)
        }
    }
}
