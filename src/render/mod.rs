//! Rendering the index into pages: HTML through the theme's tera templates, Atom, OPML and the
//! sitemap directly. Pages render in parallel; templates are compiled once.
//!
//! This module holds the renderer and the pipeline (every page job rendered, in parallel, and
//! handed to the writer); `pages` says what each page is made of, `syndication` writes the
//! Atom, OPML and sitemap files, `discover` the discovery views, and `ahead` the
//! fingerprints that let a build render ahead from the cache.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{DateTime, Utc};
use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera};

use crate::index::{FeedInfo, PostRef, SiteIndex, search};
use crate::render::theme::Theme;
use crate::render::xml::escape;
use crate::site::{Site, SiteConfig};
use opml::{BlogrollEntry, write_blogroll};

mod ahead;
mod discover;
pub mod markdown;
pub mod opml;
mod pages;
pub mod status;
mod syndication;
pub mod theme;
pub mod xml;

pub use ahead::Ahead;
use ahead::{Fingerprint, Vars};

/// A file of the built site: its path relative to the output root and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Path relative to the output directory, with `/` separators.
    pub path: String,
    /// The content.
    pub bytes: Vec<u8>,
}

/// How many posts the site's Atom feed carries.
const ATOM_ENTRIES: usize = 50;

/// How many posts a person's (or a tag's) Atom feed carries: there are many of them.
const ATOM_ENTRIES_SMALL: usize = 20;

/// How many readers a post shows by name; the rest are counted. A feed read by hundreds of
/// people must not put hundreds of badges on every one of its posts.
const POST_READERS: usize = 4;

/// The theme's stylesheet for Atom and OPML files, at the root of the output.
pub const XSL_FILE: &str = "feed.xsl";

#[derive(Serialize)]
struct SiteView<'a> {
    title: &'a str,
    description: &'a str,
    language: &'a str,
    base_url: String,
    generator: String,
}

#[derive(Serialize, Clone)]
struct Link {
    title: String,
    path: String,
}

#[derive(Serialize, Clone)]
struct ReaderView {
    name: String,
    path: String,
    initials: String,
    avatar: Option<String>,
}

#[derive(Serialize)]
struct PostView<'a> {
    title: &'a str,
    link: Option<&'a str>,
    feed: &'a Link,
    author: Option<&'a str>,
    date_iso: Option<&'a str>,
    date_text: Option<&'a str>,
    excerpt: &'a str,
    /// The full content (sanitized HTML), when the feed publishes more than the excerpt shows.
    content_html: Option<&'a str>,
    /// How many readers of the post's feed are not shown by name (only the first
    /// [`POST_READERS`] are).
    readers_more: usize,
    /// The "Read by" block of the post's feed, already rendered by the `toluu.readers`
    /// component for this page (the same for every post of the feed).
    readers_html: std::borrow::Cow<'a, str>,
}

impl PostView<'_> {
    /// Feeds every field into `f` but the "Read by" block (hashed apart: it is the same for
    /// every post of a feed). Written field by field, not through serde: a post is on many
    /// pages, and this runs for each of them.
    fn fingerprint_into(&self, f: &mut Fingerprint) {
        // Destructured so that a new field cannot be left out of the fingerprint.
        let PostView {
            title,
            link,
            feed:
                Link {
                    title: feed_title,
                    path: feed_path,
                },
            author,
            date_iso,
            date_text,
            excerpt,
            content_html,
            readers_more,
            readers_html: _,
        } = self;
        f.text(title)
            .maybe(*link)
            .text(feed_title)
            .text(feed_path)
            .maybe(*author)
            .maybe(*date_iso)
            .maybe(*date_text)
            .text(excerpt)
            .maybe(*content_html)
            .text(&readers_more.to_string());
    }
}

/// A post's dates as pages show them, formatted once per build.
struct PostDates {
    iso: String,
    text: String,
}

/// How deep a page may sit for its feeds' "Read by" blocks to be rendered once and reused;
/// deeper pages (none of the built-in ones) render the block for each post.
const READERS_DEPTHS: usize = 6;

