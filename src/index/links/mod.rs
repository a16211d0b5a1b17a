//! Discovery beyond the lists: the sites that the posts people read link to, and that the
//! blogrolls of their sites list ([`linked_sites`], pure, from the index), then, once the
//! refresh stage has found the feeds of the best of them
//! ([`crate::refresh::follow`]), the feeds shown on `/discover/` ("Mentioned by what you
//! read") and on each person's page, each with its reason in facts ([`mentioned`],
//! [`for_people`]).
//!
//! A site is a host (without `www.`) and its port. What every post links to says nothing:
//! the platforms of [`PLATFORMS`], and any site linked from more than half of the feeds
//! (when at least [`MIN_FEEDS_FOR_HALF_RULE`] feeds have posts), are left out; so are the
//! sites of the lists' own feeds.

mod collect;
pub mod model;
mod suggest;

pub use collect::{FeedPostLinks, PostLinks, feed_links, feed_links_key, linked_sites, post_links};
pub use model::{
    FoundFeed, LinkSuggestion, LinkedSite, MIN_FEEDS_FOR_HALF_RULE, Mentioned, PLATFORMS,
    is_platform, site_key,
};
pub use suggest::{for_people, mentioned, person_reason, site_reason};
