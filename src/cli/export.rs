//! `toluu export`: the site's feeds (or one person's) as an OPML file.

use std::collections::HashMap;
use std::path::Path;
use std::process::ExitCode;

use super::args::ExportArgs;
use super::exit::fail;
use crate::refresh::cache::Cache;
use crate::render::opml::{BlogrollEntry, write_blogroll};
use crate::site::{self, Person, Site, Subscription};

/// Runs `toluu export`: prints the OPML, or writes it to `--output`.
pub fn run(args: ExportArgs) -> ExitCode {
    let opml = match export_opml(&args.site.dir, args.person.as_deref()) {
        Ok(opml) => opml,
        Err(e) => return fail(&e),
    };
    match args.output {
        Some(path) => match std::fs::write(&path, opml) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(&format!("{}: cannot write: {e}", path.display())),
        },
        None => {
            print!("{opml}");
            ExitCode::SUCCESS
        }
    }
}

/// The site's feeds (or `person`'s) as an OPML 2.0 document. Tags become the `category`
/// attribute; titles come from the cache when the feed was fetched, else the list.
pub fn export_opml(root: &Path, person: Option<&str>) -> Result<String, String> {
    let site = site::load_site(root).map_err(|ds| {
        ds.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    })?;
    let people = chosen_people(&site, person, root)?;
    let feeds = feeds_with_tags(&people);
    let cache = Cache::new(root.join(&site.config.build.cache_dir));
    let known: Vec<(String, Option<String>)> = feeds
        .iter()
        .map(|(sub, _)| title_and_site(&cache, sub))
        .collect();
    let entries: Vec<BlogrollEntry<'_>> = feeds
        .iter()
        .zip(&known)
        .map(|((sub, tags), (title, html))| BlogrollEntry {
            title,
            xml_url: &sub.url,
            html_url: html.as_deref(),
            tags,
        })
        .collect();
    let (title, owner) = match people.as_slice() {
        [p] if person.is_some() => (
            format!("{} — {}", p.name, site.config.title),
            Some(p.name.as_str()),
        ),
        _ => (site.config.title.clone(), None),
    };
    Ok(write_blogroll(&title, owner, &entries))
}

/// Everyone in the site, or only the person `person` names.
fn chosen_people<'a>(
    site: &'a Site,
    person: Option<&str>,
    root: &Path,
) -> Result<Vec<&'a Person>, String> {
    Ok(match person {
        Some(slug) => vec![
            site.people
                .iter()
                .find(|p| p.slug == slug)
                .ok_or_else(|| format!("no person '{slug}' in {}/people", root.display()))?,
        ],
        None => site.people.iter().collect(),
    })
}

/// One entry per feed, with every tag any of the people gave it, in the lists' order (the
/// owner's order for one person, as in their `feeds.opml`; a feed in several lists where it
/// first appears).
fn feeds_with_tags<'a>(people: &[&'a Person]) -> Vec<(&'a Subscription, Vec<String>)> {
    let mut feeds: Vec<(&Subscription, Vec<String>)> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for p in people {
        for sub in &p.feeds {
            let at = *index.entry(&sub.key).or_insert_with(|| {
                feeds.push((sub, Vec::new()));
                feeds.len() - 1
            });
            let tags = &mut feeds[at].1;
            for tag in &sub.tags {
                if !tags.contains(tag) {
                    tags.push(tag.clone());
                }
            }
        }
    }
    feeds
}

/// A feed's title (the list's, else the cached feed's, else its URL) and its site's address.
fn title_and_site(cache: &Cache, sub: &Subscription) -> (String, Option<String>) {
    let cached = cache.load(&sub.key).ok().flatten().and_then(|e| e.feed);
    let title = sub
        .title
        .clone()
        .or_else(|| cached.as_ref().map(|f| f.title.clone()))
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| sub.url.clone());
    (title, cached.and_then(|f| f.site_link))
}
