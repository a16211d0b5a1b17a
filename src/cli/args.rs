//! The command line's shape: clap derive only. The doc comments are the `--help` text.

// They are written for the terminal, where `[build] output_dir` names a TOML section, not a
// rustdoc link.
#![allow(rustdoc::broken_intra_doc_links)]

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
    /// Create a new site: toluu.toml, an example person, .gitignore, and GitHub workflows that
    /// publish it to GitHub Pages and check pull requests.
    Init(InitArgs),
    /// Fetch every feed of the lists and write the site.
    Build(BuildArgs),
    /// Suggest feeds to each person, from the lists and the fetch cache (no network).
    Suggest(SuggestArgs),
    /// Copy the theme's templates and static files into the site, to edit them there.
    EjectTheme(EjectThemeArgs),
    /// Fetch the feeds (or one shard of them) into the state, without building the site.
    Fetch(FetchArgs),
    /// Build, serve the site on 127.0.0.1 (or --interface) and rebuild it (without
    /// refetching) when a file changes; open pages reload themselves.
    Serve(ServeArgs),
    /// Add a feed to a person's list: URL is a feed, or a web page whose feeds are found.
    Add(AddArgs),
    /// Import an OPML file (from any feed reader) into a person's list; folders become tags.
    Import(ImportArgs),
    /// Print the site's feeds (or one person's) as OPML 2.0; tags become categories.
    Export(ExportArgs),
    /// Check toluu.toml, every list and the links inside the site; print every problem as
    /// file:line:col.
    Check(CheckArgs),
    /// Rewrite every list (people/*.toml) in canonical form, keeping comments.
    Fmt(FmtArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(CompletionsArgs),
}

/// The arguments of `toluu init`.
#[derive(Args)]
pub struct InitArgs {
    /// Where to create it (created if missing).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Overwrite files that already exist.
    #[arg(long)]
    pub force: bool,
    /// The site's title.
    #[arg(long, default_value = "Reading Room")]
    pub title: String,
}

/// The arguments of `toluu build`.
#[derive(Args)]
pub struct BuildArgs {
    /// The site directory (holds toluu.toml).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Build from the cache alone; fetch nothing.
    #[arg(long)]
    pub offline: bool,
    /// Exit non-zero when any feed fails (the site is still written).
    #[arg(long)]
    pub strict: bool,
    /// Override base_url from toluu.toml (for previews).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Write the site here instead of [build] output_dir.
    #[arg(long, short = 'o', value_name = "DIR")]
    pub output_dir: Option<PathBuf>,
    /// Replace an output directory that holds files toluu did not write (a build replaces its
    /// output directory whole; the site's own folders are refused even so).
    #[arg(long)]
    pub force: bool,
    /// Also write the build report as JSON to this file.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Print only errors: no progress; when a feed failed, one line for each and one line of
    /// counts.
    #[arg(long, short = 'q', conflicts_with = "verbose")]
    pub quiet: bool,
    /// Also print one line per feed: its status and how long it took.
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// Merge the state written by `toluu fetch --shard` into the site's first (repeatable).
    #[arg(long, value_name = "DIR")]
    pub merge_state: Vec<PathBuf>,
}

/// The arguments of `toluu suggest`.
#[derive(Args)]
pub struct SuggestArgs {
    /// The site directory (holds toluu.toml).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Only this person (the file name of their list, without extension).
    #[arg(long, value_name = "SLUG")]
    pub person: Option<String>,
    /// Suggestions per person (default: [discover] suggestions_per_person).
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// Print JSON: {"people": {slug: [{url, score, reason}]}, "related", "similar_people"}.
    #[arg(long)]
    pub json: bool,
}

/// The arguments of `toluu eject-theme`.
#[derive(Args)]
pub struct EjectThemeArgs {
    /// The site directory (holds toluu.toml).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// The theme to copy (default: the site's `theme`, else "default").
    #[arg(long, value_name = "NAME")]
    pub theme: Option<String>,
    /// Replace files that already exist.
    #[arg(long)]
    pub force: bool,
}

