//! The HTTP side: listening on a port, and answering each request from the current snapshot
//! (pages get the live-reload script; a failed rebuild shows its error instead).

use std::net::IpAddr;
use std::sync::Arc;
use std::thread;

use tiny_http::{Header, Request, Response, Server};

use super::live_reload::{LIVE_RELOAD_PATH, inject, live_reload};
use super::snapshot::{Shared, Snapshot};
use crate::render::xml::escape;

/// How many ports after the requested one are tried when it is taken.
const PORT_TRIES: u16 = 20;

/// Listens on `port` of `interface`, or the next free one of [`PORT_TRIES`].
pub(super) fn bind(interface: IpAddr, port: u16) -> Result<Server, String> {
    let last = if port == 0 {
        0
    } else {
        port.saturating_add(PORT_TRIES)
    };
    let mut why = String::new();
    for p in port..=last {
        match Server::http((interface, p)) {
            Ok(server) => return Ok(server),
            Err(e) => why = e.to_string(),
        }
    }
    Err(format!(
        "cannot listen on {interface}, ports {port} to {last}: {why}; try another --port or --interface"
    ))
}

/// Answers every request, until the process is stopped. The site was built for `base_url`.
pub(super) fn serve_requests(server: &Server, shared: &Arc<Shared>, base_url: &str) {
    for request in server.incoming_requests() {
        let shared = shared.clone();
        let base_url = base_url.to_owned();
        // One thread per request: a live-reload stream holds its thread for as long as the
        // page is open, and must never hold up other requests.
        thread::spawn(move || handle(request, &shared, &base_url));
    }
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("valid header")
}

fn handle(request: Request, shared: &Shared, base_url: &str) {
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
    let (status, content_type, mut body) = respond(&snapshot, &percent_decode(&path));
    if let Some(asked) = asked_base(&request)
        && asked != base_url
        && is_text(content_type)
    {
        body = replace_all(&body, base_url.as_bytes(), asked.as_bytes());
    }
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

/// The site's address as the browser asked for it (`http://<Host>/`), when it sent a `Host`
/// made of safe characters.
fn asked_base(request: &Request) -> Option<String> {
    let host = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Host"))?
        .value
        .as_str();
    let safe = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    safe.then(|| format!("http://{host}/"))
}

/// Whether a body of this type may carry the site's address (pages, feeds, OPML, JSON).
fn is_text(content_type: &str) -> bool {
    content_type.starts_with("text/")
        || (content_type.starts_with("application/") && content_type != "application/octet-stream")
}

/// `haystack` with every `from` replaced by `to`.
fn replace_all(haystack: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len());
    let mut rest = haystack;
    while let Some(at) = memchr::memmem::find(rest, from) {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(to);
        rest = &rest[at + from.len()..];
    }
    out.extend_from_slice(rest);
    out
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_percent_escapes() {
        assert_eq!(percent_decode("/tags/c%2B%2B/"), "/tags/c++/");
        assert_eq!(percent_decode("/a%2"), "/a%2");
    }
}
