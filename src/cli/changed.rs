//! `toluu check --changed-since REF`: what a pull request changes in the lists. Compares each
//! `people/*.toml` with its version at the git revision REF, says which feeds each list added
//! and removed, and with `--fetch` fetches only the added ones. Every file is still checked.
//! In GitHub Actions the same goes to the job summary (`$GITHUB_STEP_SUMMARY`) for the
//! reviewer, and each problem becomes an annotation on its line.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use chrono::{DateTime, Utc};

use super::args::CheckArgs;
use super::check::{self, CheckReport};
use super::exit::fail;
use crate::refresh::FeedState;
use crate::site::{self, Diagnostic, Site};

/// What one list changed since the revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListChange {
    /// The list, relative to the site directory (`people/ana.toml`).
    pub file: PathBuf,
    /// Feeds it lists now and did not then: (URL as written, normalized key).
    pub added: Vec<(String, String)>,
    /// Feeds it listed then and does not now, as they were written.
    pub removed: Vec<String>,
}

/// How a feed the lists added answered `--fetch`.
#[derive(Debug, Clone)]
struct Answer {
    ok: bool,
    /// `ok, 12 items`, or why it failed.
    text: String,
    title: Option<String>,
    last_post: Option<DateTime<Utc>>,
}

/// Runs `toluu check --changed-since REF [--fetch]`.
pub fn run(args: CheckArgs) -> ExitCode {
    let rev = args.changed_since.as_deref().unwrap_or("HEAD");
    if let Err(e) = verify_revision(&args.dir, rev) {
        return fail(&e);
    }
    let mut report = check::check(&args.dir, false);
    let Ok(site) = site::load_site(&args.dir) else {
        return check::finish(&args.dir, &report);
    };
    let changes = match list_changes(&args.dir, &site, rev) {
        Ok(changes) => changes,
        Err(e) => return fail(&e),
    };
    let answers = if args.fetch {
        fetch_added(&args.dir, &site, &changes, &mut report)
    } else {
        Vec::new()
    };
    print!("{}", changes_text(rev, &changes));
    if super::github::in_actions()
        && let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY")
    {
        let prefix = super::github::repo_prefix(&args.dir);
        let md = summary(rev, &prefix, &site, &changes, &answers, &report, args.fetch);
        if let Err(e) = append(Path::new(&path), &md) {
            eprintln!(
                "{}: cannot write the job summary: {e}",
                Path::new(&path).display()
            );
        }
    }
    check::finish(&args.dir, &report)
}

/// Whether `rev` names a commit of the repository that holds `dir`.
pub fn verify_revision(dir: &Path, rev: &str) -> Result<(), String> {
    git(dir, &["rev-parse", "--verify", "--quiet", &format!("{rev}^{{commit}}")]).map_err(
        |_| {
            format!(
                "{}: '{rev}' is not a git revision here; fetch it first (in GitHub Actions: actions/checkout with fetch-depth: 0)",
                dir.display()
            )
        },
    )?;
    Ok(())
}

/// Each list's added and removed feeds since `rev`, in file order; lists that changed no
/// feed are left out. A list the revision did not have added all its feeds; one deleted
/// since removed all of them.
pub fn list_changes(dir: &Path, site: &Site, rev: &str) -> Result<Vec<ListChange>, String> {
    let listed = git(dir, &["ls-tree", "-r", "--name-only", rev, "--", "people"])?;
    let old_files: Vec<PathBuf> = listed
        .lines()
        .filter(|f| f.ends_with(".toml") || f.ends_with(".opml"))
        .map(PathBuf::from)
        .collect();
    let mut files: BTreeSet<PathBuf> = old_files.iter().cloned().collect();
    files.extend(site.people.iter().map(|p| p.file.clone()));
    let mut changes = Vec::new();
    for file in files {
        let old: Vec<String> = if old_files.contains(&file) {
            let spec = format!("{rev}:./{}", file.display()).replace('\\', "/");
            old_urls(&file, &git(dir, &["show", &spec])?)
        } else {
            Vec::new()
        };
        let old_keys: BTreeSet<String> = old.iter().map(|u| key(u)).collect();
        let now = site.people.iter().find(|p| p.file == file);
        let now_feeds = now.map(|p| p.feeds.as_slice()).unwrap_or_default();
        let change = ListChange {
            added: now_feeds
                .iter()
                .filter(|f| !old_keys.contains(&f.key))
                .map(|f| (f.url.clone(), f.key.clone()))
                .collect(),
            removed: old
                .into_iter()
                .filter(|u| !now_feeds.iter().any(|f| f.key == key(u)))
                .collect(),
            file,
        };
        if !change.added.is_empty() || !change.removed.is_empty() {
            changes.push(change);
        }
    }
    Ok(changes)
}

