//! Small helpers for the XML the build writes (Atom, OPML, sitemap).

/// Escapes text for XML character data and attribute values, and drops characters XML 1.0
/// forbids (control characters other than tab, newline and carriage return, and the
/// non-characters U+FFFE and U+FFFF).
///
/// Feed content makes up most of the site's Atom files, so this copies each run of bytes that
/// need nothing as one slice instead of going character by character.
pub fn escape(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    let mut run = 0; // start of the pending run of bytes copied as they are
    let mut i = 0;
    while i < bytes.len() {
        // Skip the bytes that never need a look (most of them) through a table.
        while i < bytes.len() && !NEEDS_LOOK[usize::from(bytes[i])] {
            i += 1;
        }
        let Some(&b) = bytes.get(i) else {
            break;
        };
        let (replacement, skip): (&str, usize) = match b {
            b'&' => ("&amp;", 1),
            b'<' => ("&lt;", 1),
            b'>' => ("&gt;", 1),
            b'"' => ("&quot;", 1),
            b'\'' => ("&apos;", 1),
            b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            0..0x20 => ("", 1),
            // U+FFFE and U+FFFF are EF BF BE and EF BF BF in UTF-8.
            0xEF if bytes.get(i + 1) == Some(&0xBF)
                && matches!(bytes.get(i + 2), Some(0xBE | 0xBF)) =>
            {
                ("", 3)
            }
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&text[run..i]);
        out.push_str(replacement);
        i += skip;
        run = i;
    }
    out.push_str(&text[run..]);
    out
}

/// The bytes [`escape`] must look at: markup characters, control characters and the lead
/// byte of U+FFFE / U+FFFF.
const NEEDS_LOOK: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = true;
        b += 1;
    }
    table[b'&' as usize] = true;
    table[b'<' as usize] = true;
    table[b'>' as usize] = true;
    table[b'"' as usize] = true;
    table[b'\'' as usize] = true;
    table[0xEF] = true;
    table
};

#[cfg(test)]
mod tests {
    use super::escape;

    /// The character-by-character definition the fast version must match.
    fn reference(text: &str) -> String {
        let mut out = String::new();
        for c in text.chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' => out.push_str("&quot;"),
                '\'' => out.push_str("&apos;"),
                '\t' | '\n' | '\r' => out.push(c),
                c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
                c => out.push(c),
            }
        }
        out
    }

    #[test]
    fn escapes_markup_and_drops_what_xml_forbids() {
        assert_eq!(
            escape("a<b>&\"c\"'d'\u{1}\u{0}\te\n\u{FFFE}f\u{FFFF}\u{FFFD}é\u{7f}"),
            "a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;\te\nf\u{FFFD}é\u{7f}"
        );
        assert_eq!(escape(""), "");
        assert_eq!(escape("plain"), "plain");
    }

    #[test]
    fn matches_the_character_by_character_definition() {
        let samples = [
            "<p>Hello &amp; <a href=\"x\">world</a></p>",
            "ünïcödé \u{FFFE}\u{FFFF}\u{FFFD}\u{EFFF} 日本語 🎉 \u{1F}\u{7}",
            "\u{FEFF}tail&",
            "ends with \u{FFFF}",
        ];
        for s in samples {
            assert_eq!(escape(s), reference(s), "{s:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn matches_the_definition_on_any_text(s in "\\PC*|[\\x00-\\x20&<>\"'\u{FFFE}\u{FFFF}\u{EFBF}a-z]*") {
            proptest::prop_assert_eq!(escape(&s), reference(&s));
        }
    }
}
