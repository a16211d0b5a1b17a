//! Feeds' icons and people's faces as files of the site: the pictures the state keeps
//! (`icons/<id>.<ext>` for a feed, `faces/<id>.<ext>` for an avatar, `<id>` a hash of the
//! feed's or the avatar's URL), and for everyone else a monogram we draw ourselves (an SVG of
//! one or two letters on a colour taken from the URL or the person's slug), so that no page
//! ever loads a picture from another site. Pages get each one's path from the site root.

use sha2::{Digest, Sha256};

use super::file::OutputFile;
use super::format::initials;
use super::xml::escape;
use crate::index::SiteIndex;
use crate::refresh::icons::store::icon_id;

/// Where each feed's icon and each person's face is, and the files that put them there.
pub(super) struct SitePictures {
    /// For each feed (as `index.feeds`): its icon's path from the site root.
    pub(super) feed_icons: Vec<String>,
    /// For each person (as `index.people`): their face's path from the site root.
    pub(super) faces: Vec<String>,
    /// The pictures and monograms, one file each.
    pub(super) files: Vec<OutputFile>,
}

/// The shape of a monogram: a rounded square for a feed, a circle for a person.
#[derive(Clone, Copy)]
enum Shape {
    Square,
    Circle,
}

/// The icons and faces of `index`.
pub(super) fn site_pictures(index: &SiteIndex) -> SitePictures {
    let mut files: Vec<OutputFile> = Vec::new();
    let mut place = |path: String, bytes: Vec<u8>| {
        if !files.iter().any(|f| f.path == path) {
            files.push(OutputFile {
                path: path.clone(),
                bytes,
            });
        }
        path
    };
    let feed_icons = index
        .feeds
        .iter()
        .map(|f| {
            let id = icon_id(&f.url);
            match index.pictures.by_key.get(&f.url) {
                Some(p) => place(format!("icons/{id}.{}", p.kind.ext()), p.bytes.clone()),
                None => place(
                    format!("icons/{id}.svg"),
                    monogram(&title_letters(&f.title), &f.url, Shape::Square),
                ),
            }
        })
        .collect();
    let faces = index
        .people
        .iter()
        .map(|p| {
            let kept = p.avatar.as_ref().and_then(|a| {
                let pic = index.pictures.by_key.get(a)?;
                Some((icon_id(a), pic))
            });
            match kept {
                Some((id, pic)) => {
                    place(format!("faces/{id}.{}", pic.kind.ext()), pic.bytes.clone())
                }
                None => place(
                    format!("faces/{}.svg", p.slug),
                    monogram(&initials(&p.name), &p.slug, Shape::Circle),
                ),
            }
        })
        .collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    SitePictures {
        feed_icons,
        faces,
        files,
    }
}

/// The letter of a feed's monogram: the first letter or digit of its title, upper case (one
/// letter: an icon is shown 16 pixels wide); `?` when the title has none.
fn title_letters(title: &str) -> String {
    title
        .chars()
        .find(|c| c.is_alphanumeric())
        .map_or_else(|| "?".to_owned(), |c| c.to_uppercase().collect())
}

/// A monogram: `letters` in white on a colour derived from `seed` (the same seed, the same
/// colour), dark enough for the letters to read.
fn monogram(letters: &str, seed: &str, shape: Shape) -> Vec<u8> {
    let digest = Sha256::digest(seed.as_bytes());
    let hue = u16::from_be_bytes([digest[0], digest[1]]) % 360;
    let radius = match shape {
        Shape::Square => 12,
        Shape::Circle => 32,
    };
    let size = if letters.chars().count() > 1 { 26 } else { 32 };
    format!(
        concat!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">"#,
            r#"<rect width="64" height="64" rx="{radius}" fill="hsl({hue},50%,32%)"/>"#,
            r#"<text x="32" y="32" dy=".35em" text-anchor="middle" fill="white" "#,
            r#"font-family="system-ui,sans-serif" font-size="{size}" font-weight="600">{letters}</text></svg>"#,
            "\n"
        ),
        radius = radius,
        hue = hue,
        size = size,
        letters = escape(letters),
    )
    .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn monograms_are_deterministic_and_escaped() {
        let a = monogram("AB", "https://a.example/feed", Shape::Square);
        assert_eq!(a, monogram("AB", "https://a.example/feed", Shape::Square));
        assert_ne!(a, monogram("AB", "https://b.example/feed", Shape::Square));
        let text = String::from_utf8(monogram("<&", "x", Shape::Circle)).unwrap();
        assert!(text.contains(">&lt;&amp;</text>"), "{text}");
        assert!(!text.contains("<script") && !text.contains("href"));
    }

    #[test]
    fn a_feed_monogram_is_the_first_letter_of_its_title() {
        assert_eq!(title_letters("(The) Morning Paper"), "T");
        assert_eq!(title_letters("danluu.com"), "D");
        assert_eq!(title_letters("— · —"), "?");
    }
}
