//! `toluu.toml`: the site configuration, its sections and their defaults, and the checks of
//! its values.

use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::diagnostic::{Diagnostic, key_offset};
use super::feed_options::{RiverLayout, Show};
use super::repository::{self, Repository};
use super::toml_errors::from_str_lenient;

/// The name of the site configuration file.
pub const CONFIG_FILE: &str = "toluu.toml";

/// The built-in themes, by name (the folders of `themes/`; a test of `render::theme` keeps
/// the two the same).
pub const THEMES: [&str; 2] = ["default", "planet"];

/// The site configuration, `toluu.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// The site's title.
    pub title: String,
    /// The absolute URL the site is published at; may carry a path.
    #[serde(default = "default_base_url")]
    pub base_url: String,
    /// One line about the site.
    #[serde(default)]
    pub description: String,
    /// The site's language, as a BCP 47 tag.
    #[serde(default = "default_language")]
    pub language: String,
    /// The theme: `"default"` or a folder under the site's `themes/`.
    #[serde(default = "default_theme")]
    pub theme: String,
    /// How feeds are fetched.
    #[serde(default)]
    pub fetch: FetchConfig,
    /// How the site is built.
    #[serde(default)]
    pub build: BuildConfig,
    /// When a failing feed is shown as failing, and when it is dead.
    #[serde(default)]
    pub health: HealthConfig,
    /// How rivers share their pages between feeds.
    #[serde(default)]
    pub river: RiverConfig,
    /// How feeds are suggested (see [`crate::index::discover`]).
    #[serde(default)]
    pub discover: DiscoverConfig,
    /// The GitHub repository that holds the site, `https://github.com/OWNER/REPO`: pages
    /// then link to GitHub's editor to edit a list or add one (see [`Repository`]).
    #[serde(default)]
    pub repository: Option<String>,
    /// The branch of `repository` the lists are edited on.
    #[serde(default = "default_branch")]
    pub branch: String,
    /// The site directory inside `repository` (`""`: its root).
    #[serde(default)]
    pub site_dir: String,
}

fn default_base_url() -> String {
    "http://localhost/".to_owned()
}
fn default_language() -> String {
    "en".to_owned()
}
fn default_theme() -> String {
    "default".to_owned()
}
fn default_branch() -> String {
    "main".to_owned()
}

impl SiteConfig {
    /// The site's GitHub repository, when `repository` names one.
    pub fn repository(&self) -> Option<Repository> {
        let repository = self.repository.as_deref()?;
        Repository::new(repository, &self.branch, &self.site_dir)
    }
}

/// `[fetch]`: how feeds are fetched.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FetchConfig {
    /// How many feeds are fetched at once.
    pub concurrency: usize,
    /// The total time one request may take, in seconds (connect, headers and body).
    pub timeout_secs: u64,
    /// The time to establish a connection, in seconds.
    pub connect_timeout_secs: u64,
    /// The largest feed body accepted, in bytes, after decompression.
    pub max_bytes: u64,
    /// The most redirects followed for one feed.
    pub max_redirects: usize,
    /// The User-Agent header; the default names toluu and its version.
    pub user_agent: String,
    /// Never fetch: build from the cache alone (like `--offline`).
    pub offline: bool,
    /// The shortest time between two fetches of one feed, in seconds (0: fetch every build).
    pub min_interval_secs: u64,
}

impl Default for FetchConfig {
    fn default() -> Self {
        FetchConfig {
            concurrency: 32,
            timeout_secs: 20,
            connect_timeout_secs: 10,
            max_bytes: 10 * 1024 * 1024,
            max_redirects: 5,
            user_agent: format!("toluu/{}", env!("CARGO_PKG_VERSION")),
            offline: false,
            min_interval_secs: 0,
        }
    }
}

/// `[build]`: how the site is built.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BuildConfig {
    /// Where the site is written, relative to the site directory.
    pub output_dir: PathBuf,
    /// Where the fetch cache lives, relative to the site directory.
    pub cache_dir: PathBuf,
    /// Posts on each page of a river (the home page, a person's, a tag's).
    pub posts_per_page: usize,
    /// The most recent items shown on a feed's page.
    pub items_per_feed: usize,
    /// The most items the site keeps per feed, including those that dropped out of the feed.
    pub keep_items: usize,
    /// Items older than this many days (by date, else by first seen) are forgotten; 0 keeps
    /// them forever (up to `keep_items`).
    pub keep_days: u64,
    /// Keep a redirect at the old page of a person whose list was renamed, from the git
    /// history of `people/` (when the site is a git checkout).
    pub redirects_from_git: bool,
}

