//! What the scan knows of each element ammonia keeps: whether it runs on within a line, is
//! void, closes a `<p>`, holds table structure; and so where the HTML parser lets its start
//! tag stand.

/// What the scan needs to know of an element.
#[derive(Clone, Copy)]
pub(super) struct Kind(u8);

impl Kind {
    /// Runs on within a line (see [`crate::sanitize::INLINE`]): no space around its text.
    pub(super) const INLINE: u8 = 1;
    /// Has no content and no end tag.
    pub(super) const VOID: u8 = 2;
    /// Its start tag closes an open `<p>`.
    const CLOSES_P: u8 = 4;
    /// `<h1>` to `<h6>`.
    const HEADING: u8 = 8;
    /// Its own content is table structure: text there (other than whitespace) and other
    /// elements are moved out of the table by the parser.
    pub(super) const TABLE_CONTEXT: u8 = 16;

    /// Whether the element is of kind `flag`.
    pub(super) fn is(self, flag: u8) -> bool {
        self.0 & flag != 0
    }
}

const IN: u8 = Kind::INLINE;
const VO: u8 = Kind::VOID;
const CP: u8 = Kind::CLOSES_P;
const HE: u8 = Kind::HEADING | Kind::CLOSES_P;
const TC: u8 = Kind::TABLE_CONTEXT;

/// The elements this scan knows, sorted: ammonia's default allowed tags. Any other tag ends
/// the scan.
const KNOWN: [(&str, u8); 75] = [
    ("a", IN),
    ("abbr", IN),
    ("acronym", 0),
    ("area", VO),
    ("article", CP),
    ("aside", CP),
    ("b", IN),
    ("bdi", IN),
    ("bdo", IN),
    ("blockquote", CP),
    ("br", VO),
    ("caption", 0),
    ("center", CP),
    ("cite", IN),
    ("code", IN),
    ("col", VO),
    ("colgroup", TC),
    ("data", IN),
    ("dd", CP),
    ("del", IN),
    ("details", CP),
    ("dfn", IN),
    ("div", CP),
    ("dl", CP),
    ("dt", CP),
    ("em", IN),
    ("figcaption", CP),
    ("figure", CP),
    ("footer", CP),
    ("h1", HE),
    ("h2", HE),
    ("h3", HE),
    ("h4", HE),
    ("h5", HE),
    ("h6", HE),
    ("header", CP),
    ("hgroup", CP),
    ("hr", VO | CP),
    ("i", IN),
    ("img", VO),
    ("ins", IN),
    ("kbd", IN),
    ("li", CP),
    ("map", 0),
    ("mark", IN),
    ("nav", CP),
    ("ol", CP),
    ("p", CP),
    ("pre", CP),
    ("q", IN),
    ("rp", 0),
    ("rt", 0),
    ("rtc", 0),
    ("ruby", 0),
    ("s", IN),
    ("samp", IN),
    ("small", IN),
    ("span", IN),
    ("strike", IN),
    ("strong", IN),
    ("sub", IN),
    ("summary", CP),
    ("sup", IN),
    ("table", CP | TC),
    ("tbody", TC),
    ("td", 0),
    ("th", 0),
    ("thead", TC),
    ("time", IN),
    ("tr", TC),
    ("tt", 0),
    ("u", IN),
    ("ul", CP),
    ("var", 0),
    ("wbr", VO),
];

/// The element named `name`, with its kind, if the scan knows it.
pub(super) fn known(name: &str) -> Option<(&'static str, Kind)> {
    let i = KNOWN.binary_search_by(|(k, _)| (*k).cmp(name)).ok()?;
    Some((KNOWN[i].0, Kind(KNOWN[i].1)))
}

/// How many of the elements whose nesting the parser fixes up are open.
#[derive(Default)]
pub(super) struct Open {
    p: usize,
    a: usize,
    li: usize,
    dd: usize,
    table: usize,
}

impl Open {
    /// The count that element `name` is in, if any.
    pub(super) fn count(&mut self, name: &str) -> Option<&mut usize> {
        match name {
            "p" => Some(&mut self.p),
            "a" => Some(&mut self.a),
            "li" => Some(&mut self.li),
            "dd" | "dt" => Some(&mut self.dd),
            "table" => Some(&mut self.table),
            _ => None,
        }
    }

    /// Whether a `<table>` is open.
    pub(super) fn in_table(&self) -> bool {
        self.table > 0
    }
}

/// Whether the parser puts start tag `name` where it stands (inside `top`), rather than
/// closing or moving elements first. Errs on the side of `false`.
pub(super) fn fits(name: &str, kind: Kind, top: Option<(&str, Kind)>, open: &Open) -> bool {
    let top_name = top.map(|(t, _)| t);
    let top_kind = top.map_or(Kind(0), |(_, k)| k);
    let parent_ok = match name {
        "caption" | "colgroup" | "tbody" | "thead" => top_name == Some("table"),
        "tr" => matches!(top_name, Some("tbody" | "thead")),
        "td" | "th" => top_name == Some("tr"),
        "col" => top_name == Some("colgroup"),
        "rp" | "rt" => matches!(top_name, Some("ruby" | "rtc")),
        "rtc" => top_name == Some("ruby"),
        _ => !top_kind.is(Kind::TABLE_CONTEXT),
    };
    parent_ok
        && !(open.p > 0 && kind.is(Kind::CLOSES_P))
        && !(name == "a" && open.a > 0)
        && !(name == "li" && open.li > 0 && !matches!(top_name, Some("ul" | "ol")))
        && !(matches!(name, "dd" | "dt") && open.dd > 0 && top_name != Some("dl"))
        && !(kind.is(Kind::HEADING) && top_kind.is(Kind::HEADING))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_tags_are_sorted_and_agree_with_the_tree_walk() {
        assert!(KNOWN.windows(2).all(|w| w[0].0 < w[1].0));
        for (name, flags) in KNOWN {
            assert_eq!(
                Kind(flags).is(Kind::INLINE),
                crate::sanitize::INLINE.contains(&name),
                "{name}"
            );
            assert!(!crate::sanitize::HIDDEN.contains(&name), "{name}");
            assert_eq!(known(name).map(|(n, _)| n), Some(name));
        }
        assert!(known("script").is_none() && known("zz").is_none());
    }
}
