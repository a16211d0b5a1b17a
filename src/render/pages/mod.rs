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

use std::sync::Arc;

use rayon::prelude::*;

use crate::render::job::PageJob;
use crate::render::markdown;
use crate::render::renderer::{ExtraPage, Renderer};

/// A part of the site's pages (a person's, a feed's, the river's…), planned only when it is
/// rendered: a site of tens of thousands of pages never holds every page's variables at once.
pub(super) type Plan<'a> = Box<dyn Fn() -> Vec<PageJob> + Send + Sync + 'a>;

impl<'r> Renderer<'r> {
    /// Every HTML page of the site, part by part, in the order the sitemap lists them.
    pub(super) fn page_plans<'a>(&'a self, pages: &'a [ExtraPage]) -> Vec<Plan<'a>> {
        let mut plans: Vec<Plan<'a>> = vec![Box::new(|| self.river_jobs())];
        // A bio is on the person's page and on `/people/`: rendered once.
        let bios: Arc<Vec<String>> = Arc::new(
            self.index
                .people
                .par_iter()
                .map(|p| markdown::to_html(&p.bio))
                .collect(),
        );
        let all = Arc::clone(&bios);
        plans.push(Box::new(move || vec![self.people_job(&all)]));
        for p in 0..self.index.people.len() {
            let bios = Arc::clone(&bios);
            plans.push(Box::new(move || self.person_jobs(p, &bios[p])));
        }
        plans.push(Box::new(|| vec![self.feeds_job()]));
        for f in 0..self.index.feeds.len() {
            plans.push(Box::new(move || vec![self.feed_job(f)]));
        }
        plans.push(Box::new(|| vec![self.tags_job()]));
        for t in 0..self.index.tags.len() {
            plans.push(Box::new(move || self.tag_jobs(t)));
        }
        plans.push(Box::new(|| vec![self.status_job()]));
        plans.push(Box::new(|| vec![self.discover_job()]));
        plans.push(Box::new(move || self.extra_page_jobs(pages)));
        plans
    }
}
