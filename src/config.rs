//! Loading a site: `toluu.toml` and the reading lists under `people/`.
//!
//! Every problem is collected as a [`Diagnostic`] naming the file, line and column, so that
//! `toluu check` can list them all and `toluu build` can refuse to start with a clear message.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::urls;

/// The name of the site configuration file.
pub const CONFIG_FILE: &str = "toluu.toml";

/// One problem in a site's files, located by file, line and column (both 1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file, relative to the site directory.
    pub file: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub col: usize,
    /// What is wrong and what is expected.
    pub message: String,
    /// The offending line of the file, when there is one.
    pub source_line: Option<String>,
}

impl Diagnostic {
    /// A diagnostic at the byte offset `offset` of `text`.
    pub fn at(file: &Path, text: &str, offset: usize, message: impl Into<String>) -> Self {
        let offset = offset.min(text.len());
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = text[line_start..offset].chars().count() + 1;
        let source_line = text[line_start..].lines().next().map(str::to_owned);
        Diagnostic {
            file: file.to_owned(),
            line,
            col,
            message: message.into(),
            source_line,
        }
    }

    /// A diagnostic about a whole file (line 1, column 1, no excerpt).
    pub fn file(file: &Path, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.to_owned(),
            line: 1,
            col: 1,
            message: message.into(),
            source_line: None,
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file.display(),
            self.line,
            self.col,
            self.message
        )?;
        if let Some(src) = &self.source_line {
            let num = self.line.to_string();
            let pad = " ".repeat(num.len());
            let caret_pad: String = src
                .chars()
                .take(self.col.saturating_sub(1))
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            write!(f, "\n{pad} |\n{num} | {src}\n{pad} | {caret_pad}^")?;
        }
        Ok(())
    }
}

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
    /// How feeds are suggested (see [`crate::discover`]).
    #[serde(default)]
    pub discover: crate::discover::DiscoverConfig,
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
}

impl Default for RiverConfig {
    fn default() -> Self {
        RiverConfig {
            max_per_feed_per_page: 3,
            new_feed_items: 3,
            max_pages: 5,
        }
    }
}

/// A person and their reading list.
#[derive(Debug, Clone)]
pub struct Person {
    /// The file stem of their list, used in URLs.
    pub slug: String,
    /// The file the list came from, relative to the site directory.
    pub file: PathBuf,
    /// Their display name.
    pub name: String,
    /// A short bio, in markdown.
    pub bio: String,
    /// Their home page, if given.
    pub homepage: Option<String>,
    /// Their avatar image URL, if given.
    pub avatar: Option<String>,
    /// The feeds they read, in the order written.
    pub feeds: Vec<Subscription>,
}

