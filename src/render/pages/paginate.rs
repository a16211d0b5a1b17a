//! Cutting a river into pages. The first page is at the river's own path; each older page is
//! at `<path>page/<date>-<mark>/`, named after its oldest post. A page ends at a post whose
//! [`post_mark`](crate::index::post_mark) says so (once the page has half its share of posts,
//! the first page its whole share), or at twice its share: the breaks depend on the posts at them, not on how many came
//! before, so a new post changes the first page and not every page after it, and a post that
//! leaves changes the page it was on.

use std::collections::HashSet;
use std::ops::Range;

use serde::Serialize;

use crate::index::{FeedInfo, PostRef};
use crate::render::format::date_text;
use crate::render::job::PageJob;
use crate::render::renderer::Renderer;

/// Where a page sits among the pages of its river.
#[derive(Serialize)]
pub(super) struct Pagination {
    /// Whether this is the river's first page (its newest posts).
    pub(super) is_first: bool,
    /// The dates of the page's posts, for people: `3 Nov 2026 – 5 Nov 2026`.
    pub(super) span: String,
    /// The first page's path.
    first: String,
    /// The page of newer posts; none on the first page.
    prev: Option<String>,
    /// The page of older posts; none on the last page.
    next: Option<String>,
}

/// One page of a river: which of its posts, and where.
pub(super) struct Cut {
    /// The page's posts, as a range of the river's.
    pub(super) posts: Range<usize>,
    /// Its path: the river's own for the first page.
    pub(super) path: String,
    pub(super) pagination: Pagination,
}

/// The ranges of `marks` (one per post, newest first) that make the pages: the first at least
/// `per_page` posts, the others at least `per_page - per_page / 2` but the last, each at most
/// `2 * per_page`, about `per_page` on average. One empty page when there are no posts.
fn breaks(marks: &[u64], per_page: usize) -> Vec<Range<usize>> {
    let per_page = per_page.max(1);
    let least = per_page - per_page / 2;
    // Past `least`, each post ends the page with odds 1 in `odds`: `per_page` on average.
    let odds = (per_page - least + 1) as u64;
    let most = 2 * per_page;
    let mut pages = Vec::new();
    let mut start = 0;
    for (i, mark) in marks.iter().enumerate() {
        let size = i + 1 - start;
        // The first page, the one most people read, holds exactly its share: it changes with
        // every new post anyway, and the page after it absorbs the difference.
        let first_full = start == 0 && size == per_page;
        if first_full || (start > 0 && (size >= most || (size >= least && mark % odds == 0))) {
            pages.push(start..i + 1);
            start = i + 1;
        }
    }
    if start < marks.len() || pages.is_empty() {
        pages.push(start..marks.len());
    }
    pages
}

/// The dates a page's posts span, oldest to newest.
fn span(feeds: &[FeedInfo], posts: &[PostRef]) -> String {
    let dates: Vec<_> = posts
        .iter()
        .filter_map(|p| feeds[p.feed].items[p.item].date())
        .collect();
    match (dates.iter().min(), dates.iter().max()) {
        (Some(old), Some(new)) if date_text(*old) != date_text(*new) => {
            format!("{} – {}", date_text(*old), date_text(*new))
        }
        (Some(d), _) => date_text(*d),
        _ => "undated posts".to_owned(),
    }
}

/// A page's name in its path: its oldest post's date (`undated` without one) and the first
/// six hex digits of that post's mark; `-2`, `-3`… when two pages would share one.
fn page_name(feeds: &[FeedInfo], oldest: PostRef, taken: &mut HashSet<String>) -> String {
    let feed = &feeds[oldest.feed];
    let date = feed.items[oldest.item].date().map_or_else(
        || "undated".to_owned(),
        |d| d.format("%Y-%m-%d").to_string(),
    );
    let mark = feed.post_marks.get(oldest.item).copied().unwrap_or(0);
    let name = format!("{date}-{:06x}", mark >> 40);
    let mut unique = name.clone();
    let mut n = 1;
    while !taken.insert(unique.clone()) {
        n += 1;
        unique = format!("{name}-{n}");
    }
    unique
}

