//! Pages that moved: at each path a feed's page had before (its former slugs, as its state
//! remembers them), a small page that sends the reader on. Static hosts such as GitHub Pages
//! have no redirect rules, so each is an HTML page with `<meta http-equiv="refresh">`, a
//! `rel=canonical` link for crawlers and a plain link for everyone else.
//!
//! A person whose list was renamed keeps the same at their old page, and a copy of their new
//! Atom feed and blogroll at the old addresses (a feed reader follows no HTML redirect; the
//! copy's self link names the new address).

use std::collections::HashSet;

use super::file::OutputFile;
use super::renderer::Renderer;
use super::xml::escape;

impl Renderer<'_> {
    /// One redirect page for each former slug of each feed that no feed's page has now, in
    /// feed order; then those of people whose list was renamed ([`Renderer::person_redirects`]).
    pub(super) fn redirects(&self, xml: &[OutputFile]) -> Vec<OutputFile> {
        let current: HashSet<&str> = self.index.feeds.iter().map(|f| f.slug.as_str()).collect();
        let mut done: HashSet<&str> = HashSet::new();
        let mut files = Vec::new();
        for feed in &self.index.feeds {
            for old in &feed.former_slugs {
                if current.contains(old.as_str()) || !done.insert(old) {
                    continue;
                }
                files.push(OutputFile {
                    path: format!("feeds/{old}/index.html"),
                    bytes: self
                        .redirect_page(&format!("feeds/{}/", feed.slug), &feed.title)
                        .into_bytes(),
                });
            }
        }
        files.extend(self.person_redirects(xml));
        files
    }

    /// For each former slug of a person: a redirect page to their page, and at the old path of
    /// each of their files in `xml` (the Atom feed, the blogroll) a copy of it.
    fn person_redirects(&self, xml: &[OutputFile]) -> Vec<OutputFile> {
        let mut files = Vec::new();
        for (old, p) in &self.index.moved_people {
            let person = &self.index.people[*p];
            let to = format!("people/{}/", person.slug);
            files.push(OutputFile {
                path: format!("people/{old}/index.html"),
                bytes: self.redirect_page(&to, &person.name).into_bytes(),
            });
            for file in xml {
                if let Some(name) = file.path.strip_prefix(&to)
                    && !name.contains('/')
                {
                    files.push(OutputFile {
                        path: format!("people/{old}/{name}"),
                        bytes: file.bytes.clone(),
                    });
                }
            }
        }
        files
    }

    /// A page that sends its reader to `to` (a directory path from the site's root), the page
    /// of `title`. The refresh and the link are relative (from a page two levels deep), so
    /// they work wherever the site is served; the canonical link is absolute.
    fn redirect_page(&self, to: &str, title: &str) -> String {
        let relative = format!("../../{to}");
        let canonical = format!("{}{to}", self.base_url);
        format!(
            "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
             <title>{title} (moved)</title>\n<link rel=\"canonical\" href=\"{canonical}\">\n\
             <meta http-equiv=\"refresh\" content=\"0; url={relative}\">\n\
             <meta name=\"robots\" content=\"noindex\">\n</head>\n<body>\n\
             <p>This page has moved: <a href=\"{relative}\">{title}</a>.</p>\n</body>\n</html>\n",
            lang = escape(&self.config.language),
            title = escape(title),
            canonical = escape(&canonical),
            relative = escape(&relative),
        )
    }
}
