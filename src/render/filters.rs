//! toluu's own tera filters.

use std::borrow::Cow;

use tera::{Kwargs, State, Value};

/// `{{ url | url_breaks }}`: a long URL, escaped, with a `<wbr>` (a place the line may break)
/// after each `/` of its path and before each `?`, `&`, `=` and `#`, so that on a narrow screen
/// it wraps between its parts rather than in the middle of a word. The result is safe HTML.
pub(super) fn url_breaks(val: Cow<'_, str>, _: Kwargs, _: &State) -> Value {
    // After the scheme's "//" only: "https:<wbr>/<wbr>/" would help nobody.
    let start = val.find("://").map_or(0, |i| i + 3);
    let mut out = String::with_capacity(val.len() + val.len() / 4);
    for (i, c) in val.char_indices() {
        if i >= start && matches!(c, '?' | '&' | '=' | '#') {
            out.push_str("<wbr>");
        }
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
        if i >= start && c == '/' && i + 1 < val.len() {
            out.push_str("<wbr>");
        }
    }
    Value::safe_string(&out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn breaks_between_the_parts_of_a_url_and_escapes_the_rest() {
        let ctx = tera::Context::new();
        let state = State::new(&ctx);
        let out = url_breaks(
            "https://ex.org/a/b.xml?x=1&y=<2>/".into(),
            Kwargs::default(),
            &state,
        );
        assert_eq!(
            out.as_str(),
            Some("https://ex.org/<wbr>a/<wbr>b.xml<wbr>?x<wbr>=1<wbr>&amp;y<wbr>=&lt;2&gt;/")
        );
    }
}
