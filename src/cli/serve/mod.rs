//! `toluu serve`: build the site into memory, serve it on 127.0.0.1, rebuild it when a source
//! file changes and tell open pages to reload.
//!
//! Rebuilds never refetch: feeds come from the cache, and only a feed the cache has never seen
//! (one just added to a list) is fetched. Pages are served from memory with a small live-reload
//! script added; nothing is written to the output directory, so `build` output never carries
//! the script. A rebuild that fails keeps the last good files for assets and shows the error
//! instead of every page until a later rebuild succeeds.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use notify_debouncer_full::notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, new_debouncer};
use tiny_http::{Header, Request, Response, Server};

use super::args::ServeArgs;
use super::exit::fail;
use super::progress::{BuildProgress, Verbosity};
use crate::render::xml::escape;
use crate::site::CONFIG_FILE;
use crate::{BuildOptions, Error};

/// Options of `toluu serve`.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The first port tried; 0 for any free port.
    pub port: u16,
    /// Fetch nothing at all.
    pub offline: bool,
    /// Told about each feed of the first build (a progress bar).
    pub observer: crate::refresh::Observer,
}

/// The path of the live-reload event stream.
pub const LIVE_RELOAD_PATH: &str = "/__toluu/livereload";

/// The source directories watched (besides `toluu.toml`).
pub const WATCHED_DIRS: [&str; 5] = ["people", "pages", "templates", "static", "themes"];

/// How long the watcher waits for a burst of file events to end.
const DEBOUNCE: Duration = Duration::from_millis(50);

/// How many ports after the requested one are tried when it is taken.
const PORT_TRIES: u16 = 20;

/// The script added to served HTML pages: reload when the server says the site changed.
const LIVE_RELOAD_SCRIPT: &str = "<script>(function(){var s=new EventSource(\"/__toluu/livereload\");s.addEventListener(\"reload\",function(){location.reload();});})();</script>";

/// One build's result, as served.
struct Snapshot {
    /// The last good site, by path.
    files: HashMap<String, Vec<u8>>,
    /// Why the last rebuild failed, until one succeeds.
    error: Option<String>,
}

/// Wakes the live-reload streams when the site changes.
#[derive(Default)]
struct Reload {
    generation: Mutex<u64>,
    changed: Condvar,
}

impl Reload {
    fn bump(&self) {
        let mut generation = self.generation.lock().unwrap_or_else(|e| e.into_inner());
        *generation += 1;
        self.changed.notify_all();
    }

