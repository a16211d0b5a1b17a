//! The site's index: everything the pages show, computed once from the lists and the feeds'
//! states. Feeds are identified by their normalized URL and numbered in a fixed order, so the
//! same input gives the same index. Takes the [`Site`](crate::site::Site) and the refresh
//! stage's states; hands a [`SiteIndex`] to the render stage. Pure: no I/O but the lists'
//! git history (`recent`, `renames`).
//!
//! The parts: `feed` (a feed and a post as the index holds them), `filter` (the lists'
//! per-feed options applied to its posts), `site_index` (the index
//! itself), `build` (how it is built), `river` (the rivers' order), `slug` (page names),
//! `discover`, `recent`, `renames` and `search`.

mod build;
pub mod discover;
mod feed;
mod filter;
pub mod links;
pub mod recent;
pub mod renames;
mod river;
pub mod search;
mod site_index;
mod slug;

pub use build::{build_index, build_index_undiscovered};
pub use feed::{FeedInfo, PostRef, post_mark};
pub use river::{fair_pages, limit_backlog};
pub use site_index::{SiteIndex, TagInfo};
pub use slug::{MAX_SLUG, feed_slug, slugify};
