//! What the command line shows while it works: a progress bar on a terminal, plain lines when
//! stderr is not a terminal (CI logs), and colors only on a terminal.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use console::{Term, style};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::refresh::{Observer, Outcome, Progress};

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
        let bar = (terminal && verbosity != Verbosity::Quiet).then(|| {
            let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(
                    "{prefix:>10.cyan.bold} [{bar:30}] {pos}/{len} {wide_msg}",
                )
                .expect("a valid template")
                .progress_chars("=> "),
            );
            bar.set_prefix("fetching");
            bar
        });
        let observer = {
            let bar = bar.clone();
            let done = Arc::new(AtomicUsize::new(0));
            let total = Arc::new(AtomicUsize::new(0));
            let fetches = Arc::new(AtomicUsize::new(0));
            Observer::new(move |event| match event {
                Progress::Start { total: n, fetching } => {
                    total.store(n, Ordering::SeqCst);
                    fetches.store(fetching, Ordering::SeqCst);
                    match &bar {
                        Some(bar) => {
                            bar.set_prefix(if fetching == 0 { "reading" } else { "fetching" });
                            bar.set_length(n as u64);
                        }
                        None if verbosity != Verbosity::Quiet => {
                            eprintln!("refreshing {n} feeds ({fetching} to fetch)");
                        }
                        None => {}
                    }
                }
                Progress::Done(state) => {
                    let i = done.fetch_add(1, Ordering::SeqCst) + 1;
                    let n = total.load(Ordering::SeqCst);
                    if verbosity == Verbosity::Verbose {
                        let (word, why) = match &state.outcome {
                            Outcome::Updated => (style("ok").green(), String::new()),
                            Outcome::NotModified => (style("not modified").green(), String::new()),
                            Outcome::Cached => (style("cached").dim(), String::new()),
                            Outcome::Skipped(why) => (style("skipped").dim(), format!(": {why}")),
                            Outcome::Failed(e) => (style("failed").red(), format!(": {e}")),
                        };
                        let line = format!(
                            "{} {}{why} ({} ms)",
                            word.for_stderr(),
                            state.url,
                            state.elapsed.as_millis()
                        );
                        match &bar {
                            Some(bar) => bar.println(line),
                            None => eprintln!("{line}"),
                        }
                    }
                    match &bar {
                        Some(bar) => {
                            bar.set_message(state.url.clone());
                            bar.inc(1);
                            if i == n {
                                bar.finish_and_clear();
                            }
                        }
                        // A line at every tenth of a fetch, so CI logs show progress without
                        // one line per feed.
                        None if verbosity == Verbosity::Normal
                            && fetches.load(Ordering::SeqCst) > 0
                            && n >= 10
                            && (i * 10 / n) != ((i - 1) * 10 / n) =>
                        {
                            eprintln!("refreshed {i}/{n} feeds");
                        }
                        None => {}
                    }
                }
            })
        };
        (BuildProgress { bar }, observer)
    }

    /// Removes the bar, before the summary is printed.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// `error:` in bold red on a terminal.
pub fn error_label() -> String {
    style("error:").red().bold().for_stderr().to_string()
}

/// `warning:` in bold yellow on a terminal.
pub fn warning_label() -> String {
    style("warning:").yellow().bold().for_stderr().to_string()
}
