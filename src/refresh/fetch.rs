//! Fetching feeds over HTTP: one shared blocking client, conditional GET, a size cap enforced
//! while reading, a total deadline, a redirect limit that refuses non-HTTP schemes.

use std::collections::HashMap;
use std::io::Read;
use std::sync::mpsc::{Receiver, RecvTimeoutError, sync_channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::blocking::Client;
use reqwest::header::{ETAG, HeaderMap, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED};
use reqwest::redirect::Policy;

use crate::site::FetchConfig;

/// What the cache knows that makes a request conditional.
#[derive(Debug, Clone, Default)]
pub struct Validators {
    /// Sent as `If-None-Match`.
    pub etag: Option<String>,
    /// Sent as `If-Modified-Since`.
    pub last_modified: Option<String>,
}

/// The result of one HTTP fetch.
#[derive(Debug)]
pub enum Response {
    /// A 2xx with a body.
    Body {
        /// The body, decompressed, at most `max_bytes` long.
        bytes: Vec<u8>,
        /// The URL after redirects.
        final_url: String,
        /// The HTTP status.
        status: u16,
        /// New validators.
        validators: Validators,
    },
    /// A 304: the cached content is current.
    NotModified,
    /// Anything else, in plain words.
    Failed {
        /// Why.
        error: String,
        /// The HTTP status, if one arrived.
        status: Option<u16>,
    },
}

/// What a response said besides its body: caching hints and permanent moves.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResponseMeta {
    /// Where the feed permanently moved: the target of the chain of 301/308 redirects that
    /// starts at the requested URL (stops at the first temporary redirect).
    pub moved_to: Option<String>,
    /// `Cache-Control: max-age`, in seconds (`no-cache`/`no-store` give 0).
    pub max_age: Option<u64>,
    /// `Retry-After`, verbatim (seconds or an HTTP date).
    pub retry_after: Option<String>,
}

/// A response and its metadata.
#[derive(Debug)]
pub struct Fetched {
    /// The response.
    pub response: Response,
    /// Its caching hints and redirects.
    pub meta: ResponseMeta,
}

/// Per requested URL: the permanent-redirect target so far, and whether the chain is still
/// all permanent. Filled by the redirect policy, taken by [`Fetcher::get_full`].
type Moves = Arc<Mutex<HashMap<String, (Option<String>, bool)>>>;

/// A configured HTTP client, shared by every fetch of a build.
pub struct Fetcher {
    client: Client,
    config: FetchConfig,
    moves: Moves,
}

impl Fetcher {
    /// Builds the client from `[fetch]`.
    pub fn new(config: &FetchConfig) -> Result<Self, String> {
        let max_redirects = config.max_redirects;
        let moves: Moves = Arc::default();
        let seen_moves = moves.clone();
        let policy = Policy::custom(move |attempt| {
            // Record permanent moves: a 301/308 chain from the first URL, before any 302/307.
            if let Some(first) = attempt.previous().first() {
                let permanent = matches!(attempt.status().as_u16(), 301 | 308)
                    && matches!(attempt.url().scheme(), "http" | "https");
                let mut moves = seen_moves.lock().unwrap_or_else(|e| e.into_inner());
                let entry = moves.entry(first.to_string()).or_insert((None, true));
                if entry.1 && permanent {
                    entry.0 = Some(attempt.url().to_string());
                } else {
                    entry.1 = false;
                }
            }
            if attempt.previous().len() > max_redirects {
                attempt.error(format!("more than {max_redirects} redirects"))
            } else if !matches!(attempt.url().scheme(), "http" | "https") {
                let scheme = attempt.url().scheme().to_owned();
                attempt.error(format!("redirect to a non-HTTP URL ({scheme}:) refused"))
            } else {
                attempt.follow()
            }
        });
        let client = Client::builder()
            .user_agent(config.user_agent.clone())
            .connect_timeout(Duration::from_secs(config.connect_timeout_secs))
            .timeout(Duration::from_secs(config.timeout_secs))
            .redirect(policy)
            .pool_max_idle_per_host(config.concurrency.min(64))
            .build()
            .map_err(|e| format!("cannot set up the HTTP client: {e}"))?;
        Ok(Fetcher {
            client,
            config: config.clone(),
            moves,
        })
    }

    /// Fetches `url`, conditionally when `validators` has something.
    pub fn get(&self, url: &str, validators: &Validators) -> Response {
        self.get_full(url, validators).response
    }

