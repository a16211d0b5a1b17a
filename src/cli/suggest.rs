//! The `toluu suggest` command, which prints the same suggestions as the site (see
//! [`crate::index::discover`]) from the lists and the fetch cache, without fetching; and the feeds
//! added most recently, for `/discover/`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

use serde::Serialize;

use super::args::SuggestArgs;
use super::exit::report_error;
use crate::index::SiteIndex;
use crate::refresh::cache::Cache;
use crate::{Error, index, refresh, site};

/// Options of `toluu suggest`.
#[derive(Debug, Clone, Default)]
pub struct SuggestOptions {
    /// Only this person (by slug).
    pub person: Option<String>,
    /// Suggestions per person, instead of `[discover] suggestions_per_person`.
    pub limit: Option<usize>,
    /// Print JSON instead of text.
    pub json: bool,
}

#[derive(Serialize)]
struct SuggestionJson<'a> {
    url: &'a str,
    score: f64,
    reason: String,
    /// `lists` (a feed someone here reads) or `links` (found through the posts' links).
    source: &'static str,
}

#[derive(Serialize)]
struct RelatedJson<'a> {
    url: &'a str,
    shared_readers: u32,
    score: f64,
}

#[derive(Serialize)]
struct SimilarJson<'a> {
    slug: &'a str,
    score: f64,
    shared_feeds: usize,
}

#[derive(Serialize)]
struct SuggestJson<'a> {
    people: BTreeMap<&'a str, Vec<SuggestionJson<'a>>>,
    related: BTreeMap<&'a str, Vec<RelatedJson<'a>>>,
    similar_people: BTreeMap<&'a str, Vec<SimilarJson<'a>>>,
}

/// Scores are shown with four decimals: enough to rank, short to read.
fn round(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// Runs `toluu suggest`: prints the suggestions.
pub fn run(args: SuggestArgs) -> ExitCode {
    let options = SuggestOptions {
        person: args.person,
        limit: args.limit,
        json: args.json,
    };
    match suggest(&args.dir, &options) {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => report_error(&e),
    }
}

/// `toluu suggest`: loads the lists and whatever the fetch cache holds (never the network),
/// and returns the suggestions as text or JSON.
pub fn suggest(site_dir: &Path, options: &SuggestOptions) -> Result<String, Error> {
    let mut site = site::load_site(site_dir).map_err(Error::Config)?;
    if let Some(limit) = options.limit {
        site.config.discover.suggestions_per_person = limit;
    }
    let cfg = &site.config;
    let cache = Cache::new(site_dir.join(&cfg.build.cache_dir));
    let urls = crate::distinct_feeds(&site);
    let mut states = if cache.dir().is_dir() {
        refresh::refresh_all(&urls, &cfg.fetch, &cfg.build, &cache, true).map_err(Error::Build)?
    } else {
        Vec::new()
    };
    refresh::heads::read_posts(&mut states, &cache);
    let mut index = index::build_index(&site, states, cfg.build.items_per_feed);
    let state_dir = cache.dir().parent().unwrap_or(site_dir);
    // Never the network: only what earlier builds found.
    let _ = crate::pipeline::follow_links(&mut index, cfg, state_dir, false);
    let people: Vec<usize> = match &options.person {
        Some(slug) => vec![
            index
                .people
                .iter()
                .position(|p| &p.slug == slug)
                .ok_or_else(|| {
                    Error::Build(format!(
                        "no person `{slug}` in {}: expected the name of a list under people/",
                        site_dir.display()
                    ))
                })?,
        ],
        None => (0..index.people.len()).collect(),
    };
    Ok(if options.json {
        to_json(&index, &people, options.person.is_some())
    } else {
        to_text(&index, &people)
    })
}

fn reason_text(index: &SiteIndex, reason: &crate::index::discover::Reason) -> String {
    reason.text(
        |f| index.feeds[f as usize].title.clone(),
        |p| index.people[p as usize].name.clone(),
    )
}

fn to_json(index: &SiteIndex, people: &[usize], one_person: bool) -> String {
    let d = &index.discovery;
    let feeds: Vec<usize> = if one_person {
        let mut f: Vec<usize> = people
            .iter()
            .flat_map(|&p| index.subscriptions[p].iter().copied())
            .collect();
        f.sort_unstable();
        f
    } else {
        (0..index.feeds.len()).collect()
    };
    let out = SuggestJson {
        people: people
            .iter()
            .map(|&p| {
                let list = list_suggestions(index, p)
                    .chain(link_suggestions(index, p))
                    .collect();
                (index.people[p].slug.as_str(), list)
            })
            .collect(),
        related: feeds
            .iter()
            .filter(|&&f| !d.related[f].is_empty())
            .map(|&f| {
                let list = d.related[f]
                    .iter()
                    .map(|r| RelatedJson {
                        url: &index.feeds[r.feed as usize].xml_url,
                        shared_readers: r.shared,
                        score: round(r.score),
                    })
                    .collect();
                (index.feeds[f].xml_url.as_str(), list)
            })
            .collect(),
        similar_people: people
            .iter()
            .map(|&p| {
                let list = d.similar[p]
                    .iter()
                    .map(|s| SimilarJson {
                        slug: &index.people[s.person as usize].slug,
                        score: round(s.score),
                        shared_feeds: s.shared.len(),
                    })
                    .collect();
                (index.people[p].slug.as_str(), list)
            })
            .collect(),
    };
    serde_json::to_string_pretty(&out).unwrap_or_default() + "\n"
}

/// The feeds of the lists suggested to person `p`.
fn list_suggestions(index: &SiteIndex, p: usize) -> impl Iterator<Item = SuggestionJson<'_>> {
    index.discovery.suggestions[p]
        .iter()
        .map(move |s| SuggestionJson {
            url: &index.feeds[s.feed as usize].xml_url,
            score: round(s.score),
            reason: reason_text(index, &s.reason),
            source: "lists",
        })
}