/// The arguments of `toluu fetch`.
#[derive(Args)]
pub struct FetchArgs {
    /// The site directory (holds toluu.toml).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Fetch only shard K of N (e.g. 2/4): a fixed split by URL hash.
    #[arg(long, value_name = "K/N", value_parser = crate::refresh::shard::Shard::parse)]
    pub shard: Option<crate::refresh::shard::Shard>,
    /// Write the state to this directory instead of the site's cache.
    #[arg(long, value_name = "DIR")]
    pub state_dir: Option<PathBuf>,
    /// The run's time (RFC 3339); give every shard of one run the same.
    #[arg(long, value_name = "TIME")]
    pub at: Option<chrono::DateTime<chrono::Utc>>,
}

/// The arguments of `toluu serve`.
#[derive(Args)]
pub struct ServeArgs {
    /// The site directory (holds toluu.toml).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// The port to listen on; the next free one if it is taken (0: any free port).
    #[arg(long, short = 'p', default_value_t = 1111)]
    pub port: u16,
    /// Fetch nothing, not even at start or for a feed newly added to a list.
    #[arg(long)]
    pub offline: bool,
    /// The address to listen on: 0.0.0.0 (or ::) to preview from a phone on the same network.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub interface: std::net::IpAddr,
    /// Open the site in the browser ($BROWSER, else the system's) once it is built.
    #[arg(long)]
    pub open: bool,
}

/// The arguments of `toluu add`.
#[derive(Args)]
pub struct AddArgs {
    /// A feed URL, or a page that links to its feeds.
    pub url: String,
    /// The person (the file stem of people/SLUG.toml; the file is created if missing).
    #[arg(long, value_name = "SLUG")]
    pub person: String,
    /// A tag for the feed (repeat for several).
    #[arg(long = "tag", short = 't', value_name = "TAG")]
    pub tags: Vec<String>,
    /// Why you read it (markdown).
    #[arg(long)]
    pub note: Option<String>,
    /// When the page has several feeds: take the Nth (1-based) of the choices printed.
    #[arg(long, value_name = "N")]
    pub pick: Option<usize>,
    /// The person's display name, when their list is created.
    #[arg(long)]
    pub name: Option<String>,
    #[command(flatten)]
    pub site: SiteDir,
}

/// The arguments of `toluu import`.
#[derive(Args)]
pub struct ImportArgs {
    /// The OPML file.
    pub file: PathBuf,
    /// The person (the file stem of people/SLUG.toml; the file is created if missing).
    #[arg(long, value_name = "SLUG")]
    pub person: String,
    #[command(flatten)]
    pub site: SiteDir,
}

/// The arguments of `toluu export`.
#[derive(Args)]
pub struct ExportArgs {
    /// Only this person's list.
    #[arg(long, value_name = "SLUG")]
    pub person: Option<String>,
    /// Write to this file instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub site: SiteDir,
}

/// The arguments of `toluu check`.
#[derive(Args)]
pub struct CheckArgs {
    /// The site directory (holds toluu.toml).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Also fetch every feed once and report dead, moved and non-feed URLs at the line that
    /// lists them, with the summary table (exit 1 if a feed fails); the site's state and
    /// output are not touched.
    #[arg(long)]
    pub fetch: bool,
    /// Also say which feeds each list added and removed since the git revision REF (e.g.
    /// origin/main), and let --fetch fetch only the added ones; in GitHub Actions, write
    /// them to the job summary.
    #[arg(long, value_name = "REF")]
    pub changed_since: Option<String>,
}

/// The arguments of `toluu fmt`.
#[derive(Args)]
pub struct FmtArgs {
    /// The site directory (holds people/).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Write nothing; exit 1 and name the files that are not in canonical form.
    #[arg(long)]
    pub check: bool,
}

/// The arguments of `toluu completions`.
#[derive(Args)]
pub struct CompletionsArgs {
    /// The shell.
    pub shell: clap_complete::Shell,
}
