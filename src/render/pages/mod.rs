//! The site's HTML pages as jobs: what each page is made of (the river, people, feeds,
//! tags, status, discovery, extra pages), paginated, before any of them is rendered.
//!
//! One submodule per kind of page; `paginate` cuts a river into pages.

mod discover;
mod extra;
mod feeds;
mod paginate;
mod people;
mod river;
mod status;
mod tags;

use crate::render::job::PageJob;
use crate::render::renderer::{ExtraPage, Renderer};

impl Renderer<'_> {
    /// Every HTML page of the site, in the order the sitemap lists them.
    pub(super) fn page_jobs(&self, pages: &[ExtraPage]) -> Vec<PageJob> {
        let mut jobs = self.river_jobs();
        jobs.extend(self.people_jobs());
        jobs.extend(self.feed_jobs());
        jobs.extend(self.tag_jobs());
        jobs.push(self.status_job());
        jobs.push(self.discover_job());
        jobs.extend(self.extra_page_jobs(pages));
        jobs
    }
}
