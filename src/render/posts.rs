//! A page's posts as the templates get them: each post's view, with its feed's "Read by"
//! block rendered once per feed and page depth.

use std::borrow::Cow;

use serde::Serialize;
use tera::Context;

use super::fingerprints::Fingerprint;
use super::renderer::{Renderer, template_error};
use super::theme::Theme;
use super::views::FeedLink;
use crate::index::PostRef;
use crate::site::Show;

/// How many readers a post shows by name; the rest are counted. A feed read by hundreds of
/// people must not put hundreds of badges on every one of its posts.
const POST_READERS: usize = 4;

/// A post as the templates get it.
#[derive(Serialize)]
pub(super) struct PostView<'a> {
    title: &'a str,
    link: Option<&'a str>,
    feed: &'a FeedLink,
    author: Option<&'a str>,
    date_iso: Option<&'a str>,
    date_text: Option<&'a str>,
    excerpt: &'a str,
    /// The full content (sanitized HTML), when the feed publishes more than the excerpt shows.
    content_html: Option<&'a str>,
    /// Its SHA-256 (see [`crate::index::FeedInfo::content_digests`]): what the page's
    /// fingerprint takes of it.
    #[serde(skip)]
    content_digest: Option<&'a [u8; 32]>,
    /// Show `content_html` in place of the excerpt, not behind "Read more" (the feed's
    /// `show = "full"`).
    full: bool,
    /// How many readers of the post's feed are not shown by name (only the first
    /// [`POST_READERS`] are).
    readers_more: usize,
    /// The "Read by" block of the post's feed, already rendered by the `toluu.readers`
    /// component for this page (the same for every post of the feed).
    pub(super) readers_html: Cow<'a, str>,
}

impl PostView<'_> {
    /// Feeds every field into `f` but the "Read by" block (hashed apart: it is the same for
    /// every post of a feed). Written field by field, not through serde: a post is on many
    /// pages, and this runs for each of them.
    pub(super) fn fingerprint_into(&self, f: &mut Fingerprint) {
        // Destructured so that a new field cannot be left out of the fingerprint.
        let PostView {
            title,
            link,
            feed:
                FeedLink {
                    title: feed_title,
                    path: feed_path,
                    icon: feed_icon,
                },
            author,
            date_iso,
            date_text,
            excerpt,
            content_html,
            content_digest,
            full,
            readers_more,
            readers_html: _,
        } = self;
        f.text(title)
            .maybe(*link)
            .text(feed_title)
            .text(feed_path)
            .text(feed_icon)
            .maybe(*author)
            .maybe(*date_iso)
            .maybe(*date_text)
            .text(excerpt);
        match (content_html, content_digest) {
            (Some(_), Some(digest)) => f.bytes(&[2]).bytes(&digest[..]),
            (content, _) => f.maybe(*content),
        };
        f.text(if *full { "full" } else { "" })
            .text(&readers_more.to_string());
    }
}

impl Renderer<'_> {
    fn post<'s>(
        &'s self,
        post: PostRef,
        full_content: bool,
        readers_html: Cow<'s, str>,
    ) -> PostView<'s> {
        let feed = &self.index.feeds[post.feed];
        let item = &feed.items[post.item];
        let readers = self.readers_of_feed[post.feed].len();
        let dates = self.dates[post.feed][post.item].as_ref();
        let content_html = item
            .content_html
            .as_deref()
            .filter(|_| full_content && self.full_content[post.feed][post.item]);
        PostView {
            title: &item.title,
            link: item.link.as_deref(),
            feed: &self.feed_links[post.feed],
            author: item.author.as_deref(),
            date_iso: dates.map(|d| d.iso.as_str()),
            date_text: dates.map(|d| d.text.as_str()),
            excerpt: &item.excerpt,
            content_html,
            content_digest: content_html
                .and_then(|_| feed.content_digests.get(post.item))
                .and_then(Option::as_ref),
            full: content_html.is_some() && feed.show == Show::Full,
            readers_more: readers.saturating_sub(POST_READERS),
            readers_html,
        }
    }

    /// The posts of a page `depth` directories below the root (`root` leads back up).
    pub(super) fn posts(
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
}
