//! The site's extra pages (`pages/*.md`), each at `/<slug>/`.

use crate::render::job::PageJob;
use crate::render::renderer::{ExtraPage, Renderer};

impl Renderer<'_> {
    /// One job per extra page, in the order of the site's pages (by slug).
    pub(super) fn extra_page_jobs(&self, pages: &[ExtraPage]) -> Vec<PageJob> {
        pages
            .iter()
            .map(|page| {
                let mut j = self.job(
                    "page.html",
                    format!("{}/", page.slug),
                    page.title.clone(),
                    page.title.clone(),
                    "page",
                );
                j.vars.insert("content_html", &page.html);
                j
            })
            .collect()
    }
}
