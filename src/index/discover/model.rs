//! The prepared input every ranking reads: who reads what, and the content index.

use super::content::ContentIndex;
use super::readership::Readership;
use crate::site::DiscoverConfig;

/// The prepared input: who reads what, and the content index.
pub(super) struct Model<'a> {
    /// How discovery is tuned.
    pub(super) config: &'a DiscoverConfig,
    /// Who reads what, sampled.
    pub(super) readership: Readership,
    /// The feeds' content vectors.
    pub(super) content: ContentIndex,
}