    fn current(&self) -> u64 {
        *self.generation.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits until the generation passes `seen`, or `timeout`; returns the generation.
    fn wait(&self, seen: u64, timeout: Duration) -> u64 {
        let guard = self.generation.lock().unwrap_or_else(|e| e.into_inner());
        let (guard, _) = self
            .changed
            .wait_timeout_while(guard, timeout, |g| *g <= seen)
            .unwrap_or_else(|e| e.into_inner());
        *guard
    }
}

/// What the server threads share: the current snapshot and the reload signal.
struct Shared {
    snapshot: Mutex<Arc<Snapshot>>,
    reload: Reload,
}

impl Shared {
    fn snapshot(&self) -> Arc<Snapshot> {
        self.snapshot
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

/// Runs `toluu serve`: a progress bar for the first build, then serves until stopped.
pub fn run(args: ServeArgs) -> ExitCode {
    let (progress, observer) = BuildProgress::new(Verbosity::Normal);
    let options = ServeOptions {
        port: args.port,
        offline: args.offline,
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
    let server = bind(options.port)?;
    let port = server
        .server_addr()
        .to_ip()
        .map(|a| a.port())
        .ok_or("the server has no TCP address")?;
    let base_url = format!("http://127.0.0.1:{port}/");
    let build_options = |fetch_missing_only| BuildOptions {
        offline: options.offline,
        base_url: Some(base_url.clone()),
        fetch_missing_only,
        ..BuildOptions::default()
    };

    let started = Instant::now();
    let first_options = BuildOptions {
        observer: options.observer.clone(),
        ..build_options(false)
    };
    let first = rebuild(root, &first_options, None);
    report(&first, started.elapsed());
    let shared = Arc::new(Shared {
        snapshot: Mutex::new(Arc::new(first)),
        reload: Reload::default(),
    });

    {
        let shared = shared.clone();
        let root = root.to_owned();
        let options = build_options(true);
        let (tx, rx) = mpsc::channel();
        let mut debouncer = new_debouncer(DEBOUNCE, None, move |r: DebounceEventResult| {
            let _ = tx.send(r);
        })
        .map_err(|e| format!("cannot watch {}: {e}", root.display()))?;
        debouncer
            .watch(&root, RecursiveMode::NonRecursive)
            .map_err(|e| format!("cannot watch {}: {e}", root.display()))?;
        for dir in WATCHED_DIRS.iter().map(|d| root.join(d)) {
            if dir.is_dir() {
                let _ = debouncer.watch(&dir, RecursiveMode::Recursive);
            }
        }
        thread::spawn(move || {
            watch_loop(&root, &rx, &shared, &options, |dir| {
                let _ = debouncer.watch(dir, RecursiveMode::Recursive);
            });
        });
    }

    println!("serving {} at {base_url} (Ctrl-C to stop)", root.display());
    let _ = std::io::stdout().flush();
    for request in server.incoming_requests() {
        let shared = shared.clone();
        // One thread per request: a live-reload stream holds its thread for as long as the
        // page is open, and must never hold up other requests.
        thread::spawn(move || handle(request, &shared));
    }
    Ok(())
}

fn bind(port: u16) -> Result<Server, String> {
    let last = if port == 0 {
        0
    } else {
        port.saturating_add(PORT_TRIES)
    };
    let mut why = String::new();
    for p in port..=last {
        match Server::http(("127.0.0.1", p)) {
            Ok(server) => return Ok(server),
            Err(e) => why = e.to_string(),
        }
    }
    Err(format!(
        "cannot listen on 127.0.0.1, ports {port} to {last}: {why}"
    ))
}

/// Renders the site; on failure keeps `previous`'s files and records the error.
fn rebuild(root: &Path, options: &BuildOptions, previous: Option<&Snapshot>) -> Snapshot {
    match crate::render(root, options) {
        Ok(rendered) => Snapshot {
            files: rendered
                .files
                .into_iter()
                .map(|f| (f.path, f.bytes))
                .collect(),
            error: None,
        },
        Err(e) => Snapshot {
            files: previous.map(|p| p.files.clone()).unwrap_or_default(),
            error: Some(describe(&e)),
        },
    }
}

fn describe(e: &Error) -> String {
    match e {
        Error::Config(problems) => problems
            .iter()
            .map(|p| format!("error: {p}"))
            .collect::<Vec<_>>()
            .join("\n"),
        Error::Build(msg) => format!("error: {msg}"),
    }
}

fn report(snapshot: &Snapshot, elapsed: Duration) {
    match &snapshot.error {
        None => println!(
            "built {} files in {} ms",
            snapshot.files.len(),
            elapsed.as_millis()
        ),
        Some(error) => eprintln!("{error}\nthe site is not up to date: fix the file and save"),
    }
    let _ = std::io::stdout().flush();
}

/// Rebuilds on every burst of relevant file events.
fn watch_loop(
    root: &Path,
    rx: &mpsc::Receiver<DebounceEventResult>,
    shared: &Shared,
    options: &BuildOptions,
    mut watch_new_dir: impl FnMut(&Path),
) {
    for result in rx {
        let events = match result {
            Ok(events) => events,
            Err(errors) => {
                for e in errors {
                    eprintln!("warning: watching files: {e}");
                }
                continue;
            }
        };
        let mut relevant = false;
        for event in &events {
            if matches!(event.kind, EventKind::Access(_)) {
                continue;
            }
            for path in &event.paths {
                if let Some(dir) = new_watched_dir(root, path) {
                    watch_new_dir(&dir);
                }
                relevant |= is_source(root, path);
            }
        }
        if !relevant {
            continue;
        }
        let started = Instant::now();
        let previous = shared.snapshot();
        let next = rebuild(root, options, Some(&previous));
        match &next.error {
            None => println!("rebuilt in {} ms", started.elapsed().as_millis()),
            Some(_) => report(&next, started.elapsed()),
        }
        let _ = std::io::stdout().flush();
        *shared.snapshot.lock().unwrap_or_else(|e| e.into_inner()) = Arc::new(next);
        shared.reload.bump();
    }
}

/// Whether `path` is one of the site's sources: `toluu.toml` or a file in a watched
/// directory, not an editor's temporary file.
pub fn is_source(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let name = rel
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".tmp")
        || name == "4913";
    if temporary {
        return false;
    }
    rel == Path::new(CONFIG_FILE)
        || rel
            .components()
            .next()
            .is_some_and(|c| WATCHED_DIRS.iter().any(|d| c.as_os_str() == *d))
}

/// A watched directory created at the site's top level after the server started.
fn new_watched_dir(root: &Path, path: &Path) -> Option<PathBuf> {
    let rel = path.strip_prefix(root).ok()?;
    let is_top = rel.components().count() == 1;
    (is_top && path.is_dir() && WATCHED_DIRS.iter().any(|d| rel == Path::new(d)))
        .then(|| path.to_owned())
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("valid header")
}

fn handle(request: Request, shared: &Shared) {
    let path = request
        .url()
        .split(['?', '#'])
        .next()
        .unwrap_or("/")
        .to_owned();
    if path == LIVE_RELOAD_PATH {
        live_reload(request, &shared.reload);
        return;
    }
    let snapshot = shared.snapshot();
    let (status, content_type, body) = respond(&snapshot, &percent_decode(&path));
    let response = Response::from_data(body)
        .with_status_code(status)
        .with_header(header("Content-Type", content_type))
        .with_header(header("Cache-Control", "no-store"));
    let _ = request.respond(response);
}

/// The status, type and body of `path` in `snapshot`.
fn respond(snapshot: &Snapshot, path: &str) -> (u16, &'static str, Vec<u8>) {
    let rel = path.trim_start_matches('/');
    let candidates = if rel.is_empty() || rel.ends_with('/') {
        vec![format!("{rel}index.html")]
    } else {
        vec![rel.to_owned(), format!("{rel}/index.html")]
    };
    let found = candidates
        .iter()
        .find_map(|c| snapshot.files.get(c).map(|b| (c.as_str(), b)));
    let is_page = found.is_none_or(|(name, _)| name.ends_with(".html"));
    if let Some(error) = &snapshot.error
        && is_page
    {
        return (500, "text/html; charset=utf-8", error_page(error));
    }
    match found {
        Some((name, bytes)) => {
            let content_type = content_type(name);
            let body = if name.ends_with(".html") {
                inject(bytes)
            } else {
                bytes.clone()
            };
            (200, content_type, body)
        }
        None => {
            let body = match snapshot.files.get("404.html") {
                Some(page) => inject(page),
                None => inject(format!("<!doctype html><title>Not found</title><body><h1>Not found</h1><p>{}</p></body>", escape(path)).as_bytes()),
            };
            (404, "text/html; charset=utf-8", body)
        }
    }
}

/// `html` with the live-reload script before its last `</body>` (or at its end).
pub fn inject(html: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(html);
    let at = text.rfind("</body>").unwrap_or(text.len());
    let mut out = String::with_capacity(text.len() + LIVE_RELOAD_SCRIPT.len());
    out.push_str(&text[..at]);
    out.push_str(LIVE_RELOAD_SCRIPT);
    out.push_str(&text[at..]);
    out.into_bytes()
}

fn error_page(error: &str) -> Vec<u8> {
    inject(
        format!(
            "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>toluu: the site did not build</title>\
             <style>body{{font:16px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem}}\
             pre{{background:#fff0f0;border-left:4px solid #c00;padding:1rem;overflow:auto;white-space:pre-wrap}}</style>\
             </head><body><h1>The site did not build</h1><pre>{}</pre>\
             <p>Fix the file and save: this page reloads by itself.</p></body></html>\n",
            escape(error)
        )
        .as_bytes(),
    )
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "xml" => "application/xml",
        "atom" => "application/atom+xml",
        "opml" => "text/x-opml; charset=utf-8",
        "json" => "application/json",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

fn percent_decode(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A server-sent event stream: a `reload` event each time the site is rebuilt, and a
/// comment every 15 s so a closed tab is noticed and its thread ends.
fn live_reload(request: Request, reload: &Reload) {
    let mut seen = reload.current();
    let mut out = request.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n\r\nretry: 1000\n\n";
    if out
        .write_all(head.as_bytes())
        .and_then(|()| out.flush())
        .is_err()
    {
        return;
    }
    loop {
        let now = reload.wait(seen, Duration::from_secs(15));
        let message = if now > seen {
            seen = now;
            format!("event: reload\ndata: {now}\n\n")
        } else {
            ": ping\n\n".to_owned()
        };
        if out
            .write_all(message.as_bytes())
            .and_then(|()| out.flush())
            .is_err()
        {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn injects_before_the_last_body_end() {
        let out = String::from_utf8(inject(b"<html><body><p>x</p></body></html>")).unwrap();
        assert!(out.ends_with(&format!("{LIVE_RELOAD_SCRIPT}</body></html>")));
    }

    #[test]
    fn sources_are_the_config_and_watched_dirs() {
        let root = Path::new("/site");
        assert!(is_source(root, Path::new("/site/toluu.toml")));
        assert!(is_source(root, Path::new("/site/people/ana.toml")));
        assert!(is_source(root, Path::new("/site/templates/a/b.html")));
        assert!(!is_source(root, Path::new("/site/public/index.html")));
        assert!(!is_source(root, Path::new("/site/.toluu/cache/x.json")));
        assert!(!is_source(root, Path::new("/site/people/.ana.toml.swp")));
        assert!(!is_source(root, Path::new("/site/people/ana.toml~")));
    }

    #[test]
    fn decodes_percent_escapes() {
        assert_eq!(percent_decode("/tags/c%2B%2B/"), "/tags/c++/");
        assert_eq!(percent_decode("/a%2"), "/a%2");
    }
}