/// A feed URL's identity, as the site's loader computes it.
fn key(url: &str) -> String {
    crate::urls::normalize(url).unwrap_or_else(|_| url.to_owned())
}

/// The feed URLs of a list's old text, TOML or OPML (an old list that does not parse has
/// none).
fn old_urls(file: &Path, text: &str) -> Vec<String> {
    if file.extension().is_some_and(|e| e == "opml") {
        let person = site::opml::parse_person(text, file, String::new());
        return person
            .map(|p| p.feeds.into_iter().map(|f| f.url).collect())
            .unwrap_or_default();
    }
    let Ok(table) = text.parse::<toml::Table>() else {
        return Vec::new();
    };
    let feeds = table.get("feeds").and_then(|f| f.as_array());
    feeds
        .into_iter()
        .flatten()
        .filter_map(|f| f.get("url")?.as_str().map(str::to_owned))
        .collect()
}

/// `git -C dir ARGS`, its output; its error output as the error.
fn git(dir: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}; install git"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        let why = String::from_utf8_lossy(&out.stderr).trim().to_owned();
        Err(format!("{}: git {}: {why}", dir.display(), args.join(" ")))
    }
}

/// Fetches the feeds the lists added, once each, and reports those that failed at the line
/// that lists them. Returns how each answered, by key.
fn fetch_added(
    dir: &Path,
    site: &Site,
    changes: &[ListChange],
    report: &mut CheckReport,
) -> Vec<(String, Answer)> {
    let keys: BTreeSet<&str> = changes
        .iter()
        .flat_map(|c| c.added.iter().map(|(_, k)| k.as_str()))
        .collect();
    if keys.is_empty() {
        return Vec::new();
    }
    match crate::check_some_feeds(dir, |k| keys.contains(k)) {
        Ok((summary, states)) => {
            let answers = summary
                .feeds
                .iter()
                .map(|feed| {
                    check::locate(site, feed, report);
                    let state = states.iter().find(|s| s.url == feed.url);
                    (feed.url.clone(), answer(feed, state))
                })
                .collect();
            report.fetched = Some(summary);
            answers
        }
        Err(e) => {
            let config = Path::new(site::CONFIG_FILE);
            report.errors.push(Diagnostic::file(config, e.to_string()));
            Vec::new()
        }
    }
}

fn answer(feed: &crate::report::FeedReport, state: Option<&FeedState>) -> Answer {
    let parsed = state.and_then(FeedState::feed);
    let ok = feed.status != "failed";
    let text = if ok {
        format!("ok, {} items", feed.items)
    } else {
        format!("failed: {}", feed.error.as_deref().unwrap_or("no answer"))
    };
    Answer {
        ok,
        text,
        title: parsed.map(|f| f.title.clone()).filter(|t| !t.is_empty()),
        last_post: parsed.and_then(|f| {
            f.items
                .iter()
                .filter_map(|i| i.published.or(i.updated))
                .max()
        }),
    }
}

/// The changes as the terminal shows them.
fn changes_text(rev: &str, changes: &[ListChange]) -> String {
    if changes.is_empty() {
        return format!("no list added or removed a feed since {rev}\n");
    }
    let mut out = format!("changes since {rev}:\n");
    for c in changes {
        out.push_str(&format!("  {}\n", c.file.display()));
        for (url, _) in &c.added {
            out.push_str(&format!("    + {url}\n"));
        }
        for url in &c.removed {
            out.push_str(&format!("    - {url}\n"));
        }
    }
    out
}

