//! Finding a suggestion's reason: the fact behind its strongest signal, with counts taken from
//! the full reader sets (never from a sample).

use super::model::Model;
use super::neighbours::Neighbour;
use super::reasons::Reason;
use super::results::Related;

/// What a person's suggestions are explained from.
pub(super) struct Evidence<'e> {
    /// The person's feeds.
    pub(super) mine: &'e [u32],
    /// Their nearest neighbours.
    pub(super) neighbours: &'e [Neighbour],
    /// Every feed's related feeds.
    pub(super) related: &'e [Vec<Related>],
    /// Their content profile.
    pub(super) profile: &'e [(u32, f32)],
}

/// The reason for suggesting `feed`: the fact behind the strongest of its signals `parts`
/// (people, feeds, content, popularity), else its readers.
pub(super) fn explain(model: &Model, feed: u32, parts: [f64; 4], e: &Evidence) -> Reason {
    let r = &model.readership;
    let mut order = [0usize, 1, 2];
    order.sort_by(|&a, &b| parts[b].total_cmp(&parts[a]).then(a.cmp(&b)));
    for signal in order {
        if parts[signal] <= 0.0 {
            break;
        }
        let reason = match signal {
            0 => {
                let readers: Vec<&Neighbour> = e
                    .neighbours
                    .iter()
                    .filter(|n| r.reads(n.person, feed))
                    .collect();
                readers.first().map(|first| Reason::ReadLikeYou {
                    readers: readers.len() as u32,
                    of: e.neighbours.len() as u32,
                    example: first.person,
                    common: first.common,
                })
            }
            1 => e
                .mine
                .iter()
                .filter_map(|&i| {
                    let rel = e.related[i as usize].iter().find(|rel| rel.feed == feed)?;
                    Some((i, rel))
                })
                .max_by(|a, b| a.1.score.total_cmp(&b.1.score).then(b.0.cmp(&a.0)))
                .map(|(i, rel)| Reason::AlsoRead {
                    via: i,
                    shared: rel.shared,
                    of: r.count(i) as u32 - 1,
                }),
            _ => model.content.shared_terms(feed, e.mine, e.profile),
        };
        if let Some(reason) = reason {
            return reason;
        }
    }
    Reason::Popular {
        readers: r.count(feed) as u32,
    }
}