impl Default for BuildConfig {
    fn default() -> Self {
        BuildConfig {
            output_dir: PathBuf::from("public"),
            cache_dir: PathBuf::from(".toluu/cache"),
            posts_per_page: 30,
            items_per_feed: 20,
            keep_items: 100,
            keep_days: 365,
            redirects_from_git: true,
        }
    }
}

/// `[health]`: when a failing feed alarms anyone.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HealthConfig {
    /// A feed is shown as failing once it failed this many builds in a row...
    pub grace_builds: u32,
    /// ...or once it has been failing for this many days.
    pub grace_days: u64,
    /// A feed failing this many builds in a row is reported as dead (410 Gone: at once).
    pub dead_after_builds: u32,
}

impl Default for HealthConfig {
    fn default() -> Self {
        HealthConfig {
            grace_builds: 3,
            grace_days: 2,
            dead_after_builds: 50,
        }
    }
}

/// `[river]`: fairness, so that no feed takes over a river.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RiverConfig {
    /// The most posts one feed shows on one page of a river while other feeds have posts to
    /// show; its further posts move to the next pages. 0: no limit.
    pub max_per_feed_per_page: usize,
    /// The most posts of its backlog (posts dated before toluu first fetched it) a newly
    /// added feed contributes to the rivers. 0: no limit.
    pub new_feed_items: usize,
    /// The most pages of a person's or a tag's river; older posts stay on the feeds' own pages
    /// and in the site's river. 0: no limit.
    pub max_pages: usize,
    /// How posts appear, for the feeds whose lists do not say (`show` in `[[feeds]]`).
    pub show: Show,
    /// How the site's river lays its posts out.
    pub layout: RiverLayout,
}

impl Default for RiverConfig {
    fn default() -> Self {
        RiverConfig {
            max_per_feed_per_page: 3,
            new_feed_items: 3,
            max_pages: 5,
            show: Show::Excerpt,
            layout: RiverLayout::Compact,
        }
    }
}

/// `[discover]`: how suggestions are ranked and how many are shown.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DiscoverConfig {
    /// Suggested feeds on each person's page (and from `toluu suggest`).
    pub suggestions_per_person: usize,
    /// Related feeds on each feed's page ("Readers also read").
    pub related_per_feed: usize,
    /// Similar people on each person's page ("Reads like you").
    pub similar_people: usize,
    /// How many most similar people (by list cosine) vote for a person's suggestions.
    pub neighbours: usize,
    /// Shrinkage λ of the feed–feed similarity `c/r · c/(c + λ)` for `c` shared readers of `r`.
    pub shrinkage: f64,
    /// Readers of one feed looked at, at most: bigger reader sets are sampled (every k-th
    /// reader in a fixed order), so the cost grows with follows, not with people².
    pub max_readers_sampled: usize,
    /// Weight of the people signal (user-kNN).
    pub weight_people: f64,
    /// Weight of the feed signal (feed–feed co-readership).
    pub weight_feeds: f64,
    /// Weight of the content signal (tags and text, TF-IDF cosine).
    pub weight_content: f64,
    /// Show "added most recently" on `/discover/` from the lists' git history (when the site
    /// is a git checkout).
    pub recent_from_git: bool,
    /// Weight of the popularity prior, `ln(1 + readers) / ln(1 + most readers)`, added to
    /// feeds that another signal already found.
    pub weight_popularity: f64,
    /// Count the spellings of one feed (`http`/`https`, `www.`, a trailing slash, FeedBurner)
    /// as one feed in discovery (see `discover::spellings`).
    pub merge_spellings: bool,
    /// Look for the feeds of the sites the posts link to and the blogrolls list (see
    /// `index::links`), and show them as "Mentioned by what you read".
    pub follow_links: bool,
    /// Sites visited per build, at most, for each kind of visit (linked sites, blogrolls).
    pub max_new_sites: usize,
    /// Days before a visited site is visited again.
    pub follow_retry_days: u32,
    /// Seconds all the visits of one build may take together (and any one request).
    pub follow_timeout_secs: u64,
    /// Feeds found through links suggested on each person's page (after the others).
    pub link_suggestions_per_person: usize,
}

impl Default for DiscoverConfig {
    fn default() -> Self {
        DiscoverConfig {
            suggestions_per_person: 10,
            related_per_feed: 5,
            similar_people: 5,
            neighbours: 50,
            shrinkage: 5.0,
            max_readers_sampled: 50,
            weight_people: 1.0,
            weight_feeds: 1.0,
            weight_content: 0.2,
            weight_popularity: 0.25,
            recent_from_git: true,
            merge_spellings: true,
            follow_links: true,
            max_new_sites: 30,
            follow_retry_days: 7,
            follow_timeout_secs: 20,
            link_suggestions_per_person: 3,
        }
    }
}

