//! Loading what the user wrote: `toluu.toml`, the lists under `people/` (TOML or OPML) and the
//! pages under `pages/`; TOML diagnostics, lint, `fmt` and the list edits behind `add` and
//! `import`.
//!
//! The first stage: it reads the site directory and hands a [`Site`] (plain, checked data) to
//! the refresh stage. Every problem is collected as a [`Diagnostic`] naming the file, line and
//! column, so that `toluu check` lists them all at once.

pub mod config;
pub mod diagnostic;
pub mod edit;
pub mod feed_options;
pub mod fmt;
pub mod lint;
pub mod lists;
pub mod opml;
pub mod person;
pub mod repository;
pub mod toml_errors;

use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

pub use config::{
    BuildConfig, CONFIG_FILE, DiscoverConfig, FetchConfig, HealthConfig, RiverConfig, SiteConfig,
    config_warnings, load_config,
};
pub use diagnostic::Diagnostic;
pub use feed_options::{FeedOptions, RiverLayout, Show};
pub use person::{Person, Subscription, normalize_tags};
pub use repository::Repository;

use lists::extension;

/// A loaded site: its configuration and everyone's lists, sorted by slug.
#[derive(Debug, Clone)]
pub struct Site {
    /// The site directory.
    pub root: PathBuf,
    /// `toluu.toml`.
    pub config: SiteConfig,
    /// The people, sorted by slug.
    pub people: Vec<Person>,
    /// Extra pages from `pages/*.md`: (slug, file), sorted by slug.
    pub pages: Vec<(String, PathBuf)>,
}

/// Loads `toluu.toml`, every list under `people/` and the names of `pages/*.md`.
/// Returns every problem found, not only the first.
pub fn load_site(root: &Path) -> Result<Site, Vec<Diagnostic>> {
    let mut problems = Vec::new();
    // The lists are checked even when toluu.toml is broken, so every problem shows at once.
    let config = load_config(root)
        .map_err(|mut ds| problems.append(&mut ds))
        .ok();
    let mut people = Vec::new();
    let people_dir = root.join("people");
    if people_dir.is_dir() {
        let mut files: Vec<PathBuf> = walkdir::WalkDir::new(&people_dir)
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| e.into_path())
            .filter(|p| matches!(extension(p), "toml" | "opml"))
            .collect();
        files.sort();
        // Read in parallel (hundreds of lists), kept in file order.
        let loaded: Vec<_> = files
            .par_iter()
            .map(|path| {
                let rel = path.strip_prefix(root).unwrap_or(path).to_owned();
                lists::load_person(path, &rel)
            })
            .collect();
        for result in loaded {
            match result {
                Ok(person) => people.push(person),
                Err(mut ds) => problems.append(&mut ds),
            }
        }
    }
    people.sort_by(|a, b| a.slug.cmp(&b.slug));
    for pair in people.windows(2) {
        if pair[0].slug == pair[1].slug {
            problems.push(Diagnostic::file(
                &pair[1].file,
                format!(
                    "duplicate person '{}': {} already defines this slug",
                    pair[1].slug,
                    pair[0].file.display()
                ),
            ));
        }
    }
    let pages = list_pages(root);
    match config {
        Some(config) if problems.is_empty() => Ok(Site {
            root: root.to_owned(),
            config,
            people,
            pages,
        }),
        _ => Err(problems),
    }
}

fn list_pages(root: &Path) -> Vec<(String, PathBuf)> {
    let Ok(entries) = fs::read_dir(root.join("pages")) else {
        return Vec::new();
    };
    let mut pages: Vec<(String, PathBuf)> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| extension(p) == "md")
        .filter_map(|p| Some((p.file_stem()?.to_str()?.to_owned(), p)))
        .collect();
    pages.sort();
    pages
}

/// Every distinct feed of the site's lists (normalized URLs), sorted.
pub fn distinct_feeds(site: &Site) -> Vec<String> {
    let mut urls: Vec<String> = site
        .people
        .iter()
        .flat_map(|p| p.feeds.iter().map(|f| f.key.clone()))
        .collect();
    urls.sort();
    urls.dedup();
    urls
}