/// The feeds found through links suggested to person `p`; their score is the share of the
/// person's feeds that link to them.
fn link_suggestions(index: &SiteIndex, p: usize) -> impl Iterator<Item = SuggestionJson<'_>> {
    let reads = index.subscriptions[p].len().max(1) as f64;
    index
        .link_suggestions
        .get(p)
        .into_iter()
        .flatten()
        .map(move |s| {
            let m = &index.mentioned[s.mentioned];
            SuggestionJson {
                url: &m.feed.url,
                score: round(s.feeds.len() as f64 / reads),
                reason: index::links::person_reason(index, m, s),
                source: "links",
            }
        })
}

fn to_text(index: &SiteIndex, people: &[usize]) -> String {
    let d = &index.discovery;
    let mut out = String::new();
    for &p in people {
        let person = &index.people[p];
        let _ = writeln!(out, "{} ({})", person.slug, person.name);
        if d.suggestions[p].is_empty() {
            let _ = writeln!(out, "  no suggestions yet");
        }
        for (n, s) in d.suggestions[p].iter().enumerate() {
            let feed = &index.feeds[s.feed as usize];
            let _ = writeln!(
                out,
                "  {:>2}. {:.3}  {}  <{}>\n        {}",
                n + 1,
                s.score,
                feed.title,
                feed.xml_url,
                reason_text(index, &s.reason)
            );
        }
        for s in index.link_suggestions.get(p).into_iter().flatten() {
            let m = &index.mentioned[s.mentioned];
            let _ = writeln!(
                out,
                "      found through links: {}  <{}>\n        {}",
                m.feed.title,
                m.feed.url,
                index::links::person_reason(index, m, s)
            );
        }
        let names: Vec<String> = d.similar[p]
            .iter()
            .map(|s| {
                format!(
                    "{} ({} in common)",
                    index.people[s.person as usize].slug,
                    s.shared.len()
                )
            })
            .collect();
        if !names.is_empty() {
            let _ = writeln!(out, "  reads like: {}", names.join(", "));
        }
    }
    out
}
