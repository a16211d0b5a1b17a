//! `toluu serve`: build the site into memory, serve it on 127.0.0.1 (or the interface asked
//! for), rebuild it when a source file changes and tell open pages to reload.
//!
//! Rebuilds never refetch: feeds come from the cache, and only a feed the cache has never seen
//! (one just added to a list) is fetched. Pages are served from memory with a small live-reload
//! script added; nothing is written to the output directory, so `build` output never carries
//! the script. A rebuild that fails keeps the last good files for assets and shows the error
//! instead of every page until a later rebuild succeeds.

use std::io::Write;
use std::net::IpAddr;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use tiny_http::Server;

use super::args::ServeArgs;
use super::exit::fail;
use super::progress::{BuildProgress, Verbosity};
use crate::BuildOptions;

mod http;
mod live_reload;
mod open;
mod snapshot;
mod watch;

pub use live_reload::{LIVE_RELOAD_PATH, inject};
pub use watch::{WATCHED_DIRS, is_source};

/// Options of `toluu serve`.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The first port tried; 0 for any free port.
    pub port: u16,
    /// Fetch nothing at all.
    pub offline: bool,
    /// The address to listen on (loopback unless asked otherwise).
    pub interface: IpAddr,
    /// Open the site in the browser once it is built.
    pub open: bool,
    /// Told about each feed of the first build (a progress bar).
    pub observer: crate::refresh::Observer,
}

/// Runs `toluu serve`: a progress bar for the first build, then serves until stopped.
pub fn run(args: ServeArgs) -> ExitCode {
    let (progress, observer) = BuildProgress::new(Verbosity::Normal);
    let options = ServeOptions {
        port: args.port,
        offline: args.offline,
        interface: args.interface,
        open: args.open,
        observer,
    };
    let result = serve(&args.dir, &options);
    progress.finish();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e),
    }
}

/// Serves the site in `root` until the process is stopped.
pub fn serve(root: &Path, options: &ServeOptions) -> Result<(), String> {
    let server = http::bind(options.interface, options.port)?;
    let base_url = base_url(&server)?;
    let shared = Arc::new(first_build(root, options, &base_url));
    watch::start(
        root,
        shared.clone(),
        build_options(options, &base_url, true),
    )?;
    println!("serving {} at {base_url} (Ctrl-C to stop)", root.display());
    if options.interface.is_unspecified() {
        println!(
            "listening on every interface ({}): from another device, use this machine's address on your network",
            options.interface
        );
    }
    let _ = std::io::stdout().flush();
    if options.open {
        open::in_browser(&base_url);
    }
    http::serve_requests(&server, &shared, &base_url);
    Ok(())
}

/// The site's address, at the port the server got (not always the one asked for); on every
/// interface (0.0.0.0), the loopback one. Pages asked for under another address (a phone's
/// `Host`) get their links rewritten to it as they are sent.
fn base_url(server: &Server) -> Result<String, String> {
    let mut addr = server
        .server_addr()
        .to_ip()
        .ok_or("the server has no TCP address")?;
    if addr.ip().is_unspecified() {
        addr.set_ip(match addr.ip() {
            IpAddr::V4(_) => IpAddr::from([127, 0, 0, 1]),
            IpAddr::V6(_) => IpAddr::from([0, 0, 0, 0, 0, 0, 0, 1]),
        });
    }
    Ok(format!("http://{addr}/"))
}

/// The options of every build the server makes; rebuilds fetch only the feeds the cache has
/// never seen.
fn build_options(options: &ServeOptions, base_url: &str, fetch_missing_only: bool) -> BuildOptions {
    BuildOptions {
        offline: options.offline,
        base_url: Some(base_url.to_owned()),
        fetch_missing_only,
        ..BuildOptions::default()
    }
}

/// Builds the site once, told to the observer (the progress bar), and prints how it went.
fn first_build(root: &Path, options: &ServeOptions, base_url: &str) -> snapshot::Shared {
    let started = Instant::now();
    let first_options = BuildOptions {
        observer: options.observer.clone(),
        ..build_options(options, base_url, false)
    };
    let first = snapshot::rebuild(root, &first_options, None);
    snapshot::report(&first, started.elapsed());
    snapshot::Shared::new(first)
}