/// Cuts `posts` (newest first) into at most `max_pages` pages (0: no limit), the first at
/// `prefix`.
pub(super) fn cut(
    feeds: &[FeedInfo],
    posts: &[PostRef],
    per_page: usize,
    prefix: &str,
    max_pages: usize,
) -> Vec<Cut> {
    let marks: Vec<u64> = posts
        .iter()
        .map(|p| feeds[p.feed].post_marks.get(p.item).copied().unwrap_or(0))
        .collect();
    let mut ranges = breaks(&marks, per_page);
    if max_pages > 0 {
        ranges.truncate(max_pages);
    }
    let mut taken = HashSet::new();
    let paths: Vec<String> = ranges
        .iter()
        .enumerate()
        .map(|(i, r)| match i {
            0 => prefix.to_owned(),
            _ => format!(
                "{prefix}page/{}/",
                page_name(feeds, posts[r.end - 1], &mut taken)
            ),
        })
        .collect();
    ranges
        .iter()
        .enumerate()
        .map(|(i, r)| Cut {
            posts: r.clone(),
            path: paths[i].clone(),
            pagination: Pagination {
                is_first: i == 0,
                span: span(feeds, &posts[r.clone()]),
                first: prefix.to_owned(),
                prev: i.checked_sub(1).map(|p| paths[p].clone()),
                next: paths.get(i + 1).cloned(),
            },
        })
        .collect()
}

impl Renderer<'_> {
    /// Turns the first page of a river (a person's, a tag's) into one job per page of
    /// `posts` (see [`cut`]), each with `posts` and `pagination` added to the job's own
    /// variables, and the page's dates after its title.
    pub(super) fn paginate(&self, jobs: &mut Vec<PageJob>, first: PageJob, posts: &[PostRef]) {
        let cuts = cut(
            &self.index.feeds,
            posts,
            self.config.build.posts_per_page,
            &first.path,
            self.config.river.max_pages,
        );
        for c in cuts {
            let mut j = PageJob {
                template: first.template,
                title: if c.pagination.is_first {
                    first.title.clone()
                } else {
                    format!("{} · {}", first.title, c.pagination.span)
                },
                path: c.path,
                description: first.description.clone(),
                section: first.section,
                atom_path: first.atom_path.clone(),
                opml_path: first.opml_path.clone(),
                vars: first.vars.clone(),
                posts: Some(posts[c.posts].to_vec()),
                full_content: false,
            };
            j.vars.insert("pagination", &c.pagination);
            jobs.push(j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marks(n: usize, seed: u64) -> Vec<u64> {
        (0..n as u64)
            .map(|i| crate::index::post_mark(&format!("{seed}/{i}")))
            .collect()
    }

    #[test]
    fn pages_hold_about_their_share() {
        let m = marks(30_000, 1);
        let pages = breaks(&m, 30);
        let sizes: Vec<usize> = pages.iter().map(|r| r.len()).collect();
        assert_eq!(sizes.iter().sum::<usize>(), 30_000);
        assert!(pages.windows(2).all(|w| w[0].end == w[1].start));
        let (last, full) = sizes.split_last().unwrap();
        assert!(full.iter().all(|&s| (15..=60).contains(&s)), "{sizes:?}");
        assert!(sizes[0] >= 30, "the first page has its whole share");
        assert!(*last >= 1 && *last <= 60);
        let mean = 30_000.0 / pages.len() as f64;
        assert!((26.0..=32.0).contains(&mean), "{mean}");
        assert_eq!(breaks(&[], 30), vec![0..0]);
        // A page of one: every post its own page.
        assert!(breaks(&m[..10], 1).iter().all(|r| r.len() == 1));
    }

    #[test]
    fn a_new_post_moves_only_the_breaks_near_it() {
        let old = marks(3000, 2);
        let mut new = marks(1, 3);
        new.extend(&old);
        let before = breaks(&old, 30);
        // The same pages after the new post, but the first two at most.
        let after: Vec<Range<usize>> = breaks(&new, 30)
            .into_iter()
            .map(|r| r.start.saturating_sub(1)..r.end - 1)
            .collect();
        let same = before.iter().filter(|r| after.contains(r)).count();
        assert!(same + 2 >= before.len(), "{same} of {}", before.len());
        // And a post leaving from the middle changes the page it was on (and at most the
        // next, when it was that page's break).
        let mut gone = old.clone();
        gone.remove(1500);
        let after: Vec<Range<usize>> = breaks(&gone, 30)
            .into_iter()
            .map(|r| {
                let start = if r.start >= 1500 {
                    r.start + 1
                } else {
                    r.start
                };
                let end = if r.end > 1500 { r.end + 1 } else { r.end };
                start..end
            })
            .collect();
        let same = before.iter().filter(|r| after.contains(r)).count();
        assert!(same + 3 >= before.len(), "{same} of {}", before.len());
    }
}
