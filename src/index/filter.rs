//! The lists' per-feed options applied to a feed's posts: which posts the site shows
//! (`only_categories`, `skip_categories`, `only_matching`, `skip_matching`) and how (`show`,
//! `author`). Hidden posts stay in the state; the index just leaves them out, so a changed
//! filter needs no fetch.

use super::discover::site::tag_terms;
use crate::model::Item;
use crate::site::{FeedOptions, Show};

/// Whether `options` let `item` through: at least one of `only_categories` when given, none of
/// `skip_categories`, a title `only_matching` matches when given and `skip_matching` does not.
pub(super) fn keeps(options: &FeedOptions, item: &Item) -> bool {
    let in_any = |wanted: &[String]| {
        wanted
            .iter()
            .any(|w| item.categories.iter().any(|c| same_category(w, c)))
    };
    (options.only_categories.is_empty() || in_any(&options.only_categories))
        && !in_any(&options.skip_categories)
        && options
            .only_matching
            .as_ref()
            .is_none_or(|re| re.is_match(&item.title))
        && !options
            .skip_matching
            .as_ref()
            .is_some_and(|re| re.is_match(&item.title))
}

/// Whether the category a list names (`wanted`) is the post's `category`, by the rule
/// discovery compares tags with: case aside and in the singular, every word of `wanted` is a
/// word of `category` ("debian" is "Debian" and "planet-debian", "recipes" is "Recipe").
fn same_category(wanted: &str, category: &str) -> bool {
    let words: Vec<String> = tag_terms(category).collect();
    let mut wanted = tag_terms(wanted).peekable();
    wanted.peek().is_some() && wanted.all(|w| words.contains(&w))
}

/// What the lists' options make of one feed's posts.
pub(super) struct Applied {
    /// The posts shown, in order.
    pub(super) items: Vec<Item>,
    /// How many posts the filters hide.
    pub(super) hidden: usize,
    /// Whether a filter applies to the feed.
    pub(super) filtered: bool,
    /// How its posts appear.
    pub(super) show: Show,
}

/// Applies the options of every list that names the feed to its `items`. A post shows when
/// one of those lists lets it through (a list without a filter lets every post through); the
/// first list that sets `show` or `author` sets it, else `show` is `default_show`.
pub(super) fn apply(options: &[FeedOptions], items: Vec<Item>, default_show: Show) -> Applied {
    let filtered = !options.is_empty() && options.iter().all(FeedOptions::filters);
    let show = options.iter().find_map(|o| o.show).unwrap_or(default_show);
    let author = options.iter().find_map(|o| o.author.clone());
    let total = items.len();
    let mut shown: Vec<Item> = items
        .into_iter()
        .filter(|item| !filtered || options.iter().any(|o| keeps(o, item)))
        .collect();
    for item in &mut shown {
        if let Some(author) = &author {
            item.author = Some(author.clone());
        }
        if show == Show::Title {
            item.excerpt.clear();
            item.content_html = None;
        }
    }
    Applied {
        hidden: total - shown.len(),
        items: shown,
        filtered,
        show,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_compare_by_singular_words_case_aside() {
        assert!(same_category("debian", "Debian"));
        assert!(same_category("Debian", "planet-debian"));
        assert!(same_category("planets", "Planet"));
        assert!(same_category("web comics", "Comics, Web"));
        assert!(!same_category("debian", "ubuntu"));
        assert!(!same_category("planet debian", "debian"));
        assert!(!same_category("--", "anything"));
    }
}