#[derive(Serialize, Clone)]
struct TagRef {
    name: String,
    path: String,
}

#[derive(Serialize)]
struct FeedSummary<'a> {
    title: &'a str,
    path: String,
    site_link: Option<&'a str>,
    xml_url: &'a str,
    description: Option<&'a str>,
    tags: Vec<TagRef>,
    readers: &'a [ReaderView],
    readers_count: usize,
    item_count: usize,
    last_post_text: Option<String>,
    failing: bool,
}

#[derive(Serialize)]
struct StatusView {
    state: &'static str,
    /// The feed's health word ("ok", "failing", "moved", "dead"...), as on `/status/`.
    health: &'static str,
    failures: u32,
    failing_since_text: Option<String>,
    moved_to: Option<String>,
    error: Option<String>,
    http_status: Option<u16>,
    fetched_at_text: Option<String>,
    last_success_text: Option<String>,
}

impl StatusView {
    /// The status of a feed that is fine, without the details of this build's fetch.
    fn healthy() -> Self {
        StatusView {
            state: "ok",
            health: crate::refresh::health::HealthState::Ok.word(),
            failures: 0,
            failing_since_text: None,
            moved_to: None,
            error: None,
            http_status: None,
            fetched_at_text: None,
            last_success_text: None,
        }
    }
}

#[derive(Serialize)]
struct Pagination {
    number: usize,
    total: usize,
    first: String,
    prev: Option<String>,
    next: Option<String>,
    last: String,
}

/// Formats a date for people: `5 Nov 2026`.
fn date_text(d: DateTime<Utc>) -> String {
    d.format("%-d %b %Y").to_string()
}

fn date_iso(d: DateTime<Utc>) -> String {
    d.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The relative prefix from a page at `page_path` to the site root.
fn root_for(page_path: &str) -> String {
    let depth = page_path.matches('/').count();
    if depth == 0 {
        "./".to_owned()
    } else {
        "../".repeat(depth)
    }
}

fn initials(name: &str) -> String {
    let mut words = name.split_whitespace().filter_map(|w| w.chars().next());
    let first = words.next();
    let last = words.next_back();
    first
        .into_iter()
        .chain(last)
        .flat_map(char::to_uppercase)
        .collect()
}

/// Everything a page needs besides its own variables, prepared once.
struct Renderer<'a> {
    tera: Tera,
    index: &'a SiteIndex,
    config: &'a SiteConfig,
    base_url: String,
    extra_pages: Vec<Link>,
    readers_of_feed: Vec<Vec<ReaderView>>,
    tag_paths: BTreeMap<String, String>,
    /// For each feed, for each item: whether its content says more than its excerpt.
    full_content: Vec<Vec<bool>>,
    /// For each feed, for each item: its dates, formatted.
    dates: Vec<Vec<Option<PostDates>>>,
    /// For each feed: the link to its page.
    feed_links: Vec<Link>,
    /// Whether pages are fingerprinted (when rendering ahead, or after rendering ahead).
    fingerprints: bool,
    /// For each feed, for each item: the digest of its post, without and with its full
    /// content, computed on first use (only when pages are fingerprinted).
    post_digests: Vec<Vec<[std::sync::OnceLock<[u8; 32]>; 2]>>,
    /// For each feed and page depth: the digest of its "Read by" block, on first use.
    readers_digests: Vec<[std::sync::OnceLock<[u8; 32]>; READERS_DEPTHS]>,
    /// For each feed and page depth: its posts' "Read by" block, rendered on first use. A
    /// post is on several pages (its feed's, the river, each reader's), and this block is
    /// the most expensive part of it.
    readers_html: Vec<[std::sync::OnceLock<Result<String, String>>; READERS_DEPTHS]>,
}

/// A page to render: the template, where it goes, and its own variables.
struct PageJob {
    template: &'static str,
    path: String,
    title: String,
    description: String,
    section: &'static str,
    atom_path: String,
    opml_path: String,
    /// The page's own template variables.
    vars: Vars,
    /// The page's posts, turned into template values only when the page renders: a site of
    /// thousands of pages never holds all their posts as values at once.
    posts: Option<Vec<PostRef>>,
    /// Whether the posts carry their full content ("Read more"): on the site's river and on
    /// a feed's own page, not again on every person's and tag's river.
    full_content: bool,
}

