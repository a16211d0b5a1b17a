//! A loopback HTTP server the tests start and stop themselves: serves canned responses,
//! counts requests and records the conditional headers it saw.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// What the server answers for one path.
#[derive(Clone, Debug)]
pub struct Route {
    pub status: u16,
    pub content_type: String,
    pub body: Vec<u8>,
    pub etag: Option<String>,
    /// Extra headers.
    pub headers: Vec<(String, String)>,
    /// Never answer (until the server stops).
    pub hang: bool,
    /// Sent as `Last-Modified`; a request whose `If-Modified-Since` equals it gets a 304.
    pub last_modified: Option<String>,
    /// How the body goes out: all at once, trickled, or generated without end.
    pub send: Delivery,
}

/// How a route's body is sent.
#[derive(Clone, Debug, Default)]
pub enum Delivery {
    /// The whole body, with a Content-Length.
    #[default]
    All,
    /// One byte of the body per `delay`, with a Content-Length announcing all of it.
    Trickle(Duration),
    /// `len` bytes generated on the fly (the body repeated), without Content-Length: the
    /// response ends when the connection closes. Never held in memory.
    Endless(u64),
    /// A redirect to the request path plus `/r`, for ever (the route is matched by prefix).
    RedirectLoop,
}

impl Route {
    pub fn ok(content_type: &str, body: impl Into<Vec<u8>>) -> Route {
        Route {
            status: 200,
            content_type: content_type.to_owned(),
            body: body.into(),
            etag: None,
            headers: Vec::new(),
            hang: false,
            last_modified: None,
            send: Delivery::All,
        }
    }
    pub fn xml(body: impl Into<Vec<u8>>) -> Route {
        Route::ok("application/xml", body)
    }
    pub fn status(status: u16) -> Route {
        Route {
            status,
            ..Route::ok("text/plain", format!("status {status}"))
        }
    }
    pub fn hang() -> Route {
        Route {
            hang: true,
            ..Route::status(200)
        }
    }
    pub fn with_etag(mut self, etag: &str) -> Route {
        self.etag = Some(etag.to_owned());
        self
    }
    pub fn with_last_modified(mut self, date: &str) -> Route {
        self.last_modified = Some(date.to_owned());
        self
    }
    /// A redirect with `status` to `location`.
    pub fn redirect(status: u16, location: &str) -> Route {
        Route::status(status).with_header("Location", location)
    }
    /// Redirects to `/r` appended to the request path, for ever. Register it with
    /// [`TestServer::route_prefix`].
    pub fn redirect_loop() -> Route {
        Route {
            send: Delivery::RedirectLoop,
            ..Route::status(302)
        }
    }
    /// Sends the body one byte per `delay`.
    pub fn trickle(mut self, delay: Duration) -> Route {
        self.send = Delivery::Trickle(delay);
        self
    }
    /// Sends `len` bytes, without Content-Length: the body, then XML comments generated while
    /// sending.
    pub fn endless(mut self, len: u64) -> Route {
        self.send = Delivery::Endless(len);
        self
    }
    /// Adds a response header.
    pub fn with_header(mut self, name: &str, value: &str) -> Route {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }
}

/// One request as the server saw it.
#[derive(Clone, Debug)]
pub struct Seen {
    pub path: String,
    pub if_none_match: Option<String>,
    pub user_agent: Option<String>,
    pub if_modified_since: Option<String>,
    /// When the request came in.
    pub at: Instant,
}

impl Seen {
    /// Whether the request was conditional (carried a validator).
    pub fn conditional(&self) -> bool {
        self.if_none_match.is_some() || self.if_modified_since.is_some()
    }
}

/// The running server; stops when dropped.
pub struct TestServer {
    pub base: String,
    routes: Arc<Mutex<HashMap<String, Route>>>,
    seen: Arc<Mutex<Vec<Seen>>>,
    stop: Arc<AtomicBool>,
    sent: Arc<AtomicU64>,
}

