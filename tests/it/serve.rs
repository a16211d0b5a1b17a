//! `toluu serve`, through the real binary: run the way the README shows it (from inside the
//! site directory, with a relative path), it rebuilds on every edit and reloads open pages.

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use crate::TestSite;
use crate::cli::feed_route;
use crate::server::TestServer;

/// `DIR EXTRA…` as arguments.
fn with_dir<'a>(dir: &'a Path, extra: &[&'a str]) -> Vec<&'a str> {
    let dir = dir.to_str().expect("a UTF-8 temp path");
    [dir].iter().chain(extra).copied().collect()
}

/// A running `toluu serve`, killed on drop.
struct Serve {
    child: Child,
    base: String,
    output: mpsc::Receiver<String>,
}

impl Serve {
    /// `toluu serve DIR --port 0 EXTRA…`.
    fn start(dir: &Path, extra: &[&str]) -> Serve {
        Serve::spawn(Path::new("."), &with_dir(dir, extra), None)
    }

    /// `toluu serve DIR --port 0 EXTRA…` with one more environment variable.
    fn start_with_env(dir: &Path, extra: &[&str], env: (&str, &str)) -> Serve {
        Serve::spawn(Path::new("."), &with_dir(dir, extra), Some(env))
    }

    /// `toluu serve ARGS… --port 0`, run from the directory `cwd`.
    fn start_in(cwd: &Path, args: &[&str]) -> Serve {
        Serve::spawn(cwd, args, None)
    }

    fn spawn(cwd: &Path, args: &[&str], env: Option<(&str, &str)>) -> Serve {
        let mut command = Command::new(env!("CARGO_BIN_EXE_toluu"));
        if let Some((name, value)) = env {
            command.env(name, value);
        }
        let mut child = command
            .current_dir(cwd)
            .arg("serve")
            .args(args)
            .args(["--port", "0"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start toluu serve");
        let (tx, output) = mpsc::channel();
        for stream in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let tx = tx.clone();
            thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    let _ = tx.send(line);
                }
            });
        }
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut seen = Vec::new();
        let base = loop {
            let line = output
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                .unwrap_or_else(|_| panic!("serve did not start: {seen:?}"));
            if let Some(url) = line.split(" at ").nth(1).and_then(|r| r.split(' ').next()) {
                break url.trim_end_matches('/').to_owned();
            }
            seen.push(line);
        };
        Serve {
            child,
            base,
            output,
        }
    }

    fn get(&self, path: &str) -> (u16, String) {
        let response = reqwest::blocking::get(format!("{}{path}", self.base)).expect("GET");
        (
            response.status().as_u16(),
            response.text().unwrap_or_default(),
        )
    }

    /// Polls `path` until `ok` holds, for at most 10 s.
    fn wait_for(&self, path: &str, what: &str, ok: impl Fn(u16, &str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let (status, body) = self.get(path);
            if ok(status, &body) {
                return body;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}: last {status}: {body}"
            );
            thread::sleep(Duration::from_millis(50));
        }
    }

    fn lines(&self) -> Vec<String> {
        self.output.try_iter().collect()
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn serve_rebuilds_on_change_shows_errors_and_recovers() {
    let server = TestServer::start();
    server.route("/a.xml", feed_route("Feed A", "Post from A"));
    server.route("/b.xml", feed_route("Feed B", "Post from B"));
    let site = TestSite::new("");
    let list_a = format!(
        "name = \"Ana\"\n[[feeds]]\nurl = \"{}\"\n",
        server.url("/a.xml")
    );
    site.write("people/ana.toml", &list_a);
    let serve = Serve::start(site.path(), &[]);

    let (status, home) = serve.get("/");
    assert_eq!(status, 200);
    assert!(home.contains("Post from A"), "{home}");
    assert!(
        home.contains("/__toluu/livereload"),
        "served pages carry the script"
    );
    assert!(home.contains(&serve.base), "links use the served address");
    let (status, css) = serve.get("/style.css");
    assert_eq!(status, 200);
    assert!(!css.contains("livereload"));
    assert_eq!(serve.get("/no/such/page/").0, 404);

    // The live-reload stream is open while pages are fetched (it must not block them).
    let mut sse = TcpStream::connect(serve.base.trim_start_matches("http://")).unwrap();
    sse.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    sse.write_all(
        b"GET /__toluu/livereload HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n",
    )
    .unwrap();
    let mut events = BufReader::new(sse);
    let mut head = String::new();
    while !head.ends_with("\r\n\r\n") {
        events.read_line(&mut head).unwrap();
    }
    assert!(head.contains("text/event-stream"), "{head}");
    server.reset();

    // Edit the list: a new name and a new feed. Only the new feed is fetched.
    site.write(
        "people/ana.toml",
        &format!(
            "name = \"Ana Lima\"\n[[feeds]]\nurl = \"{}\"\n[[feeds]]\nurl = \"{}\"\n",
            server.url("/a.xml"),
            server.url("/b.xml")
        ),
    );
    let started = Instant::now();
    let home = serve.wait_for("/", "the new feed", |s, b| {
        s == 200 && b.contains("Post from B")
    });
    eprintln!(
        "edit to visible change: {} ms",
        started.elapsed().as_millis()
    );
    assert!(home.contains("Post from A"));
    let people = serve.wait_for("/people/", "the new name", |_, b| b.contains("Ana Lima"));
    assert!(people.contains("Ana Lima"));
    let paths: Vec<String> = server.seen().into_iter().map(|s| s.path).collect();
    assert_eq!(paths, ["/b.xml"], "a rebuild fetches only the new feed");

    let mut event = String::new();
    while !event.contains("event: reload") {
        let mut line = String::new();
        assert!(events.read_line(&mut line).unwrap() > 0, "stream closed");
        event.push_str(&line);
    }

    // A broken file: the error is in the page and the terminal; the server keeps running.
    site.write("toluu.toml", "title = \"Test site\"\nbogus_key = 1\n");
    let error = serve.wait_for("/", "the error page", |s, _| s == 500);
    assert!(
        error.contains("toluu.toml:2:1: unknown field `bogus_key`"),
        "{error}"
    );
    assert!(
        error.contains("/__toluu/livereload"),
        "the error page reloads itself too"
    );
    assert_eq!(serve.get("/style.css").0, 200, "assets are still served");
    thread::sleep(Duration::from_millis(200));
    let lines = serve.lines().join("\n");
    assert!(lines.contains("unknown field `bogus_key`"), "{lines}");

    // Fixed: the site is back.
    site.write("toluu.toml", "title = \"Fixed Title\"\n");
    let home = serve.wait_for("/", "recovery", |s, b| {
        s == 200 && b.contains("Fixed Title")
    });
    assert!(home.contains("Post from B"));
    assert!(serve.lines().iter().any(|l| l.starts_with("rebuilt in")));

    // A template error (in a templates/ folder made after the server started): shown the same
    // way; deleting the broken template recovers.
    site.write("templates/404.html", "{% if %}");
    let error = serve.wait_for("/", "the template error", |s, _| s == 500);
    assert!(error.contains("template error"), "{error}");
    fs::remove_file(site.path().join("templates/404.html")).unwrap();
    serve.wait_for("/", "recovery from the template error", |s, b| {
        s == 200 && b.contains("Fixed Title")
    });
    assert!(
        !site.path().join("public").exists(),
        "serve writes no output"
    );
}

#[test]
fn serve_offline_fetches_nothing() {
    let server = TestServer::start();
    server.route("/a.xml", feed_route("Feed A", "Post from A"));
    let site = TestSite::new("");
    site.person("ana", "Ana", &[server.url("/a.xml")]);
    let serve = Serve::start(site.path(), &["--offline"]);
    let (status, home) = serve.get("/people/ana/");
    assert_eq!(status, 200);
    assert!(!home.contains("Post from A"));
    site.write(
        "people/ana.toml",
        &format!(
            "name = \"Ana B\"\n[[feeds]]\nurl = \"{}\"\n",
            server.url("/a.xml")
        ),
    );
    serve.wait_for("/people/ana/", "the rebuild", |_, b| b.contains("Ana B"));
    assert!(server.seen().is_empty(), "{:?}", server.seen());
}

/// Reads a live-reload stream of `base` until it sends `event: reload`; fails after 10 s.
fn open_reload_stream(base: &str) -> BufReader<TcpStream> {
    let mut sse = TcpStream::connect(base.trim_start_matches("http://")).unwrap();
    sse.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    sse.write_all(
        b"GET /__toluu/livereload HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n",
    )
    .unwrap();
    let mut events = BufReader::new(sse);
    let mut head = String::new();
    while !head.ends_with("\r\n\r\n") {
        events.read_line(&mut head).unwrap();
    }
    assert!(head.contains("text/event-stream"), "{head}");
    events
}

fn wait_for_reload(events: &mut BufReader<TcpStream>) {
    let mut event = String::new();
    while !event.contains("event: reload") {
        let mut line = String::new();
        let n = events
            .read_line(&mut line)
            .expect("a reload event within 10 s");
        assert!(n > 0, "stream closed");
        event.push_str(&line);
    }
}

/// The README's way: `cd site && toluu serve` (and `toluu serve site` from its parent), with
/// the user's own files around: an edit is rebuilt, served, and open pages get a reload.
#[test]
fn serve_from_inside_the_site_rebuilds_and_reloads() {
    let server = TestServer::start();
    server.route("/a.xml", feed_route("Feed A", "Post from A"));
    let parent = tempfile::tempdir().unwrap();
    let site = parent.path().join("reading");
    fs::create_dir_all(site.join("people")).unwrap();
    fs::write(site.join("toluu.toml"), "title = \"Our Reading Room\"\n").unwrap();
    fs::write(site.join("notes.txt"), "my own notes\n").unwrap();
    let list = |name: &str| {
        format!(
            "name = \"{name}\"\n[[feeds]]\nurl = \"{}\"\n",
            server.url("/a.xml")
        )
    };
    fs::write(site.join("people/ana.toml"), list("Ana")).unwrap();

    for (cwd, args) in [
        (site.clone(), vec![]),
        (parent.path().to_owned(), vec!["reading"]),
    ] {
        let serve = Serve::start_in(&cwd, &args);
        let (status, page) = serve.get("/people/ana/");
        assert_eq!(status, 200);
        assert!(page.contains("Post from A"), "{page}");
        let mut events = open_reload_stream(&serve.base);

        let name = format!("Ana {}", args.len());
        fs::write(site.join("people/ana.toml"), list(&name)).unwrap();
        wait_for_reload(&mut events);
        let page = serve.wait_for("/people/ana/", "the rebuilt page", |s, b| {
            s == 200 && b.contains(&name)
        });
        assert!(page.contains("Post from A"));
        thread::sleep(Duration::from_millis(100));
        let lines = serve.lines();
        assert!(
            lines.iter().any(|l| l.starts_with("rebuilt in")),
            "{lines:?}"
        );
    }
    assert_eq!(
        fs::read_to_string(site.join("notes.txt")).unwrap(),
        "my own notes\n"
    );
    assert!(!site.join("public").exists(), "serve writes no output");
}

/// By default only loopback 127.0.0.1 answers (127.0.0.2, another loopback address, is
/// refused); with `--interface 0.0.0.0` every address does, and pages asked for under another
/// address link to that address (a phone on the LAN follows links to the server, not to
/// 127.0.0.1).
#[test]
fn serve_listens_on_loopback_unless_told_another_interface() {
    let site = TestSite::new("");
    site.person("ana", "Ana", &[]);
    let serve = Serve::start(site.path(), &["--offline"]);
    let port = serve.base.rsplit(':').next().unwrap().to_owned();
    assert!(
        serve.base.starts_with("http://127.0.0.1:"),
        "{}",
        serve.base
    );
    assert!(
        TcpStream::connect(format!("127.0.0.2:{port}")).is_err(),
        "the default binds loopback 127.0.0.1 only"
    );
    drop(serve);

    let serve = Serve::start(site.path(), &["--offline", "--interface", "0.0.0.0"]);
    let port = serve.base.rsplit(':').next().unwrap().to_owned();
    thread::sleep(Duration::from_millis(100));
    assert!(
        serve
            .lines()
            .iter()
            .any(|l| l.contains("every interface (0.0.0.0)")),
        "it says it is reachable from the network"
    );
    let other = format!("http://127.0.0.2:{port}");
    let page = reqwest::blocking::get(format!("{other}/people/ana/"))
        .expect("another address answers")
        .text()
        .unwrap();
    assert!(page.contains(&format!("{other}/")), "{page}");
    assert!(!page.contains("127.0.0.1"), "{page}");
    let (_, here) = serve.get("/people/ana/");
    assert!(here.contains(&format!("{}/", serve.base)));

    let code = Command::new(env!("CARGO_BIN_EXE_toluu"))
        .args(["serve", "--interface", "not-an-address"])
        .arg(site.path())
        .stderr(Stdio::null())
        .status()
        .unwrap()
        .code();
    assert_eq!(code, Some(2), "a bad address is a usage error");
}

/// `--open` starts `$BROWSER` with the site's address once the site is built.
#[test]
fn serve_open_starts_the_browser() {
    let site = TestSite::new("");
    let log = site.path().join("opened.txt");
    let browser = site.path().join("browser.sh");
    fs::write(
        &browser,
        format!("#!/bin/sh\necho \"$1\" > '{}'\n", log.display()),
    )
    .unwrap();
    let mut perms = fs::metadata(&browser).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    fs::set_permissions(&browser, perms).unwrap();
    let serve = Serve::start_with_env(
        site.path(),
        &["--offline", "--open"],
        ("BROWSER", browser.to_str().unwrap()),
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    while !log.exists() {
        assert!(Instant::now() < deadline, "the browser was not started");
        thread::sleep(Duration::from_millis(50));
    }
    thread::sleep(Duration::from_millis(50));
    assert_eq!(
        fs::read_to_string(&log).unwrap().trim(),
        format!("{}/", serve.base)
    );
}
