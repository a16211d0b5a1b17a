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
    /// The git URL the workflow installs toluu from; a marked placeholder when `None`.
    pub toluu_repo: Option<String>,
}

/// What the workflow installs toluu from when `--toluu-repo` is not given. The workflow
/// refuses to run until it is replaced.
pub const REPO_PLACEHOLDER: &str = "https://github.com/OWNER/toluu";

/// The files `init` writes, relative to the site directory.
pub const FILES: [&str; 5] = [
    "toluu.toml",
    "people/your-name.toml",
    "pages/about.md",
    ".gitignore",
    ".github/workflows/publish.yml",
];

/// Runs `toluu init`: writes the site, then says what to do next.
pub fn run(args: InitArgs) -> ExitCode {
    let options = InitOptions {
        force: args.force,
        title: args.title,
        toluu_repo: args.toluu_repo,
    };
    match init(&args.dir, &options) {
        Ok(files) => {
            for file in &files {
                println!("created {}", file.display());
            }
            println!("{}", next_steps(&args.dir, &options));
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e),
    }
}

/// Writes a new site into `dir` (created if missing). Refuses, naming every file in the way,
/// when one of them exists and `force` is not set. Returns the files written.
pub fn init(dir: &Path, options: &InitOptions) -> Result<Vec<PathBuf>, String> {
    if let Some(repo) = &options.toluu_repo
        && (repo.trim().is_empty() || repo.contains(char::is_whitespace))
    {
        return Err(format!("--toluu-repo '{repo}' is not a git URL"));
    }
    let contents = [
        config_toml(&options.title),
        PERSON.to_owned(),
        ABOUT.to_owned(),
        GITIGNORE.to_owned(),
        workflow(options.toluu_repo.as_deref()),
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
pub fn next_steps(dir: &Path, options: &InitOptions) -> String {
    let d = dir.display();
    let mut out = format!(
        "\nnext:\n  toluu add https://example.org/ --person your-name -C {d}   # add the feeds you read\n  toluu serve {d}                                   # preview at http://127.0.0.1:1111/"
    );
    if options.toluu_repo.is_none() {
        out.push_str(&format!(
            "\n  edit {d}/.github/workflows/publish.yml: set TOLUU_REPO to the git URL of toluu's source"
        ));
    }
    out
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

/// The GitHub Actions workflow: builds on push, on a schedule and by hand, keeps `.toluu/`
/// between runs, and deploys with the official Pages actions.
pub fn workflow(toluu_repo: Option<&str>) -> String {
    let repo = toluu_repo.unwrap_or(REPO_PLACEHOLDER);
    let marker = if toluu_repo.is_none() {
        "   # <- REPLACE: the git URL of toluu's source"
    } else {
        ""
    };
    WORKFLOW
        .replace("{repo}", repo)
        .replace("{marker}", marker)
        .replace("{placeholder}", REPO_PLACEHOLDER)
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

env:
  TOLUU_REPO: {repo}{marker}

jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Check that TOLUU_REPO is set
        run: |
          if [ "$TOLUU_REPO" = "{placeholder}" ]; then
            echo "::error file=.github/workflows/publish.yml::set TOLUU_REPO to the git URL of toluu's source"
            exit 1
          fi
      - name: Find toluu's revision
        id: toluu
        run: echo "rev=$(git ls-remote "$TOLUU_REPO" HEAD | cut -f1)" >> "$GITHUB_OUTPUT"
      - name: Restore the toluu binary
        id: toluu-bin
        uses: actions/cache@v4
        with:
          path: ~/.cargo/bin/toluu
          key: toluu-bin-${{ runner.os }}-${{ steps.toluu.outputs.rev }}
      - name: Install toluu
        if: steps.toluu-bin.outputs.cache-hit != 'true'
        run: cargo install --locked --git "$TOLUU_REPO" --rev "${{ steps.toluu.outputs.rev }}" toluu
      - name: Check the lists
        run: toluu check
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
