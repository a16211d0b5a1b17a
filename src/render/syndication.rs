//! What the site offers feed readers and crawlers: Atom feeds (the site's, each person's,
//! tag's and feed's), OPML blogrolls and the sitemap, written directly (not through the theme).

use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use rayon::prelude::*;
use sha2::{Digest, Sha256};

use super::file::OutputFile;
use super::format::date_iso;
use super::opml::{BlogrollEntry, write_blogroll};
use super::renderer::Renderer;
use super::xml::escape;
use crate::index::{PostRef, TagInfo};
use crate::site::Person;

/// How many posts the site's Atom feed carries.
const ATOM_ENTRIES: usize = 50;

/// How many posts a person's (or a tag's) Atom feed carries: there are many of them.
const ATOM_ENTRIES_SMALL: usize = 20;

/// The Atom entries of dated posts up to their content, made once per build (see
/// `Renderer::dated_entries`).
type Entries = std::collections::HashMap<PostRef, String>;

/// The theme's stylesheet for Atom and OPML files, at the root of the output.
pub const XSL_FILE: &str = "feed.xsl";

impl Renderer<'_> {
    /// The Atom feed and the blogroll of the site, of each person and of each tag, each
    /// handed to `emit` as soon as it is made (a site of 5,000 people has 400 MB of them),
    /// and, at each former address of a person who moved, a copy of theirs (see
    /// [`Renderer::redirects`]).
    pub(super) fn xml_files_into(
        &self,
        emit: &(dyn Fn(OutputFile) -> Result<(), String> + Sync),
    ) -> Result<(), String> {
        let index = self.index;
        let all: Vec<usize> = (0..index.feeds.len()).collect();
        let entries = self.dated_entries();
        let entries = &entries;
        let styled = |file: OutputFile| {
            let xml = String::from_utf8(file.bytes).unwrap_or_default();
            OutputFile {
                bytes: Self::with_stylesheet(xml, &file.path).into_bytes(),
                path: file.path,
            }
        };
        emit(styled(OutputFile {
            path: "atom.xml".into(),
            bytes: self
                .atom(&self.config.title, "", &index.river, ATOM_ENTRIES, entries)
                .into_bytes(),
        }))?;
        emit(styled(OutputFile {
            path: "feeds.opml".into(),
            bytes: self.blogroll(&self.config.title, None, &all).into_bytes(),
        }))?;
        index
            .people
            .par_iter()
            .enumerate()
            .try_for_each(|(p, person)| {
                for file in self.person_xml(p, person, entries) {
                    let file = styled(file);
                    for copy in self.former_addresses(p, &file) {
                        emit(copy)?;
                    }
                    emit(file)?;
                }
                Ok::<(), String>(())
            })?;
        index.tags.par_iter().enumerate().try_for_each(|(t, tag)| {
            self.tag_xml(t, tag, entries)
                .into_iter()
                .try_for_each(|file| emit(styled(file)))
        })
    }

    /// Person `p`'s Atom feed and blogroll.
    fn person_xml(&self, p: usize, person: &Person, entries: &Entries) -> [OutputFile; 2] {
        let feeds = &self.index.subscriptions[p];
        let path = format!("people/{}/", person.slug);
        let title = format!("{} · {}", person.name, self.config.title);
        let river = self.person_river(p);
        [
            OutputFile {
                path: format!("{path}atom.xml"),
                bytes: self
                    .atom(&title, &path, river, ATOM_ENTRIES_SMALL, entries)
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
    }

    /// A tag's Atom feed and blogroll.
    fn tag_xml(&self, t: usize, tag: &TagInfo, entries: &Entries) -> [OutputFile; 2] {
        let path = format!("tags/{}/", tag.slug);
        [
            OutputFile {
                path: format!("{path}atom.xml"),
                bytes: self
                    .atom(
                        &format!("Tagged {} · {}", tag.name, self.config.title),
                        &path,
                        self.tag_river(t),
                        ATOM_ENTRIES_SMALL,
                        entries,
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
    }

    /// Points an Atom or OPML document at the theme's XSLT ([`XSL_FILE`]), so that a browser
    /// opening it shows a readable page; feed readers ignore the instruction.
    fn with_stylesheet(xml: String, path: &str) -> String {
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

    /// The OPML blogroll of `feeds`.
    fn blogroll(&self, title: &str, owner: Option<&str>, feeds: &[usize]) -> String {
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
    fn atom(
        &self,
        title: &str,
        page_path: &str,
        posts: &[PostRef],
        limit: usize,
        entries: &Entries,
    ) -> String {
        let updated = posts
            .iter()
            .find_map(|&p| self.index.item(p).date())
            .or_else(|| self.index.updated())
            .unwrap_or(DateTime::<Utc>::UNIX_EPOCH);
        let mut out = self.atom_head(title, page_path, updated);
        for &post in posts.iter().take(limit) {
            match entries.get(&post) {
                Some(head) => {
                    out.push_str(head);
                    self.atom_entry_content(&mut out, post);
                }
                None => self.atom_entry(&mut out, post, updated),
            }
        }
        out.push_str("</feed>\n");
        out
    }

    /// An Atom document up to its first entry: what the feed is, and when it was `updated`.
    fn atom_head(&self, title: &str, page_path: &str, updated: DateTime<Utc>) -> String {
        let base = &self.base_url;
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
        out
    }

    /// The Atom entry of each dated post that one of the site's Atom files carries, made once
    /// (a post is in the site's feed, its readers' and its tags') up to its content, which each
    /// file writes itself (held for every post, the content would double the build's memory
    /// at the end of a large site's build): an undated post's entry depends on the file it is
    /// in, and is made there.
    fn dated_entries(&self) -> Entries {
        let index = self.index;
        let rivers = std::iter::once((&index.river[..], ATOM_ENTRIES))
            .chain((0..index.people.len()).map(|p| (self.person_river(p), ATOM_ENTRIES_SMALL)))
            .chain((0..index.tags.len()).map(|t| (self.tag_river(t), ATOM_ENTRIES_SMALL)));
        let mut posts: Vec<PostRef> = rivers
            .flat_map(|(river, limit)| river.iter().take(limit).copied())
            .filter(|&p| index.item(p).date().is_some())
            .collect();
        posts.sort_unstable_by_key(|p| (p.feed, p.item));
        posts.dedup();
        posts
            .into_par_iter()
            .map(|post| {
                let mut head = String::new();
                self.atom_entry_head(&mut head, post, DateTime::<Utc>::UNIX_EPOCH);
                (post, head)
            })
            .collect()
    }

    /// Appends `post` to `out` as an Atom entry; an undated post takes the feed's `updated`.
    fn atom_entry(&self, out: &mut String, post: PostRef, updated: DateTime<Utc>) {
        self.atom_entry_head(out, post, updated);
        self.atom_entry_content(out, post);
    }

    /// [`Renderer::atom_entry`] up to the post's content.
    fn atom_entry_head(&self, out: &mut String, post: PostRef, updated: DateTime<Utc>) {
        let feed = &self.index.feeds[post.feed];
        let item = self.index.item(post);
        let id = entry_id(&feed.url, &item.id, item.link.as_deref());
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
    }

    /// The rest of [`Renderer::atom_entry`] after [`Renderer::atom_entry_head`]: the post's
    /// content, and the entry's end.
    fn atom_entry_content(&self, out: &mut String, post: PostRef) {
        if let Some(html) = &self.index.item(post).content_html {
            let _ = writeln!(out, "    <content type=\"html\">{}</content>", escape(html));
        }
        out.push_str("  </entry>\n");
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

/// An Atom entry's id, from the post's own identity alone (never a title, a slug or the site's
/// address), so that it is the same in every Atom file of the site and from build to build: the
/// post's id when that is already an absolute URI (the id feed readers know it by), else a
/// `urn:uuid:` made from the feed's URL and the post's id (else its link).
pub(super) fn entry_id(feed_url: &str, item_id: &str, link: Option<&str>) -> String {
    let own = if item_id.is_empty() {
        link.unwrap_or("")
    } else {
        item_id
    };
    let is_uri = !own.chars().any(|c| c.is_whitespace() || c.is_control())
        && url::Url::parse(own).is_ok_and(|u| {
            matches!(u.scheme(), "http" | "https" | "tag" | "urn")
                && (u.has_host() || u.scheme() != "http" && u.scheme() != "https")
        });
    if is_uri {
        return own.to_owned();
    }
    let digest = Sha256::digest(format!("{feed_url}\n{own}").as_bytes());
    let hex = hex::encode(&digest[..16]);
    // The digest as a version-8 (custom) UUID: RFC 9562 section 5.8.
    format!(
        "urn:uuid:{}-{}-8{}-{:x}{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[13..16],
        0x8 | (u8::from_str_radix(&hex[16..17], 16).unwrap_or(0) & 0x3),
        &hex[17..20],
        &hex[20..32]
    )
}
