//! What the link check resolves links against: the files of the site rendered in memory, at
//! the addresses `base_url` publishes them under.

use std::collections::BTreeSet;

use url::Url;

use crate::render::OutputFile;

/// Where a link points.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Target {
    /// Not a page of this site (another host, `mailto:`, an anchor in the same page): not
    /// checked.
    Elsewhere,
    /// A file of the site.
    Found,
    /// Inside the site's address space (or a root-relative path outside its base path), but
    /// no file is there: the address, as a root-relative path.
    Missing(String),
}

/// The rendered site's files, by the paths they are published at.
pub(super) struct SiteIndex {
    /// `base_url`, ending in `/`.
    base: Url,
    /// Every output file, relative to the output directory (`about/index.html`).
    files: BTreeSet<String>,
}

impl SiteIndex {
    /// The index of `files`, published under `base_url`.
    pub(super) fn new(base_url: &str, files: &[OutputFile]) -> SiteIndex {
        let with_slash = if base_url.ends_with('/') {
            base_url.to_owned()
        } else {
            format!("{base_url}/")
        };
        let base = Url::parse(&with_slash)
            .or_else(|_| Url::parse("http://site.invalid/"))
            .expect("a valid fallback URL");
        SiteIndex {
            base,
            files: files.iter().map(|f| f.path.clone()).collect(),
        }
    }

    /// The address of the output file `path` (what its relative links resolve against).
    pub(super) fn url_of(&self, path: &str) -> Url {
        self.base.join(path).unwrap_or_else(|_| self.base.clone())
    }

    /// Where `link`, written on the page at `from`, points. Anchors and queries are ignored:
    /// `about/#team` is found when `about/index.html` is.
    pub(super) fn resolve(&self, from: &Url, link: &str) -> Target {
        let link = link.trim();
        if link.is_empty() || link.starts_with('#') {
            return Target::Elsewhere;
        }
        let Ok(url) = from.join(link) else {
            return Target::Missing(link.to_owned());
        };
        let same_host = url.host_str() == self.base.host_str()
            && url.port_or_known_default() == self.base.port_or_known_default();
        if !matches!(url.scheme(), "http" | "https") || !same_host {
            return Target::Elsewhere;
        }
        let written_with_host = link.starts_with("//") || Url::parse(link).is_ok();
        let base_path = self.base.path();
        match url.path().strip_prefix(base_path) {
            Some(rel) if self.exists(&percent_decode(rel)) => Target::Found,
            // Another project published on the same host, written out in full.
            None if written_with_host => Target::Elsewhere,
            _ => Target::Missing(url.path().to_owned()),
        }
    }

    /// Whether the site has a file at `rel` (relative to the base path); a directory resolves
    /// to its `index.html`, with or without its trailing slash.
    fn exists(&self, rel: &str) -> bool {
        if rel.is_empty() || rel.ends_with('/') {
            return self.files.contains(&format!("{rel}index.html"));
        }
        self.files.contains(rel) || self.files.contains(&format!("{rel}/index.html"))
    }

    /// What to do about a link to the missing address `missing`: a near match when there is
    /// one.
    pub(super) fn advice(&self, missing: &str) -> String {
        match self.suggest(missing) {
            Some(near) => format!("did you mean {near}?"),
            None => {
                let rel = missing.strip_prefix(self.base.path()).unwrap_or("");
                match rel
                    .strip_suffix('/')
                    .filter(|s| !s.is_empty() && !s.contains('/'))
                {
                    Some(slug) => format!("fix the link, or add pages/{slug}.md"),
                    None => "fix the link, or add the page it points to".to_owned(),
                }
            }
        }
    }

    /// A near match for the missing root-relative address `missing`: the same path under the
    /// base path when it was left out, else the site's closest address by edit distance, when
    /// it is close enough to be a typo of the address's last segment.
    pub(super) fn suggest(&self, missing: &str) -> Option<String> {
        let base_path = self.base.path();
        if !missing.starts_with(base_path) {
            let under = format!("{base_path}{}", missing.trim_start_matches('/'));
            let rel = &under[base_path.len()..];
            return self.exists(&percent_decode(rel)).then_some(under);
        }
        // A typo of the last segment (`amara-okafr`), not any short name (`nope`, `apple`).
        let last = missing
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or(missing);
        let limit = (last.chars().count() / 3).max(2);
        self.files
            .iter()
            .map(|f| format!("{base_path}{}", f.strip_suffix("index.html").unwrap_or(f)))
            .map(|address| (edit_distance(missing, &address), address))
            .filter(|(d, _)| *d <= limit)
            .min()
            .map(|(_, address)| address)
    }
}

/// `%XX` escapes decoded (output paths are written unescaped); invalid UTF-8 is replaced.
fn percent_decode(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match hex.map(|h| u8::from_str_radix(h, 16)) {
            Some(Ok(b)) if bytes[i] == b'%' => {
                out.push(b);
                i += 3;
            }
            _ => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The Levenshtein distance between `a` and `b`, by characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(base: &str, paths: &[&str]) -> SiteIndex {
        let files: Vec<OutputFile> = paths
            .iter()
            .map(|p| OutputFile {
                path: (*p).to_owned(),
                bytes: Vec::new(),
            })
            .collect();
        SiteIndex::new(base, &files)
    }

    #[test]
    fn resolves_relative_root_relative_and_absolute_links() {
        let site = index(
            "https://x.org/r/",
            &["index.html", "about/index.html", "a.css"],
        );
        let page = site.url_of("about/index.html");
        assert_eq!(site.resolve(&page, "../"), Target::Found);
        assert_eq!(site.resolve(&page, "/r/about/#team"), Target::Found);
        assert_eq!(site.resolve(&page, "/r/about"), Target::Found);
        assert_eq!(site.resolve(&page, "https://x.org/r/a.css"), Target::Found);
        assert_eq!(
            site.resolve(&page, "https://x.org/other/"),
            Target::Elsewhere
        );
        assert_eq!(site.resolve(&page, "https://y.org/"), Target::Elsewhere);
        assert_eq!(site.resolve(&page, "mailto:a@x.org"), Target::Elsewhere);
        assert_eq!(site.resolve(&page, "#top"), Target::Elsewhere);
        assert_eq!(
            site.resolve(&page, "/about/"),
            Target::Missing("/about/".into())
        );
        assert_eq!(site.suggest("/about/").as_deref(), Some("/r/about/"));
        assert_eq!(site.suggest("/r/abuot/").as_deref(), Some("/r/about/"));
        assert_eq!(site.suggest("/r/nothing-like-it/"), None);
        assert_eq!(site.suggest("/r/abc/"), None);
    }

    #[test]
    fn decodes_escapes_and_measures_distance() {
        assert_eq!(percent_decode("caf%C3%A9/%2"), "café/%2");
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "ab"), 2);
    }
}
