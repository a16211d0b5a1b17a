//! toluu's integration tests: one binary, modules by subject. Every feed is served by a
//! loopback server the test starts itself; nothing touches the internet.

mod authoring;
mod build;
mod changed;
mod cli;
mod config_errors;
mod conformance;
mod discover;
mod discover_links;
mod docs;
mod drills;
mod errors;
mod example;
mod filters;
mod fingerprints;
mod fmt;
mod fuzz;
mod health;
mod hostile;
mod hostile_site;
mod icons;
mod identity;
mod incremental;
mod install;
mod kill;
mod linkcheck;
mod links;
mod lint;
mod output;
mod ownership;
mod parity;
mod parsing;
mod reading;
mod renames;
mod river;
mod safety;
mod serve;
mod server;
mod shard;
mod stable_pages;
mod stylesheet;
mod themes;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A site in a temp dir, written file by file.
pub struct TestSite {
    pub dir: tempfile::TempDir,
}

impl TestSite {
    /// A site with `toluu.toml` holding `config` (plus a title when it has none).
    pub fn new(config: &str) -> TestSite {
        let site = TestSite {
            dir: tempfile::tempdir().expect("temp dir"),
        };
        let config = if config.contains("title") {
            config.to_owned()
        } else {
            format!("title = \"Test site\"\n{config}")
        };
        site.write("toluu.toml", &config);
        site
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, rel: &str, text: &str) {
        let path = self.path().join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    /// Writes `people/<slug>.toml`: a person called `name` reading `urls`, in that order.
    pub fn person(&self, slug: &str, name: &str, urls: &[String]) {
        let mut text = format!("name = \"{name}\"\n");
        for url in urls {
            text.push_str(&format!("[[feeds]]\nurl = \"{url}\"\n"));
        }
        self.write(&format!("people/{slug}.toml"), &text);
    }

    /// A file of the built site, as text.
    pub fn output(&self, rel: &str) -> String {
        let path = self.path().join("public").join(rel);
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// Builds through the library.
    /// The pages of the river whose first page is `<prefix>index.html` (`""` for the site's
    /// own), newest first, found as a reader finds them: by each page's `rel="next"` link.
    pub fn river_pages(&self, prefix: &str) -> Vec<String> {
        let mut pages = vec![format!("{prefix}index.html")];
        loop {
            let current = pages.last().unwrap();
            let html = self.output(current);
            let Some(at) = html.find("rel=\"next\"") else {
                return pages;
            };
            let tag_start = html[..at].rfind('<').unwrap();
            let tag = &html[tag_start..html[at..].find('>').unwrap() + at];
            let href = tag
                .split("href=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap();
            // Resolve the relative link from the current page's folder.
            let mut parts: Vec<&str> = current.split('/').collect();
            parts.pop();
            for seg in href.split('/') {
                match seg {
                    ".." => {
                        parts.pop();
                    }
                    "." | "" => {}
                    s => parts.push(s),
                }
            }
            let next = format!("{}/index.html", parts.join("/"));
            assert!(!pages.contains(&next), "{current} links back to {next}");
            pages.push(next);
        }
    }

    pub fn build(&self) -> Result<toluu::report::BuildReport, toluu::Error> {
        toluu::build(self.path(), &toluu::BuildOptions::default())
    }

    /// Builds offline through the library.
    pub fn build_offline(&self) -> Result<toluu::report::BuildReport, toluu::Error> {
        let options = toluu::BuildOptions {
            offline: true,
            ..Default::default()
        };
        toluu::build(self.path(), &options)
    }

    /// Runs the real binary with `args` then the site dir; returns (exit code, stdout, stderr).
    pub fn run(&self, args: &[&str]) -> (i32, String, String) {
        let out = Command::new(env!("CARGO_BIN_EXE_toluu"))
            .args(args)
            .arg(self.path())
            .output()
            .expect("run toluu");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }
}

/// The fixture feeds directory.
pub fn fixture(name: &str) -> Vec<u8> {
    let path: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/feeds")
        .join(name);
    fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every file under `dir`, as (relative path, bytes), sorted.
/// `html` without what the build's clock writes: the "Updated <time>" of the river and the
/// status page (two builds a second apart differ there and nowhere else).
pub fn unclocked(html: &[u8]) -> Vec<u8> {
    const START: &[u8] = b"<p class=\"updated\">";
    let Some(at) = html.windows(START.len()).position(|w| w == START) else {
        return html.to_vec();
    };
    let rest = &html[at..];
    let end = rest
        .windows(4)
        .position(|w| w == b"</p>")
        .map_or(rest.len(), |e| e + 4);
    [
        &html[..at],
        b"<p class=\"updated\"></p>".as_slice(),
        &rest[end..],
    ]
    .concat()
}

/// Copies `from` to `to` as a clone has it: without a built site (`public/`) or the state a
/// local build leaves (`.toluu/pages`, `.toluu/lock`), so the examples run the same after
/// the README's `cargo run -- build example-site`.
pub fn copy_tree(from: &Path, to: &Path) {
    let local = |rel: &Path| {
        rel.starts_with("public")
            || rel.starts_with(".toluu/pages")
            || rel.starts_with(".toluu/lock")
    };
    let entries = walkdir::WalkDir::new(from)
        .into_iter()
        .filter_entry(|e| !local(e.path().strip_prefix(from).unwrap()));
    for entry in entries {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// [`read_tree`] with each file [`unclocked`].
pub fn read_tree_unclocked(dir: &Path) -> Vec<(String, Vec<u8>)> {
    read_tree(dir)
        .into_iter()
        .map(|(path, bytes)| {
            let bytes = unclocked(&bytes);
            (path, bytes)
        })
        .collect()
}

pub fn read_tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, fs::read(e.path()).unwrap())
        })
        .collect();
    files.sort();
    files
}

/// A small RSS 2.0 feed with the given items (title, link, RFC 2822 date).
pub fn rss(title: &str, items: &[(&str, &str, &str)]) -> String {
    let mut out = format!(
        "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>{title}</title>\
         <link>https://site.example/</link><description>About {title}</description>\n"
    );
    for (t, link, date) in items {
        out.push_str(&format!(
            "<item><title>{t}</title><link>{link}</link><guid>{link}</guid><pubDate>{date}</pubDate>\
             <description>Text of {t}.</description></item>\n"
        ));
    }
    out.push_str("</channel></rss>\n");
    out
}
