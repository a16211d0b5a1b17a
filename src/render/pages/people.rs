//! `/people/` and each person's pages: who they are, what they read (with suggestions and
//! people who read alike) and the river of their feeds, paginated.

use serde::Serialize;

use crate::render::format::initials;
use crate::render::job::PageJob;
use crate::render::markdown;
use crate::render::renderer::Renderer;
use crate::render::summaries::TagRef;

#[derive(Serialize)]
struct PersonSummary<'a> {
    slug: &'a str,
    name: &'a str,
    path: String,
    bio_html: String,
    feed_count: usize,
    face: &'a str,
    initials: String,
}

#[derive(Serialize)]
struct SubView<'a> {
    title: &'a str,
    path: String,
    site_link: Option<&'a str>,
    xml_url: &'a str,
    tags: Vec<TagRef>,
    note_html: Option<String>,
    failing: bool,
    readers_count: usize,
}

#[derive(Serialize)]
struct PersonView<'a> {
    slug: &'a str,
    name: &'a str,
    path: String,
    bio_html: &'a str,
    homepage: Option<&'a str>,
    face: &'a str,
    initials: String,
    feeds: Vec<SubView<'a>>,
    atom_path: String,
    opml_path: String,
    /// GitHub's editor on their list, when the site names its repository.
    edit_url: Option<String>,
}

impl Renderer<'_> {
    /// Person `p`'s pages (`bio`: theirs, rendered): their page and its river, paginated.
    pub(super) fn person_jobs(&self, p: usize, bio: &str) -> Vec<PageJob> {
        let mut jobs = Vec::new();
        let river = self.person_river(p);
        self.paginate(&mut jobs, self.person_job(p, bio), river);
        jobs
    }

    /// `/people/`: everyone, with their bio (`bios`, rendered).
    pub(super) fn people_job(&self, bios: &[String]) -> PageJob {
        let people: Vec<PersonSummary> = self
            .index
            .people
            .iter()
            .zip(bios)
            .enumerate()
            .map(|(i, (p, bio))| PersonSummary {
                slug: &p.slug,
                name: &p.name,
                path: format!("people/{}/", p.slug),
                bio_html: bio.clone(),
                feed_count: p.feeds.len(),
                face: &self.faces[i],
                initials: initials(&p.name),
            })
            .collect();
        let mut j = self.job(
            "people.html",
            "people/".into(),
            "People".into(),
            format!(
                "The {} people of {} and what they read",
                people.len(),
                self.config.title
            ),
            "people",
        );
        j.vars.insert("people", &people);
        j.vars.insert("add_yourself", &self.add_yourself_url());
        j
    }

    /// Person `p`'s page (`bio`: theirs, rendered), before their river is added.
    fn person_job(&self, p: usize, bio: &str) -> PageJob {
        let person = &self.index.people[p];
        let path = format!("people/{}/", person.slug);
        let view = PersonView {
            slug: &person.slug,
            name: &person.name,
            path: path.clone(),
            bio_html: bio,
            homepage: person.homepage.as_deref(),
            face: &self.faces[p],
            initials: initials(&person.name),
            feeds: self.subscriptions(p),
            atom_path: format!("{path}atom.xml"),
            opml_path: format!("{path}feeds.opml"),
            edit_url: self.edit_list_url(p),
        };
        let mut j = self.job(
            "person.html",
            path.clone(),
            person.name.clone(),
            format!("What {} reads: {} feeds", person.name, person.feeds.len()),
            "people",
        );
        j.atom_path = view.atom_path.clone();
        j.opml_path = view.opml_path.clone();
        j.vars.insert("person", &view);
        j.vars.insert("suggestions", &self.suggestions(p));
        j.vars.insert("similar_people", &self.similar_people(p));
        j
    }

    /// What person `p` reads, as their list says it (their own titles, tags and notes).
    fn subscriptions(&self, p: usize) -> Vec<SubView<'_>> {
        let index = self.index;
        index.people[p]
            .feeds
            .iter()
            .zip(&index.subscriptions[p])
            .map(|(sub, &f)| {
                let feed = &index.feeds[f];
                SubView {
                    title: sub.title.as_deref().unwrap_or(&feed.title),
                    path: format!("feeds/{}/", feed.slug),
                    site_link: feed.site_link.as_deref(),
                    xml_url: &sub.url,
                    tags: self.tag_refs(&sub.tags),
                    note_html: sub.note.as_deref().map(markdown::to_html),
                    failing: feed.failing(),
                    readers_count: feed.readers.len(),
                }
            })
            .collect()
    }
}