/// Loads and checks `toluu.toml`; returns every problem found.
pub fn load_config(root: &Path) -> Result<SiteConfig, Vec<Diagnostic>> {
    let rel = Path::new(CONFIG_FILE);
    let text =
        fs::read_to_string(root.join(CONFIG_FILE)).map_err(|e| vec![unreadable(root, &e)])?;
    let (config, mut problems) = from_str_lenient::<SiteConfig>(rel, &text);
    let Some(config) = config else {
        return Err(problems);
    };
    for (key, message) in value_problems(&config) {
        let offset = key_offset(&text, key).unwrap_or(0);
        problems.push(Diagnostic::at(rel, &text, offset, message));
    }
    if problems.is_empty() {
        Ok(config)
    } else {
        Err(problems)
    }
}

/// The problems of values that read well but mean nothing (a theme that does not exist, a
/// language that is not a tag), each with the key it is at.
fn value_problems(config: &SiteConfig) -> Vec<(&'static str, String)> {
    let mut problems = Vec::new();
    let mut problem = |key: &'static str, message: String| problems.push((key, message));
    match url::Url::parse(&config.base_url) {
        Ok(u) if matches!(u.scheme(), "http" | "https") => {}
        _ => problem(
            "base_url",
            format!(
                "base_url '{}' is not an absolute http(s) URL, expected e.g. 'https://example.org/'",
                config.base_url
            ),
        ),
    }
    if !THEMES.contains(&config.theme.as_str()) {
        problem(
            "theme",
            format!(
                "unknown theme '{}', expected one of: {}",
                config.theme,
                THEMES.join(", ")
            ),
        );
    }
    if oxilangtag::LanguageTag::parse(config.language.as_str()).is_err() {
        problem(
            "language",
            format!(
                "language '{}' is not a language tag (BCP 47), expected e.g. 'en', 'en-GB' or 'pt-BR'",
                config.language
            ),
        );
    }
    if config.fetch.concurrency == 0 {
        problem(
            "concurrency",
            "fetch.concurrency must be at least 1".to_owned(),
        );
    }
    if config.build.posts_per_page == 0 {
        problem(
            "posts_per_page",
            "build.posts_per_page must be at least 1".to_owned(),
        );
    }
    problems.extend(repository::problems(
        config.repository.as_deref(),
        &config.branch,
        &config.site_dir,
    ));
    problems
}

/// Why `toluu.toml` of `root` cannot be read, in words that say what to do: a directory that
/// does not exist, or is not a site, can be made one with `toluu init`.
fn unreadable(root: &Path, e: &std::io::Error) -> Diagnostic {
    let init = format!("create a site there with `toluu init {}`", root.display());
    if e.kind() == std::io::ErrorKind::NotFound && !root.is_dir() {
        Diagnostic::path(root, format!("no such directory; {init}"))
    } else if e.kind() == std::io::ErrorKind::NotFound {
        Diagnostic::path(
            root,
            format!(
                "not a toluu site: it has no {CONFIG_FILE}; run toluu in the site directory, or {init}"
            ),
        )
    } else {
        Diagnostic::path(
            &root.join(CONFIG_FILE),
            format!("cannot read the site configuration: {e}"),
        )
    }
}

/// What `toluu check` warns about in a configuration that loads: a `base_url` still at
/// `localhost`, so that the feeds and blogrolls would link there.
pub fn config_warnings(root: &Path, config: &SiteConfig) -> Vec<Diagnostic> {
    let local = url::Url::parse(&config.base_url)
        .is_ok_and(|u| matches!(u.host_str(), Some("localhost" | "127.0.0.1" | "[::1]")));
    if !local {
        return Vec::new();
    }
    let message = format!(
        "base_url is '{}': the Atom feeds, blogrolls and sitemap will link there; set it to \
         where the site is published, e.g. base_url = \"https://you.github.io/reading/\" \
         (a build with --base-url, as the publish workflow's, overrides it)",
        config.base_url
    );
    let text = fs::read_to_string(root.join(CONFIG_FILE)).unwrap_or_default();
    vec![match key_offset(&text, "base_url") {
        Some(at) => Diagnostic::at(Path::new(CONFIG_FILE), &text, at, message),
        None => Diagnostic::path(Path::new(CONFIG_FILE), message),
    }]
}
