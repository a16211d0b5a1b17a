//! Why a feed is suggested: the fact behind its strongest signal, with counts taken from the
//! full reader sets (never from a sample), and the same fact in words.

use super::Model;
use super::Related;
use super::neighbours::Neighbour;

/// Why a feed is suggested; every variant states facts that hold in the input.
#[derive(Debug, Clone, PartialEq)]
pub enum Reason {
    /// `shared` of the `of` other readers of the person's feed `via` also read it.
    AlsoRead {
        /// The person's feed.
        via: u32,
        /// Readers of both `via` and the suggestion.
        shared: u32,
        /// Readers of `via` other than the person.
        of: u32,
    },
    /// `readers` of the person's `of` nearest neighbours read it, among them `example`, whose
    /// list has `common` feeds in common with the person's.
    ReadLikeYou {
        /// Neighbours who read it.
        readers: u32,
        /// Neighbours.
        of: u32,
        /// The most similar neighbour who reads it.
        example: u32,
        /// Feeds `example` and the person both read.
        common: u32,
    },
    /// The suggestion carries `terms`, and so do `feeds` of the person's feeds (each at least
    /// one of them). `tags` says whether the terms are tags or words of the feeds' text.
    Shares {
        /// True for tags, false for words of the feeds' own text.
        tags: bool,
        /// The terms, strongest first.
        terms: Vec<String>,
        /// How many of the person's feeds carry at least one of them.
        feeds: u32,
    },
    /// One of the most read feeds: a filler where the other signals leave the list short.
    Popular {
        /// Its readers.
        readers: u32,
    },
}

impl Reason {
    /// The reason in words, given the feeds' titles and the people's names.
    pub fn text(&self, feed_title: impl Fn(u32) -> String, name: impl Fn(u32) -> String) -> String {
        match self {
            Reason::AlsoRead { via, shared, of } => {
                let title = feed_title(*via);
                if of == shared && *of == 1 {
                    format!("read by the other reader of {title}")
                } else if of == shared && *of == 2 {
                    format!("read by both people who also read {title}")
                } else {
                    format!(
                        "read by {shared} of the {} who also read {title}",
                        people(*of)
                    )
                }
            }
            Reason::ReadLikeYou {
                readers,
                of,
                example,
                common,
            } => {
                let common = if *common == 1 {
                    "1 feed".to_owned()
                } else {
                    format!("{common} feeds")
                };
                if *of == 1 {
                    format!(
                        "read by {}, the one person whose list is most like yours ({common} in common)",
                        name(*example)
                    )
                } else {
                    format!(
                        "read by {readers} of the {} whose lists are most like yours, among them {} ({common} in common)",
                        people(*of),
                        name(*example),
                    )
                }
            }
            Reason::Shares {
                tags: true,
                terms,
                feeds: n,
            } => format!(
                "shares the tag{} {} with {}",
                if terms.len() == 1 { "" } else { "s" },
                list(terms),
                your_feeds(*n)
            ),
            Reason::Shares {
                tags: false,
                terms,
                feeds: n,
            } => format!("writes about {}, like {}", list(terms), your_feeds(*n)),
            Reason::Popular { readers } => {
                format!("one of the most read feeds here ({})", people(*readers))
            }
        }
    }
}

fn people(n: u32) -> String {
    if n == 1 {
        "1 person".to_owned()
    } else {
        format!("{n} people")
    }
}

fn your_feeds(n: u32) -> String {
    if n == 1 {
        "1 of your feeds".to_owned()
    } else {
        format!("{n} of your feeds")
    }
}

fn list(terms: &[String]) -> String {
    match terms {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

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

#[cfg(test)]
pub(super) mod check {
    //! The check every discovery test runs: each reason states facts that hold in the input.

    use super::super::{Community, Discovery};
    use super::Reason;

    fn reads(c: &Community, p: usize, f: u32) -> bool {
        c.lists[p].contains(&f)
    }

    /// Every reason states facts that hold in the input, counted on the full lists.
    pub(in super::super) fn assert_reasons_true(c: &Community, d: &Discovery) {
        let readers = |f: u32| (0..c.lists.len()).filter(|&p| reads(c, p, f)).count() as u32;
        for (p, list) in d.suggestions.iter().enumerate() {
            for s in list {
                assert!(!reads(c, p, s.feed), "suggests a feed {p} reads");
                match &s.reason {
                    Reason::AlsoRead { via, shared, of } => {
                        assert!(reads(c, p, *via));
                        assert_eq!(*of, readers(*via) - 1);
                        let both = (0..c.lists.len())
                            .filter(|&q| reads(c, q, *via) && reads(c, q, s.feed))
                            .count() as u32;
                        assert_eq!(*shared, both);
                    }
                    Reason::ReadLikeYou {
                        readers: k,
                        of,
                        example,
                        common,
                    } => {
                        let e = *example as usize;
                        assert!(reads(c, e, s.feed));
                        let inter = c.lists[p].iter().filter(|&&f| reads(c, e, f)).count() as u32;
                        assert_eq!(*common, inter);
                        assert!(k <= of && *k >= 1);
                    }
                    Reason::Shares { terms, feeds, .. } => {
                        assert!(!terms.is_empty() && *feeds >= 1);
                    }
                    Reason::Popular { readers: r } => assert_eq!(*r, readers(s.feed)),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Reason;

    fn text(r: &Reason) -> String {
        r.text(|f| format!("Feed {f}"), |p| format!("Person {p}"))
    }

    #[test]
    fn reasons_in_words() {
        let also = |shared, of| Reason::AlsoRead { via: 7, shared, of };
        assert_eq!(text(&also(1, 1)), "read by the other reader of Feed 7");
        assert_eq!(
            text(&also(2, 2)),
            "read by both people who also read Feed 7"
        );
        assert_eq!(
            text(&also(4, 6)),
            "read by 4 of the 6 people who also read Feed 7"
        );
        assert_eq!(
            text(&Reason::ReadLikeYou {
                readers: 3,
                of: 7,
                example: 2,
                common: 4
            }),
            "read by 3 of the 7 people whose lists are most like yours, among them Person 2 (4 feeds in common)"
        );
        assert_eq!(
            text(&Reason::ReadLikeYou {
                readers: 1,
                of: 1,
                example: 2,
                common: 1
            }),
            "read by Person 2, the one person whose list is most like yours (1 feed in common)"
        );
        assert_eq!(
            text(&Reason::Shares {
                tags: true,
                terms: vec!["rust".into(), "database".into()],
                feeds: 5
            }),
            "shares the tags rust and database with 5 of your feeds"
        );
        assert_eq!(
            text(&Reason::Shares {
                tags: false,
                terms: vec!["compiler".into()],
                feeds: 1
            }),
            "writes about compiler, like 1 of your feeds"
        );
        assert_eq!(
            text(&Reason::Popular { readers: 12 }),
            "one of the most read feeds here (12 people)"
        );
    }
}