/// Renders the whole site. `base_url` overrides the configured one (for previews).
pub fn render_site(
    site: &Site,
    index: &SiteIndex,
    theme: &Theme,
    base_url: &str,
) -> Result<Vec<OutputFile>, String> {
    let files = std::sync::Mutex::new(Vec::new());
    render_site_into(site, index, theme, base_url, None, &|file| {
        files.lock().map_err(|e| e.to_string())?.push(file);
        Ok(())
    })?;
    let mut files = files.into_inner().map_err(|e| e.to_string())?;
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// Where rendered files go: called from several threads, in no set order.
pub type Sink<'a> = &'a (dyn Fn(OutputFile) -> Result<(), String> + Sync);

/// What [`render_site_into`] did.
#[derive(Debug, Default)]
pub struct RenderedSite {
    /// How many files the site has.
    pub files: usize,
    /// How many pages rendered ahead were kept as they were.
    pub kept: usize,
    /// Pages rendered ahead that the site no longer has: the caller removes them.
    pub stale: Vec<String>,
}

/// Renders the whole site, handing each file to `sink` as soon as it is rendered (pages are
/// rendered in parallel, so `sink` is called from several threads, in no set order); the site
/// is never held in memory at once. A page that `ahead` (see [`render_pages_ahead`]) already
/// wrote from the same inputs is not rendered again.
pub fn render_site_into(
    site: &Site,
    index: &SiteIndex,
    theme: &Theme,
    base_url: &str,
    ahead: Option<&Ahead>,
    sink: Sink<'_>,
) -> Result<RenderedSite, String> {
    let (renderer, pages) = Renderer::new(site, index, theme, base_url, ahead.is_some())?;
    let mut jobs = renderer.page_jobs(&pages);
    let statics = theme.static_files(&site.root)?;
    let emit = Emitter::new(&statics, sink);
    // The pages of this site, to tell which pages rendered ahead it no longer has.
    let page_paths: std::collections::HashSet<String> = match ahead {
        Some(_) => jobs
            .iter()
            .map(|job| format!("{}index.html", job.path))
            .collect(),
        None => Default::default(),
    };
    let sitemap = renderer.sitemap(jobs.iter().map(|job| job.path.as_str()));
    let kept = AtomicUsize::new(0);
    jobs.par_drain(..)
        .try_for_each(|job| match renderer.render(job, ahead, false)? {
            Page::Kept => {
                kept.fetch_add(1, Ordering::Relaxed);
                emit.count_kept();
                Ok(())
            }
            Page::Rendered(file, _) => emit.emit(file).map(drop),
        })?;
    emit.emit(renderer.render_404()?)?;
    for file in renderer.xml_files() {
        emit.emit(file)?;
    }
    emit.emit(sitemap)?;
    emit.emit(OutputFile {
        path: search::SEARCH_PATH.to_owned(),
        bytes: search::search_index(index),
    })?;
    let mut files = emit.count.into_inner();
    for (path, bytes) in statics {
        sink(OutputFile { path, bytes })?;
        files += 1;
    }
    let mut stale: Vec<String> = ahead
        .map(|a| {
            a.paths()
                .filter(|p| !page_paths.contains(*p))
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    stale.sort();
    Ok(RenderedSite {
        files,
        kept: kept.into_inner(),
        stale,
    })
}

/// Renders the HTML pages only (not the Atom, OPML, sitemap, search index or static files),
/// handing each to `sink`, and returns their fingerprints: a build renders ahead from the
/// cache while it fetches, then [`render_site_into`] renders only what changed. A page that
/// fails here is left out (the final rendering reports it if it still fails); every page that
/// was handed over is in the result, so that the final rendering can remove it if the site no
/// longer has it.
pub fn render_pages_ahead(
    site: &Site,
    index: &SiteIndex,
    theme: &Theme,
    base_url: &str,
    sink: Sink<'_>,
) -> Result<Ahead, String> {
    let (renderer, pages) = Renderer::new(site, index, theme, base_url, true)?;
    let mut jobs = renderer.page_jobs(&pages);
    let statics = theme.static_files(&site.root)?;
    let emit = Emitter::new(&statics, sink);
    let ahead = std::sync::Mutex::new(Ahead::default());
    jobs.par_drain(..).for_each(|job| {
        let Ok(Page::Rendered(file, fingerprint)) = renderer.render(job, None, true) else {
            return;
        };
        let path = file.path.clone();
        // A page the sink could not take (a disk error) may be half there: recorded without
        // a fingerprint, it is written again or removed.
        let fingerprint = match emit.emit(file) {
            Ok(false) => return,
            Ok(true) => fingerprint,
            Err(_) => None,
        };
        if let Ok(mut ahead) = ahead.lock() {
            ahead.record(path, fingerprint);
        }
    });
    ahead.into_inner().map_err(|e| e.to_string())
}

/// Hands rendered files to the sink, except those a static file of the theme or the site
/// replaces (static files win over rendered files of the same path), and counts them.
struct Emitter<'a> {
    static_paths: std::collections::HashSet<&'a str>,
    sink: Sink<'a>,
    count: AtomicUsize,
}

impl<'a> Emitter<'a> {
    fn new(statics: &'a [(String, Vec<u8>)], sink: Sink<'a>) -> Self {
        Emitter {
            static_paths: statics.iter().map(|(path, _)| path.as_str()).collect(),
            sink,
            count: AtomicUsize::new(0),
        }
    }

    /// Hands `file` over; `false` when a static file replaces it.
    fn emit(&self, file: OutputFile) -> Result<bool, String> {
        if self.static_paths.contains(file.path.as_str()) {
            return Ok(false);
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        (self.sink)(file)?;
        Ok(true)
    }

    /// Counts a page that is already where it belongs.
    fn count_kept(&self) {
        self.count.fetch_add(1, Ordering::Relaxed);
    }
}

/// What became of a page job.
enum Page {
    /// Rendered, with its fingerprint when one was asked for.
    Rendered(OutputFile, Option<[u8; 32]>),
    /// Rendered ahead from the same inputs: already written.
    Kept,
}

impl<'a> Renderer<'a> {
    /// The renderer of `index`, and the site's extra pages (slug, title, HTML).
    #[allow(clippy::type_complexity)]
    fn new(
        site: &'a Site,
        index: &'a SiteIndex,
        theme: &Theme,
        base_url: &str,
        fingerprints: bool,
    ) -> Result<(Self, Vec<(String, String, String)>), String> {
        let tera = theme.tera(&site.root)?;
        let config = &site.config;
        let base_url = if base_url.ends_with('/') {
            base_url.to_owned()
        } else {
            format!("{base_url}/")
        };
        let pages: Vec<(String, String, String)> = site
            .pages
            .iter()
            .map(|(slug, path)| {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
                let (title, html) = markdown::page(&text, slug);
                Ok((slug.clone(), title, html))
            })
            .collect::<Result<_, String>>()?;
        let readers_of_person: Vec<ReaderView> = index
            .people
            .iter()
            .map(|p| ReaderView {
                name: p.name.clone(),
                path: format!("people/{}/", p.slug),
                initials: initials(&p.name),
                avatar: p.avatar.clone(),
            })
            .collect();
        let readers_of_feed = index
            .feeds
            .iter()
            .map(|f| {
                f.readers
                    .iter()
                    .map(|&r| readers_of_person[r].clone())
                    .collect()
            })
            .collect();
        let tag_paths = index
            .tags
            .iter()
            .map(|t| (t.name.clone(), format!("tags/{}/", t.slug)))
            .collect();
        let renderer = Renderer {
            tera,
            index,
            config,
            base_url,
            extra_pages: pages
                .iter()
                .map(|(slug, title, _)| Link {
                    title: title.clone(),
                    path: format!("{slug}/"),
                })
                .collect(),
            readers_of_feed,
            tag_paths,
            full_content: index
                .feeds
                .par_iter()
                .map(|f| f.items.iter().map(has_more_than_excerpt).collect())
                .collect(),
            dates: index
                .feeds
                .par_iter()
                .map(|f| {
                    f.items
                        .iter()
                        .map(|item| {
                            item.date().map(|d| PostDates {
                                iso: date_iso(d),
                                text: date_text(d),
                            })
                        })
                        .collect()
                })
                .collect(),
            feed_links: index
                .feeds
                .iter()
                .map(|f| Link {
                    title: f.title.clone(),
                    path: format!("feeds/{}/", f.slug),
                })
                .collect(),
            readers_html: index.feeds.iter().map(|_| Default::default()).collect(),
            fingerprints,
            post_digests: if fingerprints {
                index
                    .feeds
                    .iter()
                    .map(|f| f.items.iter().map(|_| Default::default()).collect())
                    .collect()
            } else {
                Vec::new()
            },
            readers_digests: index.feeds.iter().map(|_| Default::default()).collect(),
        };
        Ok((renderer, pages))
    }
}

impl Renderer<'_> {
    fn post<'s>(
        &'s self,
        post: PostRef,
        full_content: bool,
        readers_html: std::borrow::Cow<'s, str>,
    ) -> PostView<'s> {
        let feed = &self.index.feeds[post.feed];
        let item = &feed.items[post.item];
        let readers = self.readers_of_feed[post.feed].len();
        let dates = self.dates[post.feed][post.item].as_ref();
        PostView {
            title: &item.title,
            link: item.link.as_deref(),
            feed: &self.feed_links[post.feed],
            author: item.author.as_deref(),
            date_iso: dates.map(|d| d.iso.as_str()),
            date_text: dates.map(|d| d.text.as_str()),
            excerpt: &item.excerpt,
            content_html: item
                .content_html
                .as_deref()
                .filter(|_| full_content && self.full_content[post.feed][post.item]),
            readers_more: readers.saturating_sub(POST_READERS),
            readers_html,
        }
    }

    /// The posts of a page `depth` directories below the root (`root` leads back up).
    fn posts(
        &self,
        posts: &[PostRef],
        full_content: bool,
        root: &str,
        depth: usize,
    ) -> Result<Vec<PostView<'_>>, String> {
        posts
            .iter()
            .map(|&p| {
                let html = match self.readers_html[p.feed].get(depth) {
                    Some(cell) => cell
                        .get_or_init(|| self.render_readers(p.feed, root))
                        .as_deref()
                        .map_err(Clone::clone)?
                        .into(),
                    None => self.render_readers(p.feed, root)?.into(),
                };
                Ok(self.post(p, full_content, html))
            })
            .collect()
    }

    /// A feed's "Read by" block as it appears under each of its posts on a page whose way
    /// back to the root is `root`.
    fn render_readers(&self, feed: usize, root: &str) -> Result<String, String> {
        let readers = &self.readers_of_feed[feed];
        let mut ctx = Context::new();
        ctx.insert("readers", &readers[..readers.len().min(POST_READERS)]);
        ctx.insert("more", &readers.len().saturating_sub(POST_READERS));
        ctx.insert("root", root);
        self.tera
            .render(Theme::READERS_TEMPLATE, &ctx)
            .map_err(|e| template_error("components.html", Theme::READERS_TEMPLATE, &e))
    }

    fn base_context(&self, root: &str, job: &PageJob) -> Context {
        let mut ctx = Context::new();
        ctx.insert(
            "site",
            &SiteView {
                title: &self.config.title,
                description: &self.config.description,
                language: &self.config.language,
                base_url: self.base_url.clone(),
                generator: format!("toluu {}", env!("CARGO_PKG_VERSION")),
            },
        );
        ctx.insert("root", root);
        ctx.insert("page_path", &job.path);
        ctx.insert("page_title", &job.title);
        ctx.insert("page_description", &job.description);
        ctx.insert("section", job.section);
        ctx.insert("extra_pages", &self.extra_pages);
        ctx.insert("atom_path", &job.atom_path);
        ctx.insert("opml_path", &job.opml_path);
        ctx
    }

    /// Renders a page, unless `ahead` wrote it from the same inputs; with `fingerprint`, also
    /// returns the fingerprint of its inputs.
    fn render(
        &self,
        job: PageJob,
        ahead: Option<&Ahead>,
        fingerprint: bool,
    ) -> Result<Page, String> {
        let root = root_for(&job.path);
        let path = format!("{}index.html", job.path);
        let depth = job.path.matches('/').count();
        let posts = match &job.posts {
            Some(posts) => Some(self.posts(posts, job.full_content, &root, depth)?),
            None => None,
        };
        let fingerprint = if fingerprint || ahead.is_some() {
            let mut f = Fingerprint::new();
            f.text(job.template)
                .text(&job.path)
                .text(&job.title)
                .text(&job.description)
                .text(job.section)
                .text(&job.atom_path)
                .text(&job.opml_path)
                .vars(&job.vars);
            if let (Some(refs), Some(views)) = (&job.posts, &posts) {
                for (p, view) in refs.iter().zip(views) {
                    let digest = self.post_digests[p.feed][p.item][usize::from(job.full_content)]
                        .get_or_init(|| {
                            let mut post = Fingerprint::new();
                            view.fingerprint_into(&mut post);
                            post.finish().unwrap_or_default()
                        });
                    f.bytes(digest);
                    match self.readers_digests[p.feed].get(depth) {
                        Some(cell) => f.bytes(cell.get_or_init(|| {
                            Fingerprint::new()
                                .text(&view.readers_html)
                                .finish()
                                .unwrap_or_default()
                        })),
                        None => f.text(&view.readers_html),
                    };
                }
            }
            f.finish()
        } else {
            None
        };
        if let (Some(ahead), Some(fingerprint)) = (ahead, &fingerprint)
            && ahead.has(&path, fingerprint)
        {
            return Ok(Page::Kept);
        }
        let mut ctx = self.base_context(&root, &job);
        let template = job.template;
        job.vars.into_context(&mut ctx);
        if let Some(posts) = &posts {
            ctx.insert("posts", posts);
        }
        let html = self
            .tera
            .render(template, &ctx)
            .map_err(|e| template_error(template, &path, &e))?;
        let file = OutputFile {
            path,
            bytes: html.into_bytes(),
        };
        Ok(Page::Rendered(file, fingerprint))
    }

    fn render_404(&self) -> Result<OutputFile, String> {
        let job = PageJob {
            template: "404.html",
            path: "404.html".into(),
            title: "Page not found".into(),
            description: "This page does not exist.".into(),
            section: "404",
            atom_path: "atom.xml".into(),
            opml_path: "feeds.opml".into(),
            vars: Vars::default(),
            posts: None,
            full_content: false,
        };
        let root = url::Url::parse(&self.base_url)
            .map(|u| u.path().to_owned())
            .unwrap_or_else(|_| "/".into());
        let mut ctx = self.base_context(&root, &job);
        ctx.insert("page_path", "404.html");
        let html = self
            .tera
            .render("404.html", &ctx)
            .map_err(|e| template_error("404.html", "404.html", &e))?;
        Ok(OutputFile {
            path: "404.html".into(),
            bytes: html.into_bytes(),
        })
    }
}

/// Whether an item's content has more text than its excerpt shows: the feed publishes full
/// content (or at least a longer summary), worth a "read more".
fn has_more_than_excerpt(item: &crate::model::Item) -> bool {
    let Some(html) = &item.content_html else {
        return false;
    };
    let excerpt = item.excerpt.trim_end_matches('…');
    let text = crate::sanitize::excerpt_of_start(html, excerpt.chars().count() + 40);
    text.chars().count() > excerpt.chars().count() + 20
}

fn template_error(template: &str, path: &str, err: &tera::Error) -> String {
    let mut msg = format!("template {template} failed while rendering {path}: {err}");
    let mut source = std::error::Error::source(err);
    while let Some(inner) = source {
        msg.push_str(&format!("\n  caused by: {inner}"));
        source = inner.source();
    }
    msg
}
