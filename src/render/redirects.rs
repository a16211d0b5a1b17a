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
    pub(super) fn redirects(&self) -> Vec<OutputFile> {
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
        files.extend(self.person_redirects());
        files
    }

    /// For each former slug of a person: a redirect page to their page (the copies of their
    /// Atom feed and blogroll at the old address are made with them, see
    /// [`Renderer::former_addresses`]).
    fn person_redirects(&self) -> Vec<OutputFile> {
        self.index
            .moved_people
            .iter()
            .map(|(old, p)| {
                let person = &self.index.people[*p];
                OutputFile {
                    path: format!("people/{old}/index.html"),
                    bytes: self
                        .redirect_page(&format!("people/{}/", person.slug), &person.name)
                        .into_bytes(),
                }
            })
            .collect()
    }

    /// Copies of `file`, one of person `p`'s own files (their Atom feed, their blogroll),
    /// at each of their former addresses, so that a subscription to the old one goes on.
    pub(super) fn former_addresses(&self, p: usize, file: &OutputFile) -> Vec<OutputFile> {
        let to = format!("people/{}/", self.index.people[p].slug);
        let Some(name) = file.path.strip_prefix(&to).filter(|n| !n.contains('/')) else {
            return Vec::new();
        };
        self.index
            .moved_people
            .iter()
            .filter(|(_, moved)| *moved == p)
            .map(|(old, _)| OutputFile {
                path: format!("people/{old}/{name}"),
                bytes: file.bytes.clone(),
            })
            .collect()
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
