//! Pictures from the web: telling an image by its bytes ([`sniff`]) and finding the icons a
//! web page names with `<link rel="icon">` ([`icon_links`]).
//!
//! A picture is believed by its first bytes only, never by its `Content-Type` or its name:
//! PNG, GIF, JPEG, WebP and ICO are kept. SVG is refused: it is a document that can carry
//! scripts and links to other sites, and a site built by toluu loads nothing from elsewhere.

use scraper::{Html, Selector};
use url::Url;

use crate::urls::safe_link;

/// The kinds of picture toluu keeps, each with the file extension it is written under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    /// `\x89PNG\r\n\x1a\n`.
    Png,
    /// `GIF87a` or `GIF89a`.
    Gif,
    /// `\xff\xd8\xff`.
    Jpeg,
    /// `RIFF....WEBP`.
    Webp,
    /// A Windows icon: `\0\0\x01\0` and at least one image.
    Ico,
}

impl ImageKind {
    /// The file extension the picture is written under.
    pub fn ext(self) -> &'static str {
        match self {
            ImageKind::Png => "png",
            ImageKind::Gif => "gif",
            ImageKind::Jpeg => "jpg",
            ImageKind::Webp => "webp",
            ImageKind::Ico => "ico",
        }
    }

    /// The kind written under `ext` (as [`ImageKind::ext`] gives it).
    pub fn from_ext(ext: &str) -> Option<Self> {
        [
            ImageKind::Png,
            ImageKind::Gif,
            ImageKind::Jpeg,
            ImageKind::Webp,
            ImageKind::Ico,
        ]
        .into_iter()
        .find(|k| k.ext() == ext)
    }
}

/// What `bytes` are, when they are a picture toluu keeps; else why not, in plain words.
pub fn sniff(bytes: &[u8]) -> Result<ImageKind, String> {
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    if starts(b"\x89PNG\r\n\x1a\n") {
        Ok(ImageKind::Png)
    } else if starts(b"GIF87a") || starts(b"GIF89a") {
        Ok(ImageKind::Gif)
    } else if starts(b"\xff\xd8\xff") {
        Ok(ImageKind::Jpeg)
    } else if bytes.len() >= 12 && starts(b"RIFF") && &bytes[8..12] == b"WEBP" {
        Ok(ImageKind::Webp)
    } else if bytes.len() >= 6 && starts(b"\0\0\x01\0") && bytes[4..6] != [0, 0] {
        Ok(ImageKind::Ico)
    } else if bytes.is_empty() {
        Err("empty response, not an image".to_owned())
    } else if looks_like_svg(bytes) {
        Err("an SVG image, which toluu does not keep (it can carry scripts)".to_owned())
    } else {
        Err("not an image (PNG, GIF, JPEG, WebP or ICO)".to_owned())
    }
}

fn looks_like_svg(bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).to_ascii_lowercase();
    head.contains("<svg")
}

/// The icons `html` (fetched from `page_url`) names, best first, without duplicates:
/// `rel="icon"` (and `shortcut icon`) before `apple-touch-icon`; SVG icons (by `type` or
/// name) left out. Honors `<base href>`.
pub fn icon_links(html: &str, page_url: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let mut base = Url::parse(page_url).ok();
    if let Ok(sel) = Selector::parse("base[href]")
        && let Some(href) = doc.select(&sel).next().and_then(|e| e.value().attr("href"))
        && let Some(b) = safe_link(href, base.as_ref())
    {
        base = Url::parse(&b).ok();
    }
    let Ok(sel) = Selector::parse("link[rel][href]") else {
        return Vec::new();
    };
    let mut ranked: Vec<(u8, String)> = Vec::new();
    for el in doc.select(&sel) {
        let v = el.value();
        let rel = v.attr("rel").unwrap_or("").to_ascii_lowercase();
        let rank = match () {
            _ if rel.split_ascii_whitespace().any(|t| t == "icon") => 0,
            _ if rel
                .split_ascii_whitespace()
                .any(|t| t == "apple-touch-icon") =>
            {
                1
            }
            _ => continue,
        };
        let svg_type = v
            .attr("type")
            .is_some_and(|t| t.to_ascii_lowercase().contains("svg"));
        let Some(link) = v.attr("href").and_then(|h| safe_link(h, base.as_ref())) else {
            continue;
        };
        let svg_name =
            Url::parse(&link).is_ok_and(|u| u.path().to_ascii_lowercase().ends_with(".svg"));
        if !svg_type && !svg_name && !ranked.iter().any(|(_, l)| *l == link) {
            ranked.push((rank, link));
        }
    }
    ranked.sort_by_key(|(rank, _)| *rank);
    ranked.into_iter().map(|(_, link)| link).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pictures_are_told_by_their_bytes() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\nrest"), Ok(ImageKind::Png));
        assert_eq!(sniff(b"GIF89a...."), Ok(ImageKind::Gif));
        assert_eq!(sniff(b"\xff\xd8\xff\xe0"), Ok(ImageKind::Jpeg));
        assert_eq!(sniff(b"RIFF\x10\0\0\0WEBPVP8 "), Ok(ImageKind::Webp));
        assert_eq!(sniff(b"\0\0\x01\0\x01\0\x10\x10"), Ok(ImageKind::Ico));
        assert!(sniff(b"<html><body>404</body></html>").is_err());
        assert!(sniff(b"\0\0\x01\0\0\0").is_err());
        let svg = sniff(br#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>"#);
        assert!(svg.unwrap_err().contains("SVG"));
        assert_eq!(ImageKind::from_ext("jpg"), Some(ImageKind::Jpeg));
    }

    #[test]
    fn icon_links_rank_icons_and_leave_out_svg() {
        let html = r#"<html><head>
            <link rel="apple-touch-icon" href="/touch.png">
            <link rel="icon" type="image/svg+xml" href="/icon.svg">
            <link rel="icon" href="/logo.svg">
            <link rel="Shortcut Icon" href="/favicon.png">
            <link rel="icon" href="javascript:alert(1)">
            <link rel="stylesheet" href="/s.css">
            </head></html>"#;
        assert_eq!(
            icon_links(html, "https://blog.example/post/1"),
            vec![
                "https://blog.example/favicon.png",
                "https://blog.example/touch.png"
            ]
        );
    }
}