impl TestServer {
    /// Starts a server on a free loopback port. Each connection gets its own thread and is
    /// closed after one response, so no client can starve another.
    pub fn start() -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let routes: Arc<Mutex<HashMap<String, Route>>> = Arc::default();
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        let sent: Arc<AtomicU64> = Arc::default();
        {
            let (routes, seen, stop, sent) =
                (routes.clone(), seen.clone(), stop.clone(), sent.clone());
            thread::spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    match listener.accept() {
                        Ok((stream, _)) => {
                            let (routes, seen, stop, sent) =
                                (routes.clone(), seen.clone(), stop.clone(), sent.clone());
                            thread::spawn(move || handle(stream, &routes, &seen, &stop, &sent));
                        }
                        Err(_) => thread::sleep(Duration::from_millis(5)),
                    }
                }
            });
        }
        TestServer {
            base: format!("http://127.0.0.1:{port}"),
            routes,
            seen,
            stop,
            sent,
        }
    }

    /// Sets what every path starting with `prefix` answers (when no exact route matches).
    pub fn route_prefix(&self, prefix: &str, route: Route) {
        self.routes
            .lock()
            .unwrap()
            .insert(format!("{prefix}*"), route);
    }

    /// Body bytes written to clients so far (for streamed and trickled bodies).
    pub fn body_bytes_sent(&self) -> u64 {
        self.sent.load(Ordering::SeqCst)
    }

    /// Sets (or replaces) what `path` answers.
    pub fn route(&self, path: &str, route: Route) {
        self.routes.lock().unwrap().insert(path.to_owned(), route);
    }

    /// The full URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Every request seen so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// Forgets the requests seen so far.
    pub fn reset(&self) {
        self.seen.lock().unwrap().clear();
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

fn handle(
    mut stream: TcpStream,
    routes: &Mutex<HashMap<String, Route>>,
    seen: &Mutex<Vec<Seen>>,
    stop: &AtomicBool,
    sent: &AtomicU64,
) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let Ok(reader_stream) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(reader_stream);
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let path = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or("/")
        .to_owned();
    let mut headers: Vec<(String, String)> = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_owned()));
        }
    }
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let if_none_match = header("if-none-match");
    seen.lock().unwrap().push(Seen {
        at: Instant::now(),
        path: path.clone(),
        if_none_match: if_none_match.clone(),
        user_agent: header("user-agent"),
        if_modified_since: header("if-modified-since"),
    });
    let route = {
        let routes = routes.lock().unwrap();
        routes.get(&path).cloned().or_else(|| {
            routes
                .iter()
                .filter_map(|(k, r)| Some((k.strip_suffix('*')?, r)))
                .filter(|(prefix, _)| path.starts_with(prefix))
                .max_by_key(|(prefix, _)| prefix.len())
                .map(|(_, r)| r.clone())
        })
    };
    let Some(route) = route else {
        let _ = write_response(&mut stream, 404, "text/plain", &[], b"not found");
        return;
    };
    if route.hang {
        let until = Instant::now() + Duration::from_secs(30);
        while !stop.load(Ordering::SeqCst) && Instant::now() < until {
            thread::sleep(Duration::from_millis(20));
        }
        return;
    }
    let mut extra = route.headers.clone();
    if let Some(date) = &route.last_modified {
        extra.push(("Last-Modified".to_owned(), date.clone()));
        if route.etag.is_none() && header("if-modified-since").as_ref() == Some(date) {
            let _ = write_response(&mut stream, 304, &route.content_type, &extra, b"");
            return;
        }
    }
    match route.send {
        Delivery::All => {}
        Delivery::RedirectLoop => {
            extra.push(("Location".to_owned(), format!("{path}/r")));
        }
        Delivery::Trickle(delay) => {
            let _ = trickle(&mut stream, &route, &extra, delay, stop, sent);
            return;
        }
        Delivery::Endless(len) => {
            let _ = endless(&mut stream, &route, &extra, len, stop, sent);
            return;
        }
    }
    if let Some(etag) = &route.etag {
        extra.push(("ETag".to_owned(), etag.clone()));
        if if_none_match.as_ref() == Some(etag) {
            let _ = write_response(&mut stream, 304, &route.content_type, &extra, b"");
            return;
        }
    }
    let _ = write_response(
        &mut stream,
        route.status,
        &route.content_type,
        &extra,
        &route.body,
    );
}

fn head(status: u16, content_type: &str, headers: &[(String, String)]) -> String {
    let mut head =
        format!("HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\nConnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head
}

fn trickle(
    stream: &mut TcpStream,
    route: &Route,
    headers: &[(String, String)],
    delay: Duration,
    stop: &AtomicBool,
    sent: &AtomicU64,
) -> std::io::Result<()> {
    let _ = stream.set_nodelay(true);
    let mut head = head(route.status, &route.content_type, headers);
    head.push_str(&format!("Content-Length: {}\r\n\r\n", route.body.len()));
    stream.write_all(head.as_bytes())?;
    stream.flush()?;
    for byte in &route.body {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        stream.write_all(std::slice::from_ref(byte))?;
        stream.flush()?;
        sent.fetch_add(1, Ordering::SeqCst);
        thread::sleep(delay);
    }
    Ok(())
}

fn endless(
    stream: &mut TcpStream,
    route: &Route,
    headers: &[(String, String)],
    len: u64,
    stop: &AtomicBool,
    sent: &AtomicU64,
) -> std::io::Result<()> {
    let mut head = head(route.status, &route.content_type, headers);
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    // The body once, then XML comments as padding, 64 KiB at a time.
    stream.write_all(&route.body)?;
    let mut left = len.saturating_sub(route.body.len() as u64);
    let chunk = "<!-- padding -->".repeat(4096).into_bytes();
    while left > 0 && !stop.load(Ordering::SeqCst) {
        let n = left.min(chunk.len() as u64) as usize;
        stream.write_all(&chunk[..n])?;
        sent.fetch_add(n as u64, Ordering::SeqCst);
        left -= n as u64;
    }
    stream.flush()
}

fn write_response(
    stream: &mut TcpStream,
    status: u16,
    content_type: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> std::io::Result<()> {
    let mut head =
        format!("HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\nConnection: close\r\n");
    if status != 304 {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    if status != 304 {
        stream.write_all(body)?;
    }
    stream.flush()
}
