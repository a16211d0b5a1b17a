//! `toluu init`: a new site with one example person and a workflow that publishes it to
//! GitHub Pages.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::args::InitArgs;
use super::exit::fail;

/// Options of `toluu init`.
#[derive(Debug, Clone)]
pub struct InitOptions {
    /// Overwrite files that exist.
    pub force: bool,
    /// The site's title.
    pub title: String,
}

/// The files `init` writes, relative to the site directory.
pub const FILES: [&str; 6] = [
    "toluu.toml",
    "people/your-name.toml",
    "pages/about.md",
    ".gitignore",
    ".github/workflows/publish.yml",
    ".github/workflows/check.yml",
];

/// Runs `toluu init`: writes the site, then says what to do next.
pub fn run(args: InitArgs) -> ExitCode {
    let options = InitOptions {
        force: args.force,
        title: args.title,
    };
    match init(&args.dir, &options) {
        Ok(files) => {
            for file in &files {
                println!("created {}", file.display());
            }
            println!("{}", next_steps(&args.dir));
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e),
    }
}

/// Writes a new site into `dir` (created if missing). Refuses, naming every file in the way,
/// when one of them exists and `force` is not set. Returns the files written.
pub fn init(dir: &Path, options: &InitOptions) -> Result<Vec<PathBuf>, String> {
    let contents = [
        config_toml(&options.title),
        PERSON.to_owned(),
        ABOUT.to_owned(),
        GITIGNORE.to_owned(),
        workflow(),
        check_workflow(),
    ];
    let existing: Vec<String> = FILES
        .iter()
        .filter(|f| dir.join(f).exists())
        .map(|f| dir.join(f).display().to_string())
        .collect();
    if !existing.is_empty() && !options.force {
        return Err(format!(
            "{} already exist{}; nothing was written (use --force to overwrite)",
            existing.join(", "),
            if existing.len() == 1 { "s" } else { "" }
        ));
    }
    let mut written = Vec::new();
    for (rel, text) in FILES.iter().zip(contents) {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .map_err(|e| format!("{}: cannot create: {e}", parent.display()))?;
        }
        fs::write(&path, text).map_err(|e| format!("{}: cannot write: {e}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}

/// What to do after `init`, printed by the command.
pub fn next_steps(dir: &Path) -> String {
    let d = dir.display();
    format!(
        "\nnext:\n  toluu add https://example.org/ --person your-name -C {d}   # add the feeds you read\n  toluu serve {d}                                   # preview at http://127.0.0.1:1111/\n  push it to GitHub, and set Settings > Pages > Source to \"GitHub Actions\""
    )
}

fn config_toml(title: &str) -> String {
    let title = toml_edit::Value::from(title).to_string();
    format!(
        r#"# The site's settings; every key but `title` is optional. See toluu's README.
title = {}
# Where the site is published. The publish workflow overrides it with the Pages URL.
base_url = "http://localhost/"
description = "What we read"
language = "en"

[build]
posts_per_page = 30
items_per_feed = 20
"#,
        title.trim()
    )
}

const PERSON: &str = r#"# One reading list per person: rename this file to your slug (people/<slug>.toml),
# then add feeds with `toluu add URL --person <slug>`, or by hand below.
# Optional keys: bio (markdown), homepage, avatar; see toluu's README.
name = "Your Name"
bio = "What I read, and why."

[[feeds]]
url = "https://blog.rust-lang.org/feed.xml"
tags = ["rust"]
note = "Release notes and news from the Rust project."
"#;

const ABOUT: &str = "# About\n\nWhat this site is, and how to add your own list: open a pull request that adds `people/<you>.toml`.\n";

const GITIGNORE: &str = "# The built site and the fetch state (the publish workflow keeps its own copy).\n/public/\n/.toluu/\n";

/// The Action the workflows install toluu with: this repository at the major version tag
/// (`toluu/toluu@v0`), from Cargo.toml's `repository`.
pub fn action() -> String {
    let repo = env!("CARGO_PKG_REPOSITORY");
    let repo = repo.trim_start_matches("https://github.com/");
    let major = env!("CARGO_PKG_VERSION").split('.').next().unwrap_or("0");
    format!("{repo}@v{major}")
}

/// The GitHub Actions workflow: builds on push, on a schedule and by hand, keeps `.toluu/`
/// between runs, and deploys with the official Pages actions.
pub fn workflow() -> String {
    WORKFLOW.replace("{action}", &action())
}

/// The pull-request workflow: the lists' format, every check, and each feed the pull request
/// adds fetched once, with annotations on the changed lines and a job summary.
pub fn check_workflow() -> String {
    CHECK_WORKFLOW.replace("{action}", &action())
}

const WORKFLOW: &str = r#"# Builds the site and publishes it to GitHub Pages.
# In the repository's settings, set Pages > Source to "GitHub Actions".
name: publish

on:
  push:
    branches: [main]
  schedule:
    - cron: "17 */3 * * *"   # every 3 hours: fetch the feeds again
  workflow_dispatch:

permissions:
  contents: read
  pages: write
  id-token: write

concurrency:
  group: pages
  cancel-in-progress: false

jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0                 # the history: the discover page dates feeds by it
      - name: Install toluu and check the lists
        uses: {action}
        with:
          args: check
      - name: Restore the fetch state
        uses: actions/cache/restore@v4   # the state of the last run: validators, history, health
        with:
          path: .toluu
          key: toluu-state-${{ github.run_id }}
          restore-keys: toluu-state-
      - name: Configure Pages
        id: pages
        uses: actions/configure-pages@v5
      - name: Build
        run: toluu build --base-url "${{ steps.pages.outputs.base_url }}/"
      - name: Save the fetch state
        uses: actions/cache/save@v4      # saved even when the build failed, so health counts go on
        if: always()
        with:
          path: .toluu
          key: toluu-state-${{ github.run_id }}-${{ github.run_attempt }}
      - name: Upload the site
        uses: actions/upload-pages-artifact@v3
        with:
          path: public

  deploy:
    needs: build
    runs-on: ubuntu-latest
    environment:
      name: github-pages
      url: ${{ steps.deployment.outputs.page_url }}
    steps:
      - name: Deploy to GitHub Pages
        id: deployment
        uses: actions/deploy-pages@v4
"#;

const CHECK_WORKFLOW: &str = r#"# Checks a pull request to the lists: their format, every check `toluu check` makes, and
# each feed the pull request adds, fetched once. Problems appear on their lines in the pull
# request; the run's summary lists the feeds each person added and removed.
name: check

on:
  pull_request:

permissions:
  contents: read

jobs:
  check:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0                 # the base branch, to compare the lists with
      - name: Install toluu
        uses: {action}
        with:
          args: ""
      - name: Format
        run: toluu fmt --check
      - name: Check the lists, and fetch the feeds this pull request adds
        if: ${{ !cancelled() }}
        env:
          BASE: ${{ github.base_ref }}
        run: toluu check --changed-since "origin/$BASE" --fetch
"#;
