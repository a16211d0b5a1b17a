//! What the command line shows while it works: a progress bar on a terminal, plain lines when
//! stderr is not a terminal (CI logs), and colors only on a terminal.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use console::{Term, style};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::refresh::{FeedState, Observer, Outcome, Progress};

/// How much to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verbosity {
    /// Errors only.
    Quiet,
    /// Progress and the summary.
    Normal,
    /// Also one line per feed.
    Verbose,
}

/// The progress display of one build.
pub struct BuildProgress {
    bar: Option<ProgressBar>,
}

impl BuildProgress {
    /// A display on stderr; a bar only when stderr is a terminal.
    pub fn new(verbosity: Verbosity) -> (BuildProgress, Observer) {
        let terminal = Term::stderr().is_term();
        let bar = (terminal && verbosity != Verbosity::Quiet).then(new_bar);
        let reporter = Arc::new(Reporter {
            bar: bar.clone(),
            verbosity,
            done: AtomicUsize::new(0),
            total: AtomicUsize::new(0),
            fetches: AtomicUsize::new(0),
        });
        let observer = Observer::new(move |event| match event {
            Progress::Start { total, fetching } => reporter.start(total, fetching),
            Progress::Done(state) => reporter.done(state),
        });
        (BuildProgress { bar }, observer)
    }

    /// Removes the bar, before the summary is printed.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

fn new_bar() -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{prefix:>10.cyan.bold} [{bar:30}] {pos}/{len} {wide_msg}")
            .expect("a valid template")
            .progress_chars("=> "),
    );
    bar.set_prefix("fetching");
    bar
}

/// What the observer prints to, and what it has counted so far; the refresh tells it from
/// several threads at once.
struct Reporter {
    bar: Option<ProgressBar>,
    verbosity: Verbosity,
    done: AtomicUsize,
    total: AtomicUsize,
    fetches: AtomicUsize,
}

impl Reporter {
    /// The refresh starts: `n` feeds, `fetching` of them from the network.
    fn start(&self, n: usize, fetching: usize) {
        self.total.store(n, Ordering::SeqCst);
        self.fetches.store(fetching, Ordering::SeqCst);
        match &self.bar {
            Some(bar) => {
                bar.set_prefix(if fetching == 0 { "reading" } else { "fetching" });
                bar.set_length(n as u64);
            }
            None if self.verbosity != Verbosity::Quiet => {
                eprintln!("refreshing {n} feeds ({fetching} to fetch)");
            }
            None => {}
        }
    }

    /// One feed is done.
    fn done(&self, state: &FeedState) {
        let i = self.done.fetch_add(1, Ordering::SeqCst) + 1;
        let n = self.total.load(Ordering::SeqCst);
        if self.verbosity == Verbosity::Verbose {
            let line = feed_line(state);
            match &self.bar {
                Some(bar) => bar.println(line),
                None => eprintln!("{line}"),
            }
        }
        match &self.bar {
            Some(bar) => {
                bar.set_message(state.url.clone());
                bar.inc(1);
                if i == n {
                    bar.finish_and_clear();
                }
            }
            // A line at every tenth of a fetch, so CI logs show progress without
            // one line per feed.
            None if self.verbosity == Verbosity::Normal
                && self.fetches.load(Ordering::SeqCst) > 0
                && n >= 10
                && (i * 10 / n) != ((i - 1) * 10 / n) =>
            {
                eprintln!("refreshed {i}/{n} feeds");
            }
            None => {}
        }
    }
}

/// A feed's line under `build -v`: what happened, colored, and how long it took.
fn feed_line(state: &FeedState) -> String {
    let (word, why) = match &state.outcome {
        Outcome::Updated => (style("ok").green(), String::new()),
        Outcome::NotModified => (style("not modified").green(), String::new()),
        Outcome::Cached => (style("cached").dim(), String::new()),
        Outcome::Skipped(why) => (style("skipped").dim(), format!(": {why}")),
        Outcome::Failed(e) => (style("failed").red(), format!(": {e}")),
    };
    format!(
        "{} {}{why} ({} ms)",
        word.for_stderr(),
        state.url,
        state.elapsed.as_millis()
    )
}

/// `error:` in bold red on a terminal.
pub fn error_label() -> String {
    style("error:").red().bold().for_stderr().to_string()
}

/// `warning:` in bold yellow on a terminal.
pub fn warning_label() -> String {
    style("warning:").yellow().bold().for_stderr().to_string()
}
