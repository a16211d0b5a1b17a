//! The renderer: the compiled templates and everything a page needs besides its own
//! variables, prepared once per build (readers' badges, links, dates, which posts say more
//! than their excerpt), with the caches its pages fill as they render.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use rayon::prelude::*;
use tera::Tera;

use super::fingerprints::Fingerprint;
use super::format::{date_iso, date_text, initials, time_text};
use super::markdown;
use super::pictures::site_pictures;
use super::theme::Theme;
use super::views::{FeedLink, Link, PostDates, ReaderView};
use crate::index::{PostRef, SiteIndex};
use crate::site::{Repository, Site, SiteConfig};

/// How deep a page may sit for its feeds' "Read by" blocks to be rendered once and reused;
/// deeper pages (none of the built-in ones) render the block for each post.
pub(super) const READERS_DEPTHS: usize = 6;

/// Everything a page needs besides its own variables, prepared once.
pub(super) struct Renderer<'a> {
    pub(super) tera: Tera,
    pub(super) index: &'a SiteIndex,
    pub(super) config: &'a SiteConfig,
    pub(super) base_url: String,
    pub(super) extra_pages: Vec<Link>,
    pub(super) readers_of_feed: Vec<Vec<ReaderView>>,
    pub(super) tag_paths: BTreeMap<String, String>,
    /// For each feed, for each item: whether its content says more than its excerpt.
    pub(super) full_content: Vec<Vec<bool>>,
    /// For each feed, for each item: its dates, formatted.
    pub(super) dates: Vec<Vec<Option<PostDates>>>,
    /// For each feed: the link to its page, with its icon.
    pub(super) feed_links: Vec<FeedLink>,
    /// For each person: their face, from the site root.
    pub(super) faces: Vec<String>,
    /// The icon and face files.
    pub(super) picture_files: Vec<super::file::OutputFile>,
    /// Whether pages are fingerprinted (when the site is written, not when it is served).
    pub(super) fingerprints: bool,
    /// What every page shares, in each page's fingerprint: the templates, the configuration,
    /// the base URL, the extra pages' links and toluu's version.
    pub(super) salt: [u8; 32],
    /// For each feed, for each item: the digest of its post, without and with its full
    /// content, computed on first use (only when pages are fingerprinted).
    pub(super) post_digests: Vec<Vec<[OnceLock<[u8; 32]>; 2]>>,
    /// For each feed and page depth: the digest of its "Read by" block, on first use.
    pub(super) readers_digests: Vec<[OnceLock<[u8; 32]>; READERS_DEPTHS]>,
    /// For each feed and page depth: its posts' "Read by" block, rendered on first use. A
    /// post is on several pages (its feed's, the river, each reader's), and this block is
    /// the most expensive part of it.
    pub(super) readers_html: Vec<[OnceLock<Result<String, String>>; READERS_DEPTHS]>,
    /// The GitHub repository of the site, when `toluu.toml` names one (see `edits`).
    pub(super) repository: Option<Repository>,
    /// For each person, then each tag: its river, made on first use (its pages and its Atom
    /// file both show it).
    rivers: Vec<OnceLock<Vec<PostRef>>>,
}

/// One of the site's extra pages (`pages/<slug>.md`), read and rendered.
pub(super) struct ExtraPage {
    pub(super) slug: String,
    pub(super) title: String,
    pub(super) html: String,
}

impl<'a> Renderer<'a> {
    /// The renderer of `index`, and the site's extra pages.
    pub(super) fn new(
        site: &'a Site,
        index: &'a SiteIndex,
        theme: &Theme,
        base_url: &str,
        fingerprints: bool,
    ) -> Result<(Self, Vec<ExtraPage>), String> {
        let tera = theme.tera(&site.root)?;
        let base_url = if base_url.ends_with('/') {
            base_url.to_owned()
        } else {
            format!("{base_url}/")
        };
        let pages = read_extra_pages(site)?;
        let pictures = site_pictures(index);
        let renderer = Renderer {
            salt: salt(site, theme, &base_url, &pages, fingerprints)?,
            tera,
            index,
            config: &site.config,
            base_url,
            extra_pages: pages
                .iter()
                .map(|page| Link {
                    title: page.title.clone(),
                    path: format!("{}/", page.slug),
                })
                .collect(),
            readers_of_feed: readers_of_feed(index, &pictures.faces),
            tag_paths: index
                .tags
                .iter()
                .map(|t| (t.name.clone(), format!("tags/{}/", t.slug)))
                .collect(),
            full_content: full_content(index),
            dates: dates(index),
            feed_links: feed_links(index, &pictures.feed_icons),
            faces: pictures.faces,
            picture_files: pictures.files,
            readers_html: index.feeds.iter().map(|_| Default::default()).collect(),
            rivers: (0..index.people.len() + index.tags.len())
                .map(|_| OnceLock::new())
                .collect(),
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
            repository: site.config.repository(),
        };
        Ok((renderer, pages))
    }
}

