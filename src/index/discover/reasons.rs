//! Why a feed is suggested: the facts a reason states, and the same facts in words.

/// Why a feed is suggested; every variant states facts that hold in the input.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
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