    /// Fetches `url` like [`Fetcher::get`], and also returns the response's caching hints and
    /// the permanent redirects it followed.
    pub fn get_full(&self, url: &str, validators: &Validators) -> Fetched {
        let mut meta = ResponseMeta::default();
        let response = self.get_inner(url, validators, &mut meta);
        let key = reqwest::Url::parse(url).map_or_else(|_| url.to_owned(), |u| u.to_string());
        let moved = self
            .moves
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&key);
        meta.moved_to = moved.and_then(|(to, _)| to);
        Fetched { response, meta }
    }

    fn get_inner(&self, url: &str, validators: &Validators, meta: &mut ResponseMeta) -> Response {
        let deadline = Instant::now() + Duration::from_secs(self.config.timeout_secs);
        let response = match self.request(url, validators).send() {
            Ok(r) => r,
            Err(e) => {
                return Response::Failed {
                    error: self.describe(&e),
                    status: e.status().map(|s| s.as_u16()),
                };
            }
        };
        let status = response.status();
        *meta = meta_of(response.headers());
        if status == reqwest::StatusCode::NOT_MODIFIED {
            return Response::NotModified;
        }
        if let Some(error) = self.refusal(&response) {
            return Response::Failed {
                error,
                status: Some(status.as_u16()),
            };
        }
        let final_url = response.url().to_string();
        let validators = validators_of(response.headers());
        match self.read_capped(response, deadline) {
            Ok(bytes) => Response::Body {
                bytes,
                final_url,
                status: status.as_u16(),
                validators,
            },
            Err(error) => Response::Failed {
                error,
                status: Some(status.as_u16()),
            },
        }
    }

    /// The GET of `url`, asking for a feed, conditional when `validators` has something.
    fn request(&self, url: &str, validators: &Validators) -> reqwest::blocking::RequestBuilder {
        let mut request = self.client.get(url).header(
            reqwest::header::ACCEPT,
            "application/atom+xml, application/rss+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5",
        );
        if let Some(etag) = &validators.etag {
            request = request.header(IF_NONE_MATCH, etag);
        }
        if let Some(lm) = &validators.last_modified {
            request = request.header(IF_MODIFIED_SINCE, lm);
        }
        request
    }

    /// Why an answer other than a 304 has no body worth reading: a refused redirect, an error
    /// status, or a `Content-Length` past `max_bytes`.
    fn refusal(&self, response: &reqwest::blocking::Response) -> Option<String> {
        let status = response.status();
        if status.is_redirection()
            && let Some(error) = refused_redirect(response)
        {
            return Some(error);
        }
        if !status.is_success() {
            return Some(
                format!(
                    "HTTP {} {}",
                    status.as_u16(),
                    status.canonical_reason().unwrap_or("")
                )
                .trim_end()
                .to_owned(),
            );
        }
        let max = self.config.max_bytes;
        response
            .content_length()
            .filter(|len| *len > max)
            .map(|len| format!("response too large: {len} bytes, the limit is {max}"))
    }

    /// Reads the (decompressed) body, failing past `max_bytes` or past the deadline.
    ///
    /// reqwest's blocking reads time out only when one read waits `timeout_secs`, so a server
    /// sending a byte now and then could hold a fetch for ever, or nearly twice its deadline
    /// on the last read. The reads therefore run on a helper thread and this one waits for
    /// each chunk only until the deadline; past it, the helper is abandoned and ends at its
    /// next read.
    fn read_capped(
        &self,
        response: reqwest::blocking::Response,
        deadline: Instant,
    ) -> Result<Vec<u8>, String> {
        let max = self.config.max_bytes;
        let timed_out = || {
            format!(
                "timed out after {} s while reading the body",
                self.config.timeout_secs
            )
        };
        let chunks = read_in_background(response)?;
        let mut body = Vec::new();
        loop {
            let wait = deadline.saturating_duration_since(Instant::now());
            let chunk = match chunks.recv_timeout(wait) {
                Ok(Ok(chunk)) if chunk.is_empty() => return Ok(body),
                Ok(Ok(chunk)) => chunk,
                Ok(Err(e)) => {
                    let timed_out_read = e.kind() == std::io::ErrorKind::TimedOut
                        || e.to_string().contains("timed out");
                    return Err(if timed_out_read {
                        timed_out()
                    } else {
                        format!("error while reading the body: {e}")
                    });
                }
                Err(RecvTimeoutError::Timeout) => return Err(timed_out()),
                Err(RecvTimeoutError::Disconnected) => {
                    return Err("error while reading the body: the reader stopped".to_owned());
                }
            };
            if body.len() as u64 + chunk.len() as u64 > max {
                return Err(format!("response too large: more than {max} bytes"));
            }
            body.extend_from_slice(&chunk);
        }
    }

    fn describe(&self, e: &reqwest::Error) -> String {
        if e.is_timeout() {
            return format!("timed out after {} s", self.config.timeout_secs);
        }
        if e.is_redirect() {
            return match std::error::Error::source(e) {
                Some(inner) => inner.to_string(),
                None => "too many redirects".to_owned(),
            };
        }
        let mut msg = String::new();
        let mut source: Option<&dyn std::error::Error> = std::error::Error::source(e);
        while let Some(inner) = source {
            msg = inner.to_string();
            source = inner.source();
        }
        if e.is_connect() {
            format!("could not connect: {msg}")
        } else if msg.is_empty() {
            e.to_string()
        } else {
            msg
        }
    }
}

