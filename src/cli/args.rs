//! The command line's shape: clap derive only. The doc comments are the `--help` text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Turn a git repository of reading lists into a static website.
///
/// A site is a directory holding `toluu.toml` and one list per person under `people/`. Every
/// command takes the site directory as its DIR argument (or `--dir`), and defaults to the
/// current directory.
#[derive(Parser)]
#[command(name = "toluu", version, about, long_about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The site directory, for commands whose positional argument is something else.
#[derive(Args, Clone)]
pub struct SiteDir {
    /// The site directory (holds toluu.toml).
    #[arg(long = "dir", short = 'C', value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
}

/// The subcommands.
#[derive(Subcommand)]
pub enum Command {
    /// Create a new site: toluu.toml, an example person, .gitignore and a GitHub Pages workflow.
    Init {
        /// Where to create it (created if missing).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Overwrite files that already exist.
        #[arg(long)]
        force: bool,
        /// The site's title.
        #[arg(long, default_value = "Reading Room")]
        title: String,
        /// The git URL the publish workflow installs toluu from (`cargo install --git URL`);
        /// without it the workflow holds a placeholder you must replace.
        #[arg(long, value_name = "URL")]
        toluu_repo: Option<String>,
    },
    /// Fetch every feed of the lists and write the site.
    Build {
        /// The site directory (holds toluu.toml).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Build from the cache alone; fetch nothing.
        #[arg(long)]
        offline: bool,
        /// Exit non-zero when any feed fails (the site is still written).
        #[arg(long)]
        strict: bool,
        /// Override base_url from toluu.toml (for previews).
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// Write the site here instead of [build] output_dir.
        #[arg(long, short = 'o', value_name = "DIR")]
        output_dir: Option<PathBuf>,
        /// Also write the build report as JSON to this file.
        #[arg(long, value_name = "FILE")]
        report: Option<PathBuf>,
        /// Print only errors: no progress, no summary unless a feed failed.
        #[arg(long, short = 'q', conflicts_with = "verbose")]
        quiet: bool,
        /// Also print one line per feed: its status and how long it took.
        #[arg(long, short = 'v')]
        verbose: bool,
        /// Merge the state written by `toluu fetch --shard` into the site's first (repeatable).
        #[arg(long, value_name = "DIR")]
        merge_state: Vec<PathBuf>,
    },
    /// Suggest feeds to each person, from the lists and the fetch cache (no network).
    Suggest {
        /// The site directory (holds toluu.toml).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Only this person (the file name of their list, without extension).
        #[arg(long, value_name = "SLUG")]
        person: Option<String>,
        /// Suggestions per person (default: [discover] suggestions_per_person).
        #[arg(long, value_name = "N")]
        limit: Option<usize>,
        /// Print JSON: {"people": {slug: [{url, score, reason}]}, "related", "similar_people"}.
        #[arg(long)]
        json: bool,
    },
    /// Copy the theme's templates and static files into the site, to edit them there.
    EjectTheme {
        /// The site directory (holds toluu.toml).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// The theme to copy (default: the site's `theme`, else "default").
        #[arg(long, value_name = "NAME")]
        theme: Option<String>,
        /// Replace files that already exist.
        #[arg(long)]
        force: bool,
    },
    /// Fetch the feeds (or one shard of them) into the state, without building the site.
    Fetch {
        /// The site directory (holds toluu.toml).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Fetch only shard K of N (e.g. 2/4): a fixed split by URL hash.
        #[arg(long, value_name = "K/N", value_parser = crate::refresh::shard::Shard::parse)]
        shard: Option<crate::refresh::shard::Shard>,
        /// Write the state to this directory instead of the site's cache.
        #[arg(long, value_name = "DIR")]
        state_dir: Option<PathBuf>,
        /// The run's time (RFC 3339); give every shard of one run the same.
        #[arg(long, value_name = "TIME")]
        at: Option<chrono::DateTime<chrono::Utc>>,
    },
    /// Build, serve the site on 127.0.0.1 and rebuild it (without refetching) when a file
    /// changes; open pages reload themselves.
    Serve {
        /// The site directory (holds toluu.toml).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// The port to listen on; the next free one if it is taken (0: any free port).
        #[arg(long, short = 'p', default_value_t = 1111)]
        port: u16,
        /// Fetch nothing, not even at start or for a feed newly added to a list.
        #[arg(long)]
        offline: bool,
    },
    /// Add a feed to a person's list: URL is a feed, or a web page whose feeds are found.
    Add {
        /// A feed URL, or a page that links to its feeds.
        url: String,
        /// The person (the file stem of people/SLUG.toml; the file is created if missing).
        #[arg(long, value_name = "SLUG")]
        person: String,
        /// A tag for the feed (repeat for several).
        #[arg(long = "tag", short = 't', value_name = "TAG")]
        tags: Vec<String>,
        /// Why you read it (markdown).
        #[arg(long)]
        note: Option<String>,
        /// When the page has several feeds: take the Nth (1-based) of the choices printed.
        #[arg(long, value_name = "N")]
        pick: Option<usize>,
        /// The person's display name, when their list is created.
        #[arg(long)]
        name: Option<String>,
        #[command(flatten)]
        site: SiteDir,
    },
    /// Import an OPML file (from any feed reader) into a person's list; folders become tags.
    Import {
        /// The OPML file.
        file: PathBuf,
        /// The person (the file stem of people/SLUG.toml; the file is created if missing).
        #[arg(long, value_name = "SLUG")]
        person: String,
        #[command(flatten)]
        site: SiteDir,
    },
    /// Print the site's feeds (or one person's) as OPML 2.0; tags become categories.
    Export {
        /// Only this person's list.
        #[arg(long, value_name = "SLUG")]
        person: Option<String>,
        /// Write to this file instead of stdout.
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
        #[command(flatten)]
        site: SiteDir,
    },
    /// Check toluu.toml and every list; print every problem as file:line:col.
    Check {
        /// The site directory (holds toluu.toml).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Also fetch every feed once and report dead, moved and non-feed URLs at the line that
        /// lists them, with the summary table (exit 1 if a feed fails); the site's state and
        /// output are not touched.
        #[arg(long)]
        fetch: bool,
    },
    /// Rewrite every list (people/*.toml) in canonical form, keeping comments.
    Fmt {
        /// The site directory (holds people/).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Write nothing; exit 1 and name the files that are not in canonical form.
        #[arg(long)]
        check: bool,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}
