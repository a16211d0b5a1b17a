//! Discovery: suggested feeds for each person, related feeds ("readers also read"), similar
//! people ("reads like you") and hidden gems, from who reads what and, when known, what the
//! feeds are about (tags and their own text).
//!
//! Pure functions over plain data: no I/O here. Every ranking is sorted with a full tie-break
//! (score, then feed or person id), so the same [`Community`] always gives the same
//! [`Discovery`], whatever the number of threads. The formula is documented in README.md
//! ("Discovery"). [`discover`] works on plain ids; [`discover_index`] runs it over a site's
//! index, one feed per group of spellings.
//!
//! The parts: `input` and `results` (the plain data in and out), `compute` (the run, over
//! `model`, the prepared input), `readership` (who reads what, sampled), `related` (feed–feed),
//! `neighbours` (person–person), `content` (TF-IDF over tags and text), `suggestions` (the
//! blend), `reasons` and `explain` (why, in facts and words), `gems` (for `/discover/`), `site`
//! and `spellings` (from the site's lists and back).

mod compute;
mod content;
mod explain;
mod gems;
mod input;
mod model;
mod neighbours;
mod order;
mod readership;
mod reasons;
mod related;
pub(super) mod results;
mod scratch;
pub(super) mod site;
mod spellings;
mod suggestions;

pub use crate::site::DiscoverConfig;
pub use compute::discover;
pub use input::{Community, FeedContent};
pub use reasons::Reason;
pub use results::{Discovery, Gem, Related, Similar, Suggestion};
pub use site::{community, discover_index, discover_index_with, tag_terms, words};
pub use spellings::representatives;

#[cfg(test)]
mod check;
