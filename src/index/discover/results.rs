//! What discovery computes: suggestions with their reasons, related feeds, similar people and
//! hidden gems, on plain ids.

use serde::{Deserialize, Serialize};

use super::reasons::Reason;

/// A score kept by its bits, so that a result read back (from the state's memo, see
/// `pipeline::memo`) ranks and reads exactly as the one computed.
mod bits {
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(x.to_bits())
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        u64::deserialize(d).map(f64::from_bits)
    }
}

/// A suggested feed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Suggestion {
    /// The feed's id.
    pub feed: u32,
    /// The blended score, in `[0, 1]`; higher is better.
    #[serde(with = "bits")]
    pub score: f64,
    /// Why, in facts.
    pub reason: Reason,
}

/// A feed related to another by shared readers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Related {
    /// The related feed's id.
    pub feed: u32,
    /// Readers of both feeds (exact).
    pub shared: u32,
    /// The shrunk share of the first feed's readers who read this one.
    #[serde(with = "bits")]
    pub score: f64,
}

/// A person whose list overlaps another's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Similar {
    /// The person's id.
    pub person: u32,
    /// The feeds both read, by id.
    pub shared: Vec<u32>,
    /// The cosine similarity of the two lists.
    #[serde(with = "bits")]
    pub score: f64,
}

/// A feed few read, suggested to many.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Gem {
    /// The feed's id.
    pub feed: u32,
    /// Its readers.
    pub readers: u32,
    /// How many people have it among their suggestions.
    pub suggested_to: u32,
}

/// Everything discovery computes.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Discovery {
    /// For each person, their suggestions, best first.
    pub suggestions: Vec<Vec<Suggestion>>,
    /// For each feed, the most related feeds, best first.
    pub related: Vec<Vec<Related>>,
    /// For each person, the people who read most like them, best first.
    pub similar: Vec<Vec<Similar>>,
    /// Feeds read by at most two people that are suggested to the most people.
    pub hidden_gems: Vec<Gem>,
    /// For each person, every neighbour who voted for their suggestions (the `neighbours`
    /// people with the highest list cosine), most similar first.
    pub neighbours: Vec<Vec<u32>>,
}
