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

/// Copies `from` to `to` as a clone has it: without a built site (`public/`) or the state a
/// local build leaves (`.toluu/pages`, `.toluu/lock`), so the examples run the same after
/// the README's `cargo run -- build example-site`.
fn copy_tree(from: &Path, to: &Path) {
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
        copy_tree(&repo().join("example-site"), &input.join("example-site"));
        copy_tree(&repo().join("docs/examples"), &input);
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