/// One feed in a person's list.
#[derive(Debug, Clone)]
pub struct Subscription {
    /// The URL as written in the list.
    pub url: String,
    /// The URL normalized by [`urls::normalize`]: the feed's identity.
    pub key: String,
    /// A title that overrides the feed's own.
    pub title: Option<String>,
    /// The person's tags for this feed, lowercased.
    pub tags: Vec<String>,
    /// Why they read it, in markdown.
    pub note: Option<String>,
}

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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PersonFile {
    // Optional here so that a missing name is reported with the file's other problems.
    #[serde(default)]
    name: Option<Spanned<String>>,
    #[serde(default)]
    bio: String,
    #[serde(default)]
    homepage: Option<Spanned<String>>,
    #[serde(default)]
    avatar: Option<Spanned<String>>,
    /// Where the list came from (for imported lists); informational.
    #[serde(default)]
    #[allow(dead_code)]
    source: Option<String>,
    #[serde(default)]
    feeds: Vec<Spanned<FeedEntry>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FeedEntry {
    #[serde(default)]
    url: Option<Spanned<String>>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    note: Option<String>,
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
        for path in files {
            let rel = path.strip_prefix(root).unwrap_or(&path).to_owned();
            match load_person(&path, &rel) {
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

fn extension(path: &Path) -> &str {
    path.extension().and_then(|e| e.to_str()).unwrap_or("")
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

/// Loads and checks `toluu.toml`; returns every problem found.
pub fn load_config(root: &Path) -> Result<SiteConfig, Vec<Diagnostic>> {
    let rel = Path::new(CONFIG_FILE);
    let text = fs::read_to_string(root.join(CONFIG_FILE)).map_err(|e| {
        vec![Diagnostic::file(
            &root.join(CONFIG_FILE),
            format!("cannot read the site configuration: {e}"),
        )]
    })?;
    let (config, mut problems) = crate::toml_errors::from_str_lenient::<SiteConfig>(rel, &text);
    let Some(config) = config else {
        return Err(problems);
    };
    let at_key = |key: &str| text.find(key).unwrap_or(0);
    match url::Url::parse(&config.base_url) {
        Ok(u) if matches!(u.scheme(), "http" | "https") => {}
        _ => {
            problems.push(Diagnostic::at(
                rel,
                &text,
                at_key("base_url"),
                format!(
                    "base_url '{}' is not an absolute http(s) URL, expected e.g. 'https://example.org/'",
                    config.base_url
                ),
            ));
        }
    }
    if config.fetch.concurrency == 0 {
        problems.push(Diagnostic::at(
            rel,
            &text,
            at_key("concurrency"),
            "fetch.concurrency must be at least 1",
        ));
    }
    if config.build.posts_per_page == 0 {
        problems.push(Diagnostic::at(
            rel,
            &text,
            at_key("posts_per_page"),
            "build.posts_per_page must be at least 1",
        ));
    }
    if problems.is_empty() {
        Ok(config)
    } else {
        Err(problems)
    }
}

fn slug_of(path: &Path) -> String {
    path.file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("")
        .to_owned()
}

fn check_slug(rel: &Path, slug: &str) -> Result<(), Diagnostic> {
    let ok = !slug.is_empty()
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(Diagnostic::file(
            rel,
            format!(
                "file name '{slug}' is not a valid person slug, expected lowercase letters, digits, '-' or '_'"
            ),
        ))
    }
}

fn load_person(path: &Path, rel: &Path) -> Result<Person, Vec<Diagnostic>> {
    let slug = slug_of(path);
    check_slug(rel, &slug).map_err(|d| vec![d])?;
    let text = fs::read_to_string(path)
        .map_err(|e| vec![Diagnostic::file(rel, format!("cannot read: {e}"))])?;
    if extension(path) == "opml" {
        return crate::opml::parse_person(&text, rel, slug);
    }
    let (file, mut problems) = crate::toml_errors::from_str_lenient::<PersonFile>(rel, &text);
    let Some(file) = file else {
        return Err(problems);
    };
    let name = match &file.name {
        Some(name) if name.get_ref().trim().is_empty() => {
            problems.push(Diagnostic::at(
                rel,
                &text,
                name.span().start,
                "name is empty, expected the person's display name",
            ));
            String::new()
        }
        Some(name) => name.get_ref().trim().to_owned(),
        None => {
            problems.push(Diagnostic::file(
                rel,
                "missing `name`, expected the person's display name, e.g. name = \"Ana Lima\"",
            ));
            String::new()
        }
    };
    let mut check_url = |field: &str, value: &Option<Spanned<String>>| -> Option<String> {
        let value = value.as_ref()?;
        match urls::normalize(value.get_ref()) {
            Ok(_) => Some(value.get_ref().trim().to_owned()),
            Err(e) => {
                problems.push(Diagnostic::at(
                    rel,
                    &text,
                    value.span().start,
                    format!("{field}: {e}"),
                ));
                None
            }
        }
    };
    let homepage = check_url("homepage", &file.homepage);
    let avatar = check_url("avatar", &file.avatar);
    let mut feeds: Vec<Subscription> = Vec::new();
    for entry in file.feeds {
        let entry_start = entry.span().start;
        let entry = entry.into_inner();
        let Some(url) = &entry.url else {
            problems.push(Diagnostic::at(
                rel,
                &text,
                entry_start,
                "feed has no `url`, expected e.g. url = \"https://example.org/feed.xml\"",
            ));
            continue;
        };
        let raw = url.get_ref();
        let key = match urls::normalize(raw) {
            Ok(key) => key,
            Err(e) => {
                problems.push(Diagnostic::at(
                    rel,
                    &text,
                    url.span().start,
                    format!("feed url '{raw}': {e}"),
                ));
                continue;
            }
        };
        if feeds.iter().any(|f| f.key == key) {
            problems.push(Diagnostic::at(
                rel,
                &text,
                url.span().start,
                format!("feed '{raw}' is listed twice in this list"),
            ));
            continue;
        }
        feeds.push(Subscription {
            url: raw.trim().to_owned(),
            key,
            title: entry.title.filter(|t| !t.trim().is_empty()),
            tags: normalize_tags(entry.tags),
            note: entry.note.filter(|n| !n.trim().is_empty()),
        });
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Person {
        slug,
        file: rel.to_owned(),
        name,
        bio: file.bio,
        homepage,
        avatar,
        feeds,
    })
}

/// Lowercases and trims tags, drops empty ones and duplicates, keeps the order written.
pub fn normalize_tags(tags: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for tag in tags {
        let tag = tag.trim().to_lowercase();
        if !tag.is_empty() && !out.contains(&tag) {
            out.push(tag);
        }
    }
    out
}
