//! Live reload: the script served pages carry, and the event stream that tells them the site
//! was rebuilt.

use std::io::Write;
use std::sync::{Condvar, Mutex};
use std::time::Duration;

use tiny_http::Request;

/// The path of the live-reload event stream.
pub const LIVE_RELOAD_PATH: &str = "/__toluu/livereload";

/// The script added to served HTML pages: reload when the server says the site changed.
const LIVE_RELOAD_SCRIPT: &str = "<script>(function(){var s=new EventSource(\"/__toluu/livereload\");s.addEventListener(\"reload\",function(){location.reload();});})();</script>";

/// Wakes the live-reload streams when the site changes.
#[derive(Default)]
pub(super) struct Reload {
    generation: Mutex<u64>,
    changed: Condvar,
}

impl Reload {
    /// Tells every stream that the site changed.
    pub(super) fn bump(&self) {
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

/// A server-sent event stream: a `reload` event each time the site is rebuilt, and a
/// comment every 15 s so a closed tab is noticed and its thread ends.
pub(super) fn live_reload(request: Request, reload: &Reload) {
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
}
