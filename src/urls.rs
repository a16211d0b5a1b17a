//! URL helpers: feed URL normalization and the check every feed-supplied URL passes before it
//! becomes a link.

use url::Url;

/// Normalizes a feed URL so that two spellings of the same URL compare equal: scheme and host
/// lowercased, default port and fragment dropped, path percent-encoding made canonical.
/// Only `http` and `https` URLs are accepted.
pub fn normalize(raw: &str) -> Result<String, String> {
    let mut url = Url::parse(raw.trim()).map_err(|e| not_a_url(raw, e))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "unsupported scheme '{}', expected http or https",
            url.scheme()
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("URL has no host".to_owned());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("URL carries credentials; keep secrets out of public lists".to_owned());
    }
    url.set_fragment(None);
    Ok(url.into())
}

/// Why `raw` is not a URL, in plain words.
fn not_a_url(raw: &str, e: url::ParseError) -> String {
    use url::ParseError as P;
    match e {
        P::RelativeUrlWithoutBase => format!(
            "not a full URL: it needs its scheme and host, e.g. 'https://{}'",
            raw.trim().trim_start_matches('/')
        ),
        P::EmptyHost => "not a valid URL: it has no host".to_owned(),
        P::InvalidPort => "not a valid URL: its port is not a number from 1 to 65535".to_owned(),
        P::InvalidDomainCharacter | P::IdnaError => {
            "not a valid URL: its host has a character a host name cannot have".to_owned()
        }
        P::InvalidIpv4Address | P::InvalidIpv6Address => {
            "not a valid URL: its host is not a valid IP address".to_owned()
        }
        _ => "not a valid URL".to_owned(),
    }
}

/// Resolves `raw` against `base` and returns it only when the result is an `http(s)` URL.
/// This is the one gate every URL from a feed passes before it becomes a link or an image
/// source: `javascript:`, `data:`, `file:` and anything unparsable are refused.
pub fn safe_link(raw: &str, base: Option<&Url>) -> Option<String> {
    safe_url(raw, base).map(Into::into)
}

/// [`safe_link`], as a parsed URL.
pub fn safe_url(raw: &str, base: Option<&Url>) -> Option<Url> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    let url = match base {
        Some(base) => base.join(raw).ok()?,
        None => Url::parse(raw).ok()?,
    };
    if matches!(url.scheme(), "http" | "https") && url.host_str().is_some_and(|h| !h.is_empty()) {
        Some(url)
    } else {
        None
    }
}

/// Whether `url`'s host is a name reserved for examples and tests (RFC 2606, RFC 6761:
/// `.example`, `.invalid`, `.test`, `example.com`/`.net`/`.org`), or `url` is not a URL: no
/// real site is there, so toluu never looks one up on its own (an icon, a blogroll, a linked
/// site).
pub fn reserved_for_examples(url: &str) -> bool {
    let Some(host) = Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
    else {
        return true;
    };
    let host = host.trim_end_matches('.');
    [
        "example",
        "invalid",
        "test",
        "example.com",
        "example.net",
        "example.org",
    ]
    .iter()
    .any(|r| host == *r || host.ends_with(&format!(".{r}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_merges_spellings() {
        assert_eq!(
            normalize("HTTPS://Example.COM:443/feed.xml#top").unwrap(),
            "https://example.com/feed.xml"
        );
        assert_eq!(
            normalize("http://example.com").unwrap(),
            "http://example.com/"
        );
        assert!(normalize("ftp://example.com/x").is_err());
        assert!(normalize("javascript:alert(1)").is_err());
        assert!(normalize("not a url").is_err());
    }

    #[test]
    fn safe_link_refuses_dangerous_schemes() {
        let base = Url::parse("https://blog.example.com/posts/a.html").unwrap();
        assert_eq!(
            safe_link("../about.html", Some(&base)).as_deref(),
            Some("https://blog.example.com/about.html")
        );
        for bad in [
            "javascript:alert(1)",
            " JaVaScRiPt:alert(1)",
            "data:text/html,x",
            "file:///etc/passwd",
            "vbscript:x",
        ] {
            assert_eq!(safe_link(bad, Some(&base)), None, "{bad}");
        }
        assert_eq!(safe_link("/x", None), None);
    }

    #[test]
    fn names_reserved_for_examples_are_never_looked_up() {
        for url in [
            "https://blog.example/",
            "https://example.org/x",
            "http://a.b.test/",
            "https://x.invalid./",
            "not a url",
        ] {
            assert!(reserved_for_examples(url), "{url}");
        }
        for url in [
            "https://example.co/",
            "http://127.0.0.1:8080/",
            "https://myexample.org/",
        ] {
            assert!(!reserved_for_examples(url), "{url}");
        }
    }
}