/// The job summary: per list, the feeds added and removed; per added feed, how it answered
/// and who else reads it; then every problem at its `file:line`.
fn summary(
    rev: &str,
    prefix: &str,
    site: &Site,
    changes: &[ListChange],
    answers: &[(String, Answer)],
    report: &CheckReport,
    fetched: bool,
) -> String {
    let mut md = format!("### toluu check: the lists since `{rev}`\n\n");
    if changes.is_empty() {
        md.push_str("No list added or removed a feed.\n\n");
    } else {
        md.push_str("| list | added | removed |\n| --- | --- | --- |\n");
        for c in changes {
            let file = format!("{prefix}{}", c.file.display());
            let removed: Vec<String> = c.removed.iter().map(|u| cell(u)).collect();
            md.push_str(&format!(
                "| `{file}` | {} | {} |\n",
                c.added.len(),
                removed.join("<br>")
            ));
        }
        md.push('\n');
        md.push_str(&added_table(site, changes, answers, fetched));
    }
    md.push_str(&problems(prefix, report));
    md
}

fn added_table(
    site: &Site,
    changes: &[ListChange],
    answers: &[(String, Answer)],
    fetched: bool,
) -> String {
    let mut md = String::from(
        "| added feed | by | answers | title | last post | also read by |\n| --- | --- | --- | --- | --- | --- |\n",
    );
    for c in changes {
        let slug = c
            .file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        for (url, key) in &c.added {
            let found = answers.iter().find(|(k, _)| k == key).map(|(_, a)| a);
            let answers = match found {
                Some(a) => format!("{} {}", if a.ok { "✅" } else { "❌" }, cell(&a.text)),
                None if fetched => "❌ not fetched".to_owned(),
                None => "not fetched (add --fetch)".to_owned(),
            };
            let title = found
                .and_then(|a| a.title.as_deref())
                .map(cell)
                .unwrap_or_default();
            let last = found
                .and_then(|a| a.last_post)
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default();
            let others: Vec<&str> = site
                .people
                .iter()
                .filter(|p| p.file != c.file && p.feeds.iter().any(|f| &f.key == key))
                .map(|p| p.slug.as_str())
                .collect();
            md.push_str(&format!(
                "| {} | {slug} | {answers} | {title} | {last} | {} |\n",
                cell(url),
                others.join(", ")
            ));
        }
    }
    md.push('\n');
    md
}

fn problems(prefix: &str, report: &CheckReport) -> String {
    let all: Vec<(&str, &Diagnostic)> = report
        .errors
        .iter()
        .chain(&report.feed_errors)
        .map(|d| ("error", d))
        .chain(report.warnings.iter().map(|d| ("warning", d)))
        .collect();
    if all.is_empty() {
        return format!(
            "No problems: {} people, {} distinct feeds.\n",
            report.people, report.feeds
        );
    }
    let mut md = String::from("#### Problems\n\n");
    for (level, d) in all {
        let at = match d.line {
            0 => format!("{prefix}{}", d.file.display()),
            line => format!("{prefix}{}:{line}:{}", d.file.display(), d.col),
        };
        md.push_str(&format!("- {level} `{at}`: {}\n", cell(&d.message)));
    }
    md
}

/// Text for one markdown table cell: `|` escaped, on one line.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}

fn append(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut file = fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    file.write_all(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_old_list_gives_its_feed_urls_and_a_broken_one_none() {
        let text = "name = \"A\"\n[[feeds]]\nurl = \"https://a.example/feed\"\n[[feeds]]\nurl = \"https://b.example/\"\n";
        let toml = Path::new("people/a.toml");
        assert_eq!(
            old_urls(toml, text),
            ["https://a.example/feed", "https://b.example/"]
        );
        assert_eq!(old_urls(toml, "name = "), Vec::<String>::new());
        let opml = "<opml version=\"2.0\"><head><title>A</title></head><body><outline type=\"rss\" text=\"A\" xmlUrl=\"https://a.example/feed\"/></body></opml>";
        assert_eq!(
            old_urls(Path::new("people/a.opml"), opml),
            ["https://a.example/feed"]
        );
    }

    #[test]
    fn a_cell_stays_one_cell() {
        assert_eq!(cell("a | b\nc"), "a \\| b c");
    }
}
