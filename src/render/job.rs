//! A page to render, as planned before any page is: its template, where it goes, its own
//! variables and its posts.

use super::fingerprints::Vars;
use super::renderer::Renderer;
use crate::index::PostRef;

/// A page to render: the template, where it goes, and its own variables.
pub(super) struct PageJob {
    pub(super) template: &'static str,
    pub(super) path: String,
    pub(super) title: String,
    pub(super) description: String,
    pub(super) section: &'static str,
    pub(super) atom_path: String,
    pub(super) opml_path: String,
    /// The page's own template variables.
    pub(super) vars: Vars,
    /// The page's posts, turned into template values only when the page renders: a site of
    /// thousands of pages never holds all their posts as values at once.
    pub(super) posts: Option<Vec<PostRef>>,
    /// Whether the posts carry their full content ("Read more"): on the site's river and on
    /// a feed's own page, not again on every person's and tag's river.
    pub(super) full_content: bool,
}

impl Renderer<'_> {
    /// A page with no variables or posts yet, pointing at the site's Atom feed and OPML.
    pub(super) fn job(
        &self,
        template: &'static str,
        path: String,
        title: String,
        description: String,
        section: &'static str,
    ) -> PageJob {
        PageJob {
            template,
            path,
            title,
            description,
            section,
            atom_path: "atom.xml".to_owned(),
            opml_path: "feeds.opml".to_owned(),
            vars: Vars::new(self.fingerprints),
            posts: None,
            full_content: false,
        }
    }
}
