//! The site's river, paginated: the home page is its first page, and says when its newest
//! post came in. Each page carries the sidebar wide screens show beside the posts: the people,
//! the most used tags, and where to subscribe.

use serde::Serialize;

use super::paginate::cut;
use crate::render::format::initials;
use crate::render::job::PageJob;
use crate::render::renderer::Renderer;
use crate::render::views::{Link, ReaderView};

/// The most tags the river's sidebar lists (the most used first).
const ASIDE_TAGS: usize = 15;
/// The most people the river's sidebar lists (in the people page's order); the others are
/// counted, with a link to the people page.
const ASIDE_PEOPLE: usize = 24;

/// The river's sidebar: who reads here, the most used tags, and how to join.
#[derive(Serialize)]
struct Aside {
    people: Vec<ReaderView>,
    /// How many people the site has, listed or not.
    people_total: usize,
    tags: Vec<Link>,
    /// GitHub's new-file page for a list of one's own, when the site names its repository.
    add_yourself: Option<String>,
}

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
        let aside = self.aside();
        let updated = self.river_updated();
        let mut jobs = Vec::new();
        for c in cut(&index.feeds, &index.river, per_page, "", 0) {
            let first = c.pagination.is_first;
            let title = if first {
                String::new()
            } else {
                c.pagination.span.clone()
            };
            let mut j = self.job(
                "river.html",
                c.path,
                title,
                site_description.clone(),
                "river",
            );
            j.posts = Some(index.river[c.posts].to_vec());
            j.full_content = true;
            j.vars.insert("pagination", &c.pagination);
            j.vars.insert("layout", self.config.river.layout.name());
            j.vars.insert("aside", &aside);
            // Only the home page says when the site was updated: the river's other pages stay
            // the same between builds that bring nothing new.
            j.vars
                .insert("updated", &updated.as_ref().filter(|_| first));
            jobs.push(j);
        }
        jobs
    }

    fn aside(&self) -> Aside {
        let index = self.index;
        let mut tags: Vec<_> = index.tags.iter().collect();
        // Most used first, then by name; the index keeps them by name.
        tags.sort_by_key(|t| std::cmp::Reverse(t.feeds.len()));
        Aside {
            people: index
                .people
                .iter()
                .zip(&self.faces)
                .take(ASIDE_PEOPLE)
                .map(|(p, face)| ReaderView {
                    name: p.name.clone(),
                    path: format!("people/{}/", p.slug),
                    initials: initials(&p.name),
                    face: face.clone(),
                })
                .collect(),
            people_total: index.people.len(),
            tags: tags
                .into_iter()
                .take(ASIDE_TAGS)
                .map(|t| Link {
                    title: t.name.clone(),
                    path: format!("tags/{}/", t.slug),
                })
                .collect(),
            add_yourself: self.add_yourself_url(),
        }
    }
}
