//! The small values the renderer prepares once and many pages show: links, readers' badges
//! and posts' dates.

use serde::Serialize;

/// A link to a page of the site, by its title.
#[derive(Serialize, Clone)]
pub(super) struct Link {
    pub(super) title: String,
    pub(super) path: String,
}

/// A link to a feed's page, with its icon.
#[derive(Serialize, Clone)]
pub(super) struct FeedLink {
    pub(super) title: String,
    pub(super) path: String,
    /// The feed's icon (a local file, or its monogram), from the site root.
    pub(super) icon: String,
}

/// A reader as a badge shows them.
#[derive(Serialize, Clone)]
pub(super) struct ReaderView {
    pub(super) name: String,
    pub(super) path: String,
    pub(super) initials: String,
    /// Their face (a local copy of their avatar, or their monogram), from the site root.
    pub(super) face: String,
}

/// A post's dates as pages show them, formatted once per build.
#[derive(Serialize)]
pub(super) struct PostDates {
    pub(super) iso: String,
    pub(super) text: String,
}
