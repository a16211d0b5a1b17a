//! The docs cannot drift from the behaviour: every `console` example of README.md and of the
//! guide (`docs/src/*.md`) is run by trycmd and its output compared, and every `toluu …` line
//! of their `sh` blocks (steps that need the network, GitHub or an editor, so are not run) is
//! checked to be a command line toluu accepts.
//!
//! Each page runs in a scratch directory of its own holding a copy of `example-site/` and of
//! `docs/examples/` (a reader's `feeds.opml`), so its commands may write there freely; the
//! commands of one page run in order, in that same directory.

use std::fs;
use std::path::{Path, PathBuf};

use clap::Parser;
use toluu::cli::args::Cli;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// README.md and every page of the guide.
fn pages() -> Vec<PathBuf> {
    let mut pages = vec![repo().join("README.md")];
    let mut guide: Vec<PathBuf> = fs::read_dir(repo().join("docs/src"))
        .expect("docs/src")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    guide.sort();
    pages.extend(guide);
    pages
}

#[test]
fn console_examples_run_as_written() {
    let scratch = tempfile::tempdir().unwrap();
    let cases = trycmd::TestCases::new();
    cases
        .register_bin("toluu", Path::new(env!("CARGO_BIN_EXE_toluu")))
        .env("NO_COLOR", "1")
        .env("TZ", "UTC");
    for (i, page) in pages().iter().enumerate() {
        let name = page.file_stem().unwrap().to_string_lossy().into_owned();
        let dir = scratch.path().join(format!("{i:02}"));
        let input = dir.join(format!("{name}.in"));
        crate::copy_tree(&repo().join("example-site"), &input.join("example-site"));
        crate::copy_tree(&repo().join("docs/examples"), &input);
        let copy = dir.join(format!("{name}.md"));
        fs::copy(page, &copy).unwrap();
        cases.case(copy);
    }
    cases.run();
}

/// The words of one shell command line (quotes honoured; a `<placeholder>` is one word; a
/// trailing `# comment` and a redirection dropped).
fn words(line: &str) -> Vec<String> {
    let mut plain = String::new();
    let mut rest = line;
    while let Some(open) = rest.find('<') {
        let close = rest[open..].find('>').map_or(rest.len(), |c| open + c + 1);
        plain.push_str(&rest[..open]);
        plain.push_str("PLACEHOLDER");
        rest = &rest[close..];
    }
    plain.push_str(rest);
    let line = plain.split(" > ").next().unwrap();
    let line = match line.find("  #").or_else(|| line.find(" # ")) {
        Some(at) => &line[..at],
        None => line,
    };
    shlex::split(line).unwrap_or_else(|| panic!("unbalanced quotes: {line}"))
}

/// The `toluu …` command lines of the `sh` blocks of `text`.
fn sh_commands(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_sh = false;
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("```") {
            in_sh = !in_sh && trimmed == "```sh";
            continue;
        }
        if in_sh {
            for part in trimmed.split("&&").map(str::trim) {
                if part.starts_with("toluu ") {
                    out.push(part.to_owned());
                }
            }
        }
    }
    out
}

#[test]
fn sh_examples_are_command_lines_toluu_accepts() {
    let mut checked = 0;
    for page in pages() {
        let text = fs::read_to_string(&page).unwrap();
        for command in sh_commands(&text) {
            if let Err(e) = Cli::try_parse_from(words(&command)) {
                // --version and --help "fail" with what they print: those are fine.
                use clap::error::ErrorKind;
                if !matches!(e.kind(), ErrorKind::DisplayVersion | ErrorKind::DisplayHelp) {
                    panic!(
                        "{}: `{command}` is not a valid command line:\n{e}",
                        page.display()
                    );
                }
            }
            checked += 1;
        }
    }
    assert!(checked >= 5, "only {checked} toluu lines found");
}
