//! The site's HTML pages as jobs: what each page is made of (the river, people, feeds,
//! tags, status, discovery, extra pages), paginated, before any of them is rendered.

use super::*;

impl Renderer<'_> {
    pub(super) fn tag_refs(&self, tags: &[String]) -> Vec<TagRef> {
        tags.iter()
            .filter_map(|t| {
                Some(TagRef {
                    name: t.clone(),
                    path: self.tag_paths.get(t)?.clone(),
                })
            })
            .collect()
    }

    pub(super) fn feed_summary(&self, f: usize) -> FeedSummary<'_> {
        let feed: &FeedInfo = &self.index.feeds[f];
        FeedSummary {
            title: &feed.title,
            path: format!("feeds/{}/", feed.slug),
            site_link: feed.site_link.as_deref(),
            xml_url: &feed.xml_url,
            description: feed.description.as_deref(),
            tags: self.tag_refs(&feed.tags),
            readers: &self.readers_of_feed[f],
            readers_count: feed.readers.len(),
            item_count: feed.items.len(),
            last_post_text: feed.items.first().and_then(|i| i.date()).map(date_text),
            failing: feed.failing(),
        }
    }

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

    pub(super) fn page_jobs(&self, pages: &[(String, String, String)]) -> Vec<PageJob> {
        let index = self.index;
        let per_page = self.config.build.posts_per_page;
        let site_description = if self.config.description.is_empty() {
            format!("What the people of {} read", self.config.title)
        } else {
            self.config.description.clone()
        };
        let mut jobs = Vec::new();
        let job = |template, path: String, title: String, description: String, section| PageJob {
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
        };

        // The river, paginated.
        let chunks: Vec<&[PostRef]> = if index.river.is_empty() {
            vec![&[]]
        } else {
            index.river.chunks(per_page).collect()
        };
        for (i, chunk) in chunks.iter().enumerate() {
            let number = i + 1;
            let mut j = job(
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

        // People.
        #[derive(Serialize)]
        struct PersonSummary<'a> {
            slug: &'a str,
            name: &'a str,
            path: String,
            bio_html: String,
            feed_count: usize,
            avatar: Option<&'a str>,
            initials: String,
        }
        let bios: Vec<String> = index
            .people
            .iter()
            .map(|p| markdown::to_html(&p.bio))
            .collect();
        let people: Vec<PersonSummary> = index
            .people
            .iter()
            .zip(&bios)
            .map(|(p, bio)| PersonSummary {
                slug: &p.slug,
                name: &p.name,
                path: format!("people/{}/", p.slug),
                bio_html: bio.clone(),
                feed_count: p.feeds.len(),
                avatar: p.avatar.as_deref(),
                initials: initials(&p.name),
            })
            .collect();
        let mut j = job(
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
        jobs.push(j);

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
            avatar: Option<&'a str>,
            initials: String,
            feeds: Vec<SubView<'a>>,
            atom_path: String,
            opml_path: String,
        }
        for (p, person) in index.people.iter().enumerate() {
            let feed_ids = &index.subscriptions[p];
            let feeds = person
                .feeds
                .iter()
                .zip(feed_ids)
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
                .collect();
            let path = format!("people/{}/", person.slug);
            let view = PersonView {
                slug: &person.slug,
                name: &person.name,
                path: path.clone(),
                bio_html: &bios[p],
                homepage: person.homepage.as_deref(),
                avatar: person.avatar.as_deref(),
                initials: initials(&person.name),
                feeds,
                atom_path: format!("{path}atom.xml"),
                opml_path: format!("{path}feeds.opml"),
            };
            let river = index.river_of(feed_ids);
            let mut j = job(
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
            self.paginate(&mut jobs, j, &river);
        }

        // Feeds.
        let summaries: Vec<FeedSummary> = (0..index.feeds.len())
            .map(|f| self.feed_summary(f))
            .collect();
        let mut j = job(
            "feeds.html",
            "feeds/".into(),
            "Feeds".into(),
            format!("All {} feeds read here, most read first", summaries.len()),
            "feeds",
        );
        j.vars.insert("feeds", &summaries);
        jobs.push(j);
        for (f, feed) in index.feeds.iter().enumerate() {
            #[derive(Serialize)]
            struct FeedView<'a> {
                #[serde(flatten)]
                summary: FeedSummary<'a>,
                status: StatusView,
            }
            let fetch = feed.fetch.as_ref();
            // A healthy feed's page shows nothing of this build's fetch (that is on
            // /status/), so that the page stays the same from one build to the next.
            let healthy = matches!(
                feed.health.state,
                crate::refresh::health::HealthState::Ok
                    | crate::refresh::health::HealthState::NotModified
            );
            let status = if healthy {
                StatusView::healthy()
            } else {
                StatusView {
                    state: match &feed.outcome {
                        crate::refresh::Outcome::Failed(_) => "failed",
                        crate::refresh::Outcome::NotModified => "not_modified",
                        _ => "ok",
                    },
                    health: feed.health.state.word(),
                    failures: feed.health.failures,
                    failing_since_text: feed.health.failing_since.map(date_text),
                    moved_to: feed.health.moved_to.clone(),
                    error: match &feed.outcome {
                        crate::refresh::Outcome::Failed(e) => Some(e.clone()),
                        _ => feed.health.error.clone(),
                    },
                    http_status: fetch.and_then(|r| r.http_status),
                    fetched_at_text: fetch.map(|r| date_text(r.fetched_at)),
                    last_success_text: fetch.and_then(|r| r.last_success_at).map(date_text),
                }
            };
            let mut j = job(
                "feed.html",
                format!("feeds/{}/", feed.slug),
                feed.title.clone(),
                feed.description.clone().unwrap_or_else(|| {
                    format!("{}, read by {} here", feed.title, feed.readers.len())
                }),
                "feeds",
            );
            j.vars.insert(
                "feed",
                &FeedView {
                    summary: self.feed_summary(f),
                    status,
                },
            );
            let shown = feed.items.len().min(self.config.build.items_per_feed);
            let posts: Vec<PostRef> = (0..shown).map(|i| PostRef { feed: f, item: i }).collect();
            j.vars.insert("related", &self.related(f));
            j.posts = Some(posts);
            j.full_content = true;
            jobs.push(j);
        }

        // Tags.
        #[derive(Serialize)]
        struct TagSummary<'a> {
            name: &'a str,
            path: String,
            feed_count: usize,
        }
        let tags: Vec<TagSummary> = index
            .tags
            .iter()
            .map(|t| TagSummary {
                name: &t.name,
                path: format!("tags/{}/", t.slug),
                feed_count: t.feeds.len(),
            })
            .collect();
        let mut j = job(
            "tags.html",
            "tags/".into(),
            "Tags".into(),
            format!("{} tags given to the feeds read here", tags.len()),
            "tags",
        );
        j.vars.insert("tags", &tags);
        jobs.push(j);
        for tag in &index.tags {
            let path = format!("tags/{}/", tag.slug);
            let mut j = job(
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
            let river = index.river_of(&tag.feeds);
            self.paginate(&mut jobs, j, &river);
        }

        // Feed health.
        let (rows, counts) = crate::render::status::status_rows(index, date_text);
        let mut j = job(
            "status.html",
            "status/".into(),
            "Feed status".into(),
            format!("The health of the {} feeds read here", rows.len()),
            "status",
        );
        j.vars.insert("feeds", &rows);
        j.vars.insert("counts", &counts);
        jobs.push(j);
        jobs.push(self.discover_job(job(
            "discover.html",
            "discover/".into(),
            "Discover".into(),
            format!(
                "Feeds to discover among what the people of {} read",
                self.config.title
            ),
            "discover",
        )));

        // Extra pages.
        for (slug, title, html) in pages {
            let mut j = job(
                "page.html",
                format!("{slug}/"),
                title.clone(),
                title.clone(),
                "page",
            );
            j.vars.insert("content_html", html);
            jobs.push(j);
        }
        jobs
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
