//! `/tags/` and each tag's pages: its feeds and the river of their posts, paginated.

use serde::Serialize;

use crate::index::TagInfo;
use crate::render::job::PageJob;
use crate::render::renderer::Renderer;
use crate::render::summaries::{FeedSummary, TagRef};

#[derive(Serialize)]
struct TagSummary<'a> {
    name: &'a str,
    path: String,
    feed_count: usize,
}

impl Renderer<'_> {
    /// `/tags/`: every tag, by name.
    pub(super) fn tags_job(&self) -> PageJob {
        let tags: Vec<TagSummary> = self
            .index
            .tags
            .iter()
            .map(|t| TagSummary {
                name: &t.name,
                path: format!("tags/{}/", t.slug),
                feed_count: t.feeds.len(),
            })
            .collect();
        let mut j = self.job(
            "tags.html",
            "tags/".into(),
            "Tags".into(),
            format!("{} tags given to the feeds read here", tags.len()),
            "tags",
        );
        j.vars.insert("tags", &tags);
        j
    }

    /// Tag `t`'s pages: its page and its river, paginated.
    pub(super) fn tag_jobs(&self, t: usize) -> Vec<PageJob> {
        let mut jobs = Vec::new();
        let river = self.tag_river(t);
        self.paginate(&mut jobs, self.tag_job(&self.index.tags[t]), river);
        jobs
    }

    /// The first page of `tag`, before its river is added.
    fn tag_job(&self, tag: &TagInfo) -> PageJob {
        let path = format!("tags/{}/", tag.slug);
        let mut j = self.job(
            "tag.html",
            path.clone(),
            format!("Tagged {}", tag.name),
            format!("Feeds and posts tagged {}", tag.name),
            "tags",
        );
        j.vars.insert(
            "tag",
            &TagRef {
                name: tag.name.clone(),
                path: path.clone(),
            },
        );
        let feeds: Vec<FeedSummary> = tag.feeds.iter().map(|&f| self.feed_summary(f)).collect();
        j.vars.insert("feeds", &feeds);
        j.atom_path = format!("{path}atom.xml");
        j.opml_path = format!("{path}feeds.opml");
        j
    }
}
