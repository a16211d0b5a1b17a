//! The site's river, paginated: the home page is its first page.

use crate::index::PostRef;
use crate::render::job::PageJob;
use crate::render::renderer::Renderer;

impl Renderer<'_> {
    /// The pages of the river, with their posts' full content.
    pub(super) fn river_jobs(&self) -> Vec<PageJob> {
        let index = self.index;
        let per_page = self.config.build.posts_per_page;
        let site_description = if self.config.description.is_empty() {
            format!("What the people of {} read", self.config.title)
        } else {
            self.config.description.clone()
        };
        let chunks: Vec<&[PostRef]> = if index.river.is_empty() {
            vec![&[]]
        } else {
            index.river.chunks(per_page).collect()
        };
        let mut jobs = Vec::new();
        for (i, chunk) in chunks.iter().enumerate() {
            let number = i + 1;
            let mut j = self.job(
                "river.html",
                if number == 1 {
                    String::new()
                } else {
                    format!("page/{number}/")
                },
                if number == 1 {
                    String::new()
                } else {
                    format!("Page {number}")
                },
                site_description.clone(),
                "river",
            );
            j.posts = Some(chunk.to_vec());
            j.full_content = true;
            j.vars
                .insert("pagination", &self.pagination("", number, chunks.len()));
            jobs.push(j);
        }
        jobs
    }
}
