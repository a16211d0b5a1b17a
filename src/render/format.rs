//! How pages write what is not theirs to choose: dates, a person's initials, and the way back
//! from a page to the site root.

use chrono::{DateTime, Utc};

/// Formats a date for people: `5 Nov 2026`.
pub(super) fn date_text(d: DateTime<Utc>) -> String {
    d.format("%-d %b %Y").to_string()
}

/// Formats a time for people: `5 Nov 2026, 08:30 UTC`.
pub(super) fn time_text(d: DateTime<Utc>) -> String {
    d.format("%-d %b %Y, %H:%M UTC").to_string()
}

/// Formats a date for machines (RFC 3339, UTC): `2026-11-05T08:30:00Z`.
pub(super) fn date_iso(d: DateTime<Utc>) -> String {
    d.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The relative prefix from a page at `page_path` to the site root.
pub(super) fn root_for(page_path: &str) -> String {
    let depth = page_path.matches('/').count();
    if depth == 0 {
        "./".to_owned()
    } else {
        "../".repeat(depth)
    }
}

/// The initials of a name (its first and last words'), for an avatar that has no picture.
pub(super) fn initials(name: &str) -> String {
    let mut words = name.split_whitespace().filter_map(|w| w.chars().next());
    let first = words.next();
    let last = words.next_back();
    first
        .into_iter()
        .chain(last)
        .flat_map(char::to_uppercase)
        .collect()
}