fn meta_of(headers: &HeaderMap) -> ResponseMeta {
    let text = |name| {
        headers
            .get(name)
            .and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok())
    };
    let max_age = text(reqwest::header::CACHE_CONTROL).and_then(|cc| {
        cc.split(',').map(str::trim).find_map(|directive| {
            let lower = directive.to_ascii_lowercase();
            if lower == "no-cache" || lower == "no-store" {
                return Some(0);
            }
            lower
                .strip_prefix("max-age=")?
                .trim_matches('"')
                .parse()
                .ok()
        })
    });
    ResponseMeta {
        moved_to: None,
        max_age,
        retry_after: text(reqwest::header::RETRY_AFTER).map(|v| v.trim().to_owned()),
    }
}

/// Why a redirect reqwest handed back unfollowed was not followed, when its `Location` names
/// a non-HTTP URL (`file:`, `ftp:`, `data:`...). reqwest does not even ask the redirect policy
/// about such URLs, so this is where they are refused by name.
fn refused_redirect(response: &reqwest::blocking::Response) -> Option<String> {
    let location = response.headers().get(reqwest::header::LOCATION)?;
    let target = response.url().join(location.to_str().ok()?).ok()?;
    (!matches!(target.scheme(), "http" | "https"))
        .then(|| format!("redirect to a non-HTTP URL ({}:) refused", target.scheme()))
}

/// Reads `response` on a helper thread, sending chunks of at most 64 KiB; an empty chunk
/// means the end of the body. The thread ends at the first read after the receiver is gone.
fn read_in_background(
    mut response: reqwest::blocking::Response,
) -> Result<Receiver<std::io::Result<Vec<u8>>>, String> {
    let (sender, receiver) = sync_channel(4);
    std::thread::Builder::new()
        .name("toluu-body".to_owned())
        .spawn(move || {
            let mut buffer = vec![0u8; 64 * 1024];
            loop {
                let chunk = response.read(&mut buffer).map(|n| buffer[..n].to_vec());
                let last = !matches!(&chunk, Ok(c) if !c.is_empty());
                if sender.send(chunk).is_err() || last {
                    return;
                }
            }
        })
        .map_err(|e| format!("cannot start a reader thread: {e}"))?;
    Ok(receiver)
}

fn validators_of(headers: &HeaderMap) -> Validators {
    let get = |name| {
        headers
            .get(name)
            .and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok())
            .map(str::to_owned)
    };
    Validators {
        etag: get(ETAG),
        last_modified: get(LAST_MODIFIED),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{CACHE_CONTROL, HeaderValue, RETRY_AFTER};

    #[test]
    fn cache_control_and_retry_after_are_read() {
        let mut headers = HeaderMap::new();
        headers.insert(
            CACHE_CONTROL,
            HeaderValue::from_static("public, Max-Age=600"),
        );
        headers.insert(RETRY_AFTER, HeaderValue::from_static(" 120 "));
        let meta = meta_of(&headers);
        assert_eq!(
            (meta.max_age, meta.retry_after.as_deref()),
            (Some(600), Some("120"))
        );
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        assert_eq!(meta_of(&headers).max_age, Some(0));
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("private"));
        assert_eq!(meta_of(&headers).max_age, None);
    }
}
