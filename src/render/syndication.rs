//! What the site offers feed readers and crawlers: Atom feeds (the site's, each person's,
//! tag's and feed's), OPML blogrolls and the sitemap, written directly (not through the theme).

use super::*;

impl Renderer<'_> {
    pub(super) fn xml_files(&self) -> Vec<OutputFile> {
        let index = self.index;
        let mut files = Vec::new();
        let all: Vec<usize> = (0..index.feeds.len()).collect();
        files.push(OutputFile {
            path: "atom.xml".into(),
            bytes: self
                .atom(&self.config.title, "", &index.river, ATOM_ENTRIES)
                .into_bytes(),
        });
        files.push(OutputFile {
            path: "feeds.opml".into(),
            bytes: self.blogroll(&self.config.title, None, &all).into_bytes(),
        });
        let people = index
            .people
            .par_iter()
            .enumerate()
            .flat_map_iter(|(p, person)| {
                let feeds = &index.subscriptions[p];
                let path = format!("people/{}/", person.slug);
                let title = format!("{} · {}", person.name, self.config.title);
                [
                    OutputFile {
                        path: format!("{path}atom.xml"),
                        bytes: self
                            .atom(&title, &path, &index.river_of(feeds), ATOM_ENTRIES_SMALL)
                            .into_bytes(),
                    },
                    OutputFile {
                        path: format!("{path}feeds.opml"),
                        bytes: self
                            .blogroll(
                                &format!("What {} reads", person.name),
                                Some(&person.name),
                                feeds,
                            )
                            .into_bytes(),
                    },
                ]
            });
        let tags = index.tags.par_iter().flat_map_iter(|tag| {
            let path = format!("tags/{}/", tag.slug);
            [
                OutputFile {
                    path: format!("{path}atom.xml"),
                    bytes: self
                        .atom(
                            &format!("Tagged {} · {}", tag.name, self.config.title),
                            &path,
                            &index.river_of(&tag.feeds),
                            ATOM_ENTRIES_SMALL,
                        )
                        .into_bytes(),
                },
                OutputFile {
                    path: format!("{path}feeds.opml"),
                    bytes: self
                        .blogroll(
                            &format!("Feeds tagged {} · {}", tag.name, self.config.title),
                            None,
                            &tag.feeds,
                        )
                        .into_bytes(),
                },
            ]
        });
        files.par_extend(people.chain(tags));
        for file in &mut files {
            let xml = String::from_utf8(std::mem::take(&mut file.bytes)).unwrap_or_default();
            file.bytes = Self::with_stylesheet(xml, &file.path).into_bytes();
        }
        files
    }

    /// Points an Atom or OPML document at the theme's XSLT ([`XSL_FILE`]), so that a browser
    /// opening it shows a readable page; feed readers ignore the instruction.
    pub(super) fn with_stylesheet(xml: String, path: &str) -> String {
        let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
        let root = if dir.is_empty() {
            String::new()
        } else {
            "../".repeat(dir.matches('/').count() + 1)
        };
        let pi = format!("<?xml-stylesheet type=\"text/xsl\" href=\"{root}{XSL_FILE}\"?>\n");
        match xml.find("?>\n") {
            Some(end) if xml.starts_with("<?xml ") => {
                let mut out = xml;
                out.insert_str(end + 3, &pi);
                out
            }
            _ => pi + &xml,
        }
    }

    pub(super) fn blogroll(&self, title: &str, owner: Option<&str>, feeds: &[usize]) -> String {
        let entries: Vec<BlogrollEntry> = feeds
            .iter()
            .map(|&f| {
                let feed = &self.index.feeds[f];
                BlogrollEntry {
                    title: &feed.title,
                    xml_url: &feed.xml_url,
                    html_url: feed.site_link.as_deref(),
                    tags: &feed.tags,
                }
            })
            .collect();
        write_blogroll(title, owner, &entries)
    }

    /// An Atom 1.0 document of the newest posts of `posts`, for the page at `page_path`.
    pub(super) fn atom(
        &self,
        title: &str,
        page_path: &str,
        posts: &[PostRef],
        limit: usize,
    ) -> String {
        use std::fmt::Write as _;
        let index = self.index;
        let base = &self.base_url;
        let updated = posts
            .iter()
            .find_map(|&p| index.item(p).date())
            .or_else(|| index.updated())
            .unwrap_or(DateTime::<Utc>::UNIX_EPOCH);
        let mut out = String::from(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"",
        );
        let _ = writeln!(out, " xml:lang=\"{}\">", escape(&self.config.language));
        let _ = writeln!(out, "  <title>{}</title>", escape(title));
        if !self.config.description.is_empty() {
            let _ = writeln!(
                out,
                "  <subtitle>{}</subtitle>",
                escape(&self.config.description)
            );
        }
        let _ = writeln!(
            out,
            "  <id>{}</id>",
            escape(&format!("{base}{page_path}atom.xml"))
        );
        let _ = writeln!(
            out,
            "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>",
            escape(&format!("{base}{page_path}atom.xml"))
        );
        let _ = writeln!(
            out,
            "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
            escape(&format!("{base}{page_path}"))
        );
        let _ = writeln!(out, "  <updated>{}</updated>", date_iso(updated));
        let _ = writeln!(
            out,
            "  <generator version=\"{}\">toluu</generator>",
            env!("CARGO_PKG_VERSION")
        );
        for &post in posts.iter().take(limit) {
            let feed = &index.feeds[post.feed];
            let item = index.item(post);
            let id = match &item.link {
                Some(link) if item.id.is_empty() => link.clone(),
                _ => format!(
                    "{base}feeds/{}/#{}",
                    feed.slug,
                    crate::index::slugify(&item.id)
                ),
            };
            let date = item.date().unwrap_or(updated);
            out.push_str("  <entry>\n");
            let title = if item.title.is_empty() {
                "(untitled)"
            } else {
                &item.title
            };
            let _ = writeln!(out, "    <title>{}</title>", escape(title));
            let _ = writeln!(out, "    <id>{}</id>", escape(&id));
            if let Some(link) = &item.link {
                let _ = writeln!(
                    out,
                    "    <link rel=\"alternate\" href=\"{}\"/>",
                    escape(link)
                );
            }
            let _ = writeln!(
                out,
                "    <updated>{}</updated>",
                date_iso(item.updated.unwrap_or(date))
            );
            if let Some(p) = item.published {
                let _ = writeln!(out, "    <published>{}</published>", date_iso(p));
            }
            let author = item.author.as_deref().unwrap_or(&feed.title);
            let _ = writeln!(out, "    <author><name>{}</name></author>", escape(author));
            let _ = writeln!(
                out,
                "    <source><title>{}</title></source>",
                escape(&feed.title)
            );
            if !item.excerpt.is_empty() {
                let _ = writeln!(
                    out,
                    "    <summary type=\"text\">{}</summary>",
                    escape(&item.excerpt)
                );
            }
            if let Some(html) = &item.content_html {
                let _ = writeln!(out, "    <content type=\"html\">{}</content>", escape(html));
            }
            out.push_str("  </entry>\n");
        }
        out.push_str("</feed>\n");
        out
    }

    /// The sitemap: every page, in the order the pages were planned (`pages` are their
    /// directories).
    pub(super) fn sitemap<'p>(&self, pages: impl Iterator<Item = &'p str>) -> OutputFile {
        let mut out = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
        );
        for dir in pages {
            {
                out.push_str(&format!(
                    "  <url><loc>{}</loc></url>\n",
                    escape(&format!("{}{dir}", self.base_url))
                ));
            }
        }
        out.push_str("</urlset>\n");
        OutputFile {
            path: "sitemap.xml".into(),
            bytes: out.into_bytes(),
        }
    }
}
