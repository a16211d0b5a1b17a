//! The data model shared by every stage: a parsed feed and its items.
//!
//! These types are also the on-disk cache format (see [`crate::refresh::cache`]), so they are plain data
//! with serde derives. Every HTML string here has already been sanitized, and every URL checked,
//! by [`crate::parse`]; nothing downstream needs to clean them again.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A feed as toluu knows it after parsing: metadata plus its items, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Feed {
    /// The feed's own title, as plain text (entities decoded, markup removed).
    pub title: String,
    /// The web site the feed belongs to (an `http(s)` URL), if it names one.
    #[serde(default)]
    pub site_link: Option<String>,
    /// A short description, as plain text.
    #[serde(default)]
    pub description: Option<String>,
    /// The feed's own icon (an `http(s)` URL): Atom `icon`, else Atom `logo`, RSS `image`,
    /// JSON Feed `favicon`, else `icon`. Fetched and kept by [`crate::refresh::icons`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<String>,
    /// The items, newest first; undated items come last in feed order.
    #[serde(default)]
    pub items: Vec<Item>,
}

/// One post of a feed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// A stable identity: the guid/id, else the link, else a hash of title and date.
    pub id: String,
    /// The title as plain text; may be empty for title-less posts.
    #[serde(default)]
    pub title: String,
    /// The absolute `http(s)` link to the original post, if the feed gives a safe one.
    #[serde(default)]
    pub link: Option<String>,
    /// Publication time in UTC, clamped to the fetch time when it lies in the future.
    #[serde(default)]
    pub published: Option<DateTime<Utc>>,
    /// Last update time in UTC, clamped like `published`.
    #[serde(default)]
    pub updated: Option<DateTime<Utc>>,
    /// Author name(s), as plain text.
    #[serde(default)]
    pub author: Option<String>,
    /// A plain-text excerpt of the summary or content, at most a few hundred characters.
    #[serde(default)]
    pub excerpt: String,
    /// The post's categories as plain text: RSS `category`, Atom `category` term and label,
    /// JSON Feed `tags` (what `only_categories` and `skip_categories` compare with).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<String>,
    /// The sanitized HTML content (or summary when the feed has no full content).
    #[serde(default)]
    pub content_html: Option<String>,
    /// Whether `content_html` holds more text than `excerpt` shows (a "Read more"), decided
    /// when the item was parsed; `None` in items cached by an older toluu.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_more: Option<bool>,
    /// When toluu first saw this item (kept across builds by the cache); `None` in a freshly
    /// parsed item until [`crate::refresh::history`] merges it.
    #[serde(default)]
    pub first_seen: Option<DateTime<Utc>>,
}

impl Item {
    /// The date the item is sorted and shown by: published, else updated.
    pub fn date(&self) -> Option<DateTime<Utc>> {
        self.published.or(self.updated)
    }
}

/// The order of rivers and feeds: newest first, undated after every dated one (a stable sort
/// keeps undated items in feed order). Undated items are never shown as new.
pub fn newest_first(a: Option<DateTime<Utc>>, b: Option<DateTime<Utc>>) -> std::cmp::Ordering {
    // `None < Some` for `Option`, so comparing b with a puts dated before undated, newest first.
    b.cmp(&a)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn newest_first_puts_undated_last() {
        let old = Some(Utc.with_ymd_and_hms(2020, 1, 1, 0, 0, 0).unwrap());
        let new = Some(Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap());
        let mut dates = vec![None, old, new, None];
        dates.sort_by(|a, b| newest_first(*a, *b));
        assert_eq!(dates, vec![new, old, None, None]);
    }
}
