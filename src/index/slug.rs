//! Slugs: the URL-safe names of pages, from a tag's or a feed's title.

use sha2::{Digest, Sha256};

/// A URL-safe slug: lowercase ASCII letters and digits separated by single dashes.
pub fn slugify(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// A feed's page slug: up to 40 characters of its title, then 6 hex digits of its URL's hash,
/// so that two feeds with the same title never collide and a slug does not depend on order.
pub fn feed_slug(title: &str, url: &str) -> String {
    let mut base = slugify(title);
    if base.len() > 40 {
        base.truncate(40);
        while base.ends_with('-') {
            base.pop();
        }
    }
    if base.is_empty() {
        base.push_str("feed");
    }
    let digest = Sha256::digest(url.as_bytes());
    format!("{base}-{:02x}{:02x}{:02x}", digest[0], digest[1], digest[2])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slugify("Hello, World! — 2024"), "hello-world-2024");
        assert_eq!(slugify("  distributed systems "), "distributed-systems");
        let s = feed_slug("Julia Evans", "https://jvns.ca/atom.xml");
        assert!(
            s.starts_with("julia-evans-") && s.len() == "julia-evans-".len() + 6,
            "{s}"
        );
        assert_eq!(s, feed_slug("Julia Evans", "https://jvns.ca/atom.xml"));
        assert_ne!(s, feed_slug("Julia Evans", "https://jvns.ca/rss.xml"));
    }
}
