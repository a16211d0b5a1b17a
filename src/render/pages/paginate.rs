//! Cutting a river into pages: page 1 at a page's own path, page N at `<path>page/N/`, each
//! with its links to the first, previous, next and last pages.

use serde::Serialize;

use crate::index::PostRef;
use crate::render::job::PageJob;
use crate::render::renderer::Renderer;

/// Where a page sits among the pages of its river.
#[derive(Serialize)]
pub(super) struct Pagination {
    number: usize,
    total: usize,
    first: String,
    prev: Option<String>,
    next: Option<String>,
    last: String,
}

impl Renderer<'_> {
    /// Page `number` of `total` of the river whose first page is at `prefix`.
    pub(super) fn pagination(&self, prefix: &str, number: usize, total: usize) -> Pagination {
        let path = |n: usize| {
            if n == 1 {
                prefix.to_owned()
            } else {
                format!("{prefix}page/{n}/")
            }
        };
        Pagination {
            number,
            total,
            first: path(1),
            prev: (number > 1).then(|| path(number - 1)),
            next: (number < total).then(|| path(number + 1)),
            last: path(total),
        }
    }

    /// Turns the first page of a river (a person's, a tag's) into one job per page of
    /// `posts`: page 1 at the job's path, page N at `<path>page/N/`, each with `posts` and
    /// `pagination` added to the job's own variables.
    pub(super) fn paginate(&self, jobs: &mut Vec<PageJob>, first: PageJob, posts: &[PostRef]) {
        let max_pages = match self.config.river.max_pages {
            0 => usize::MAX,
            n => n,
        };
        let chunks: Vec<&[PostRef]> = if posts.is_empty() {
            vec![&[]]
        } else {
            posts
                .chunks(self.config.build.posts_per_page)
                .take(max_pages)
                .collect()
        };
        for (i, chunk) in chunks.iter().enumerate() {
            let number = i + 1;
            let mut j = PageJob {
                template: first.template,
                path: if number == 1 {
                    first.path.clone()
                } else {
                    format!("{}page/{number}/", first.path)
                },
                title: if number == 1 {
                    first.title.clone()
                } else {
                    format!("{} · page {number}", first.title)
                },
                description: first.description.clone(),
                section: first.section,
                atom_path: first.atom_path.clone(),
                opml_path: first.opml_path.clone(),
                vars: first.vars.clone(),
                posts: None,
                full_content: false,
            };
            j.posts = Some(chunk.to_vec());
            j.vars.insert(
                "pagination",
                &self.pagination(&first.path, number, chunks.len()),
            );
            jobs.push(j);
        }
    }
}
