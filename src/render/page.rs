//! Rendering one page job into HTML through its template, with its fingerprint when pages are
//! fingerprinted, unless the previous build wrote it from the same inputs; and the 404 page.

use serde::Serialize;
use tera::Context;

use super::file::OutputFile;
use super::fingerprints::{Fingerprint, PageStore, Vars};
use super::format::root_for;
use super::job::PageJob;
use super::posts::PostView;
use super::renderer::{Renderer, template_error};

/// What became of a page job.
pub(super) enum Page {
    /// Rendered, with its fingerprint when one was asked for.
    Rendered(OutputFile, Option<[u8; 32]>),
    /// Written by the previous build from the same inputs (this fingerprint): left as it is.
    Kept(String, [u8; 32]),
}

#[derive(Serialize)]
struct SiteView<'a> {
    title: &'a str,
    description: &'a str,
    language: &'a str,
    base_url: String,
    generator: String,
}

impl Renderer<'_> {
    /// Renders a page, unless the previous build (`store`) wrote it from the same inputs; when
    /// pages are fingerprinted, also returns the fingerprint of its inputs.
    pub(super) fn render(&self, job: PageJob, store: Option<&PageStore>) -> Result<Page, String> {
        let root = root_for(&job.path);
        let path = format!("{}index.html", job.path);
        let depth = job.path.matches('/').count();
        let posts = match &job.posts {
            Some(posts) => Some(self.posts(posts, job.full_content, &root, depth)?),
            None => None,
        };
        let fingerprint = if self.fingerprints {
            self.fingerprint(&job, posts.as_deref(), depth)
        } else {
            None
        };
        if let (Some(store), Some(fingerprint)) = (store, fingerprint)
            && store.has(&self.salt, &path, &fingerprint)
        {
            return Ok(Page::Kept(path, fingerprint));
        }
        let mut ctx = self.base_context(&root, &job);
        let template = job.template;
        job.vars
            .into_context(&mut ctx)
            .map_err(|e| format!("{path}: {e}"))?;
        if let Some(posts) = &posts {
            ctx.insert("posts", posts);
        }
        let html = self
            .tera
            .render(template, &ctx)
            .map_err(|e| template_error(template, &path, &e))?;
        let file = OutputFile {
            path,
            bytes: html.into_bytes(),
        };
        Ok(Page::Rendered(file, fingerprint))
    }

    /// The fingerprint of what a page `depth` directories deep is made of: the job and its
    /// posts as the template gets them (`views`). Each post's digest, and each "Read by"
    /// block's, is computed once and shared by every page that shows it.
    fn fingerprint(
        &self,
        job: &PageJob,
        views: Option<&[PostView<'_>]>,
        depth: usize,
    ) -> Option<[u8; 32]> {
        let mut f = Fingerprint::new();
        f.bytes(&self.salt)
            .text(job.template)
            .text(&job.path)
            .text(&job.title)
            .text(&job.description)
            .text(job.section)
            .text(&job.atom_path)
            .text(&job.opml_path)
            .vars(&job.vars);
        if let (Some(refs), Some(views)) = (&job.posts, views) {
            for (p, view) in refs.iter().zip(views) {
                let digest = self.post_digests[p.feed][p.item][usize::from(job.full_content)]
                    .get_or_init(|| {
                        let mut post = Fingerprint::new();
                        view.fingerprint_into(&mut post);
                        post.finish().unwrap_or_default()
                    });
                f.bytes(digest);
                match self.readers_digests[p.feed].get(depth) {
                    Some(cell) => f.bytes(cell.get_or_init(|| {
                        Fingerprint::new()
                            .text(&view.readers_html)
                            .finish()
                            .unwrap_or_default()
                    })),
                    None => f.text(&view.readers_html),
                };
            }
        }
        f.finish()
    }

    fn base_context(&self, root: &str, job: &PageJob) -> Context {
        let mut ctx = Context::new();
        ctx.insert(
            "site",
            &SiteView {
                title: &self.config.title,
                description: &self.config.description,
                language: &self.config.language,
                base_url: self.base_url.clone(),
                generator: format!("toluu {}", env!("CARGO_PKG_VERSION")),
            },
        );
        ctx.insert("root", root);
        ctx.insert("page_path", &job.path);
        ctx.insert("page_title", &job.title);
        ctx.insert("page_description", &job.description);
        ctx.insert("section", job.section);
        ctx.insert("extra_pages", &self.extra_pages);
        ctx.insert("atom_path", &job.atom_path);
        ctx.insert("opml_path", &job.opml_path);
        ctx
    }

    /// The 404 page: served for any path, so it leads back by absolute paths (the base URL's).
    pub(super) fn render_404(&self) -> Result<OutputFile, String> {
        let job = PageJob {
            template: "404.html",
            path: "404.html".into(),
            title: "Page not found".into(),
            description: "This page does not exist.".into(),
            section: "404",
            atom_path: "atom.xml".into(),
            opml_path: "feeds.opml".into(),
            vars: Vars::default(),
            posts: None,
            full_content: false,
        };
        let root = url::Url::parse(&self.base_url)
            .map(|u| u.path().to_owned())
            .unwrap_or_else(|_| "/".into());
        let mut ctx = self.base_context(&root, &job);
        ctx.insert("page_path", "404.html");
        let html = self
            .tera
            .render("404.html", &ctx)
            .map_err(|e| template_error("404.html", "404.html", &e))?;
        Ok(OutputFile {
            path: "404.html".into(),
            bytes: html.into_bytes(),
        })
    }
}
