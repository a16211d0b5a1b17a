//! The build summary as the terminal shows it: a table of every feed, then the totals.
//!
//! `build`, `fetch` and `check --fetch` print a [`BuildReport`] with `{}`; `build -v` adds
//! [`stages_line`]; `build -q` prints only [`quiet_summary`]. The report itself (and `--report`'s JSON) is [`crate::report`]'s.

use std::fmt;

use crate::refresh::health::HealthState;
use crate::report::{BuildReport, FeedReport};

/// One line with the time of each stage: `load 3 ms · refresh 1,620 ms · …`.
pub fn stages_line(report: &BuildReport) -> String {
    let stages: Vec<String> = report
        .stages
        .iter()
        .map(|s| format!("{} {} ms", s.stage, s.millis))
        .collect();
    let mut line = format!("stages: {}", stages.join(" · "));
    line.push_str(&format!(
        "; {} pages rendered, {} kept; {} files changed, {} removed",
        report.pages_rendered, report.pages_kept, report.files_changed, report.files_removed
    ));
    line
}

fn count(report: &BuildReport, status: &str) -> usize {
    report.feeds.iter().filter(|f| f.status == status).count()
}

fn count_health(report: &BuildReport, state: HealthState) -> usize {
    report
        .feeds
        .iter()
        .filter(|f| f.health == state.word())
        .count()
}

/// What the summary says about a feed beyond its state, in plain words.
fn remark(r: &FeedReport) -> String {
    let files = r.listed_in.join(", ");
    match (r.health, &r.error) {
        ("moved", _) => format!(
            "moved: update {files} to {}",
            r.moved_to.as_deref().unwrap_or("?")
        ),
        ("failing" | "dead", error) => format!(
            "{} build{} in a row: {} [{files}]",
            r.failures,
            if r.failures == 1 { "" } else { "s" },
            error.as_deref().unwrap_or("failed")
        ),
        (_, Some(error)) => {
            let kept = if r.items > 0 {
                format!(" (showing {} cached items)", r.items)
            } else {
                String::new()
            };
            let n = r.failures.max(1);
            format!(
                "failed {n} build{} in a row, within the grace period: {error}{kept} [{files}]",
                if n == 1 { "" } else { "s" }
            )
        }
        _ => r.note.clone().unwrap_or_default(),
    }
}

fn size(bytes: u64) -> String {
    match bytes {
        0 => "-".to_owned(),
        b if b < 1024 => format!("{b} B"),
        b => format!("{:.1} kB", b as f64 / 1024.0),
    }
}

/// The header and one row per feed.
fn feed_table(f: &mut fmt::Formatter<'_>, feeds: &[FeedReport]) -> fmt::Result {
    let width = feeds.iter().map(|r| r.url.len()).max().unwrap_or(0).min(60);
    writeln!(
        f,
        "{:<width$}  {:<12}  {:>4}  {:>8}  {:>7}  {:>9}  remark",
        "feed", "status", "http", "bytes", "time", "new/total"
    )?;
    for r in feeds {
        let http = r.http_status.map_or("-".to_owned(), |s| s.to_string());
        let row = format!(
            "{:<width$}  {:<12}  {:>4}  {:>8}  {:>5.2} s  {:>9}  {}",
            r.url,
            r.health,
            http,
            size(r.bytes),
            r.millis as f64 / 1000.0,
            format!("{}/{}", r.items_new, r.items),
            remark(r)
        );
        writeln!(f, "{}", row.trim_end())?;
    }
    Ok(())
}

/// How many feeds ended in each state, on one line.
fn counts_line(report: &BuildReport) -> String {
    format!(
        "{} feeds: {} ok, {} not modified, {} cached, {} skipped, {} failed; {} failing, {} moved, {} dead",
        report.feeds.len(),
        count(report, "ok"),
        count(report, "not modified"),
        count(report, "cached"),
        count(report, "skipped"),
        report.failed(),
        count_health(report, HealthState::Failing),
        count_health(report, HealthState::Moved),
        count_health(report, HealthState::Dead),
    )
}

/// What `build -q` prints when a feed failed: one line per failed feed (its URL, why, and the
/// lists that have it), then the counts on one line. Nothing else: no table, no progress.
pub fn quiet_summary(report: &BuildReport) -> String {
    let mut out = String::new();
    for warning in &report.cache_warnings {
        out.push_str(&format!("warning: {warning}\n"));
    }
    for r in report.feeds.iter().filter(|r| r.status == "failed") {
        out.push_str(&format!(
            "error: {}: {} [{}]\n",
            r.url,
            r.error.as_deref().unwrap_or("failed"),
            r.listed_in.join(", ")
        ));
    }
    out.push_str(&counts_line(report));
    out
}

/// The totals: how many feeds ended in each state, and what was written.
fn totals(f: &mut fmt::Formatter<'_>, report: &BuildReport) -> fmt::Result {
    writeln!(f, "{}", counts_line(report))?;
    if report.output_dir.as_os_str().is_empty() {
        // `toluu check --fetch`: nothing was written.
        return write!(f, "checked in {:.2} s", report.millis as f64 / 1000.0);
    }
    write!(
        f,
        "wrote {} files ({} changed) to {} in {:.2} s",
        report.files_written,
        report.files_changed,
        report.output_dir.display(),
        report.millis as f64 / 1000.0
    )
}

impl fmt::Display for BuildReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for warning in &self.cache_warnings {
            writeln!(f, "warning: {warning}")?;
        }
        if !self.feeds.is_empty() {
            feed_table(f, &self.feeds)?;
        }
        totals(f, self)
    }
}
