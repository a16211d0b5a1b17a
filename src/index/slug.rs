//! Slugs: the URL-safe names of pages, from a tag's or a feed's title. Every slug is one safe
//! path component of bounded length, whatever the input: non-ASCII letters are transliterated
//! (`Zoë` → `zoe`), anything else becomes a dash, and a name too long is cut and given a short
//! hash of the whole, so that two long names that share a beginning stay two pages.

use crate::refresh::identity::dashed;
pub use crate::refresh::identity::{feed_slug, short_hash};

/// The most bytes a slug has (a file name may have 255).
pub const MAX_SLUG: usize = 80;

/// A URL-safe slug of at most [`MAX_SLUG`] bytes: lowercase ASCII letters and digits separated
/// by single dashes; a longer one is cut and ends in 6 hex digits of the whole text's hash.
pub fn slugify(text: &str) -> String {
    let full = dashed(text);
    if full.len() <= MAX_SLUG {
        return full;
    }
    let mut out = cut(full, MAX_SLUG - 7);
    out.push('-');
    out.push_str(&short_hash(text));
    out
}

/// Whether `slugify(name)` keeps all of `name` but case, accents and separators: punctuation
/// dropped (`C++` → `c`) or a name cut short is not faithful.
pub fn is_faithful(name: &str) -> bool {
    let plain: String = deunicode::deunicode(name)
        .chars()
        .map(|c| {
            if c.is_whitespace() || c == '_' {
                '-'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect();
    let plain: Vec<&str> = plain.split('-').filter(|p| !p.is_empty()).collect();
    plain.join("-") == slugify(name)
}

/// `slug` cut to at most `max` bytes, without a dash at the end (a slug is ASCII).
pub fn cut(mut slug: String, max: usize) -> String {
    slug.truncate(max);
    while slug.ends_with('-') {
        slug.pop();
    }
    slug
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slugify("Hello, World! — 2024"), "hello-world-2024");
        assert_eq!(slugify("  distributed systems "), "distributed-systems");
        assert_eq!(slugify("Zoë"), "zoe");
        assert_eq!(slugify("Søren Kierkegaard"), "soren-kierkegaard");
        let s = feed_slug("Julia Evans", "https://jvns.ca/atom.xml");
        assert!(
            s.starts_with("julia-evans-") && s.len() == "julia-evans-".len() + 6,
            "{s}"
        );
        assert_eq!(s, feed_slug("Julia Evans", "https://jvns.ca/atom.xml"));
        assert_ne!(s, feed_slug("Julia Evans", "https://jvns.ca/rss.xml"));
    }

    #[test]
    fn long_names_are_bounded_and_stay_distinct() {
        let a = "a".repeat(300);
        let b = format!("{}b", "a".repeat(299));
        let (sa, sb) = (slugify(&a), slugify(&b));
        assert!(sa.len() <= MAX_SLUG && sb.len() <= MAX_SLUG, "{sa} {sb}");
        assert_ne!(sa, sb);
        assert!(!is_faithful(&a));
        assert!(feed_slug(&"word ".repeat(100), "https://x.test/").len() <= 47);
    }

    #[test]
    fn faithful_slugs() {
        assert!(is_faithful("Machine Learning"));
        assert!(is_faithful("machine_learning"));
        assert!(is_faithful("Zoë"));
        assert!(!is_faithful("C++"));
        assert!(!is_faithful("C#"));
        assert!(!is_faithful("!!!"));
    }
}