impl Renderer<'_> {
    /// The river of person `p`'s feeds, made once.
    pub(super) fn person_river(&self, p: usize) -> &[PostRef] {
        self.rivers[p].get_or_init(|| self.index.river_of(&self.index.subscriptions[p]))
    }

    /// The river of the `t`-th tag's feeds, made once.
    pub(super) fn tag_river(&self, t: usize) -> &[PostRef] {
        let rivers = &self.rivers[self.index.people.len()..];
        rivers[t].get_or_init(|| self.index.river_of(&self.index.tags[t].feeds))
    }

    /// When the site was last updated: the latest fetch of any feed, as the build's clock
    /// recorded it in the state (so an offline build of the same state says the same). None
    /// before any feed was fetched.
    pub(super) fn updated(&self) -> Option<PostDates> {
        let latest = self
            .index
            .feeds
            .iter()
            .filter_map(|f| f.fetch.as_ref().map(|r| r.fetched_at))
            .max()?;
        Some(dates_of(latest))
    }

    /// When the river last got news: the time toluu first saw the newest post it shows, so
    /// that a build that brings nothing new leaves the home page as it was (/status/ says
    /// when the feeds were last fetched). A river of posts cached before toluu kept that time
    /// says when the site was last fetched ([`Renderer::updated`]).
    pub(super) fn river_updated(&self) -> Option<PostDates> {
        if river_dated_by_fetch(self.index) {
            return self.updated();
        }
        let seen = self.index.river.iter();
        seen.filter_map(|p| self.index.item(*p).first_seen)
            .max()
            .map(dates_of)
    }
}

/// Whether the home page says when the site was last fetched (a fetch time, which changes
/// with every build) rather than when its newest post came in: when a post of its river was
/// cached before toluu kept the time it first saw a feed.
pub fn river_dated_by_fetch(index: &SiteIndex) -> bool {
    index
        .river
        .iter()
        .any(|p| index.item(*p).first_seen.is_none())
}

fn dates_of(at: chrono::DateTime<chrono::Utc>) -> PostDates {
    PostDates {
        iso: date_iso(at),
        text: time_text(at),
    }
}

/// The fingerprint of what every page of the build shares (none when pages are not
/// fingerprinted).
fn salt(
    site: &Site,
    theme: &Theme,
    base_url: &str,
    pages: &[ExtraPage],
    fingerprinted: bool,
) -> Result<[u8; 32], String> {
    if !fingerprinted {
        return Ok([0; 32]);
    }
    let mut f = Fingerprint::new();
    f.text(env!("CARGO_PKG_VERSION"))
        .text(&format!("{:?}", site.config))
        .text(base_url);
    for (name, source) in theme.template_sources(&site.root)? {
        f.text(&name).text(&source);
    }
    for page in pages {
        f.text(&page.slug).text(&page.title);
    }
    Ok(f.finish().unwrap_or_default())
}

/// The site's extra pages, read from their markdown files.
fn read_extra_pages(site: &Site) -> Result<Vec<ExtraPage>, String> {
    site.pages
        .iter()
        .map(|(slug, path)| {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
            let (title, html) = markdown::page(&text, slug);
            Ok(ExtraPage {
                slug: slug.clone(),
                title,
                html,
            })
        })
        .collect()
}

/// For each feed: the link to its page, with its icon (`icons`, in feed order).
fn feed_links(index: &SiteIndex, icons: &[String]) -> Vec<FeedLink> {
    index
        .feeds
        .iter()
        .zip(icons)
        .map(|(f, icon)| FeedLink {
            title: f.title.clone(),
            path: format!("feeds/{}/", f.slug),
            icon: icon.clone(),
        })
        .collect()
}

/// For each feed: the badges of its readers.
fn readers_of_feed(index: &SiteIndex, faces: &[String]) -> Vec<Vec<ReaderView>> {
    let readers_of_person: Vec<ReaderView> = index
        .people
        .iter()
        .zip(faces)
        .map(|(p, face)| ReaderView {
            name: p.name.clone(),
            path: format!("people/{}/", p.slug),
            initials: initials(&p.name),
            face: face.clone(),
        })
        .collect();
    index
        .feeds
        .iter()
        .map(|f| {
            f.readers
                .iter()
                .map(|&r| readers_of_person[r].clone())
                .collect()
        })
        .collect()
}

/// For each feed, for each item: whether its content says more than its excerpt.
fn full_content(index: &SiteIndex) -> Vec<Vec<bool>> {
    index
        .feeds
        .par_iter()
        .map(|f| f.items.iter().map(has_more_than_excerpt).collect())
        .collect()
}

/// For each feed, for each item: its dates, formatted.
fn dates(index: &SiteIndex) -> Vec<Vec<Option<PostDates>>> {
    index
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
        .collect()
}

/// Whether an item's content has more text than its excerpt shows: the feed publishes full
/// content (or at least a longer summary), worth a "read more". Decided when the item was
/// parsed; only an item cached by an older toluu is read here, once per page.
fn has_more_than_excerpt(item: &crate::model::Item) -> bool {
    match (&item.content_html, item.has_more) {
        (None, _) => false,
        (Some(_), Some(more)) => more,
        (Some(html), None) => crate::sanitize::shows_more(html, &item.excerpt),
    }
}

/// A template's error with the whole chain of its causes (tera's own message rarely says
/// which variable or filter failed).
pub(super) fn template_error(template: &str, path: &str, err: &tera::Error) -> String {
    let mut msg = format!("template {template} failed while rendering {path}: {err}");
    let mut source = std::error::Error::source(err);
    while let Some(inner) = source {
        msg.push_str(&format!("\n  caused by: {inner}"));
        source = inner.source();
    }
    msg
}
