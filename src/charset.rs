//! Feeds whose XML declaration names the wrong encoding: UTF-8 bytes declared as ISO-8859-1
//! (read as-is they turn into `CafÃ©`), and Latin-1 bytes declared (or defaulting) as UTF-8
//! (which the XML parser rejects outright). Both are common on real servers.

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

/// When the declared encoding of an XML document is clearly wrong, the document re-encoded
/// as UTF-8 with a declaration that says so; `None` when the declaration can be trusted.
///
/// - Declared (or defaulting to) UTF-8 but not valid UTF-8: decoded as windows-1252, the
///   superset of ISO-8859-1 that such documents nearly always are.
/// - Declared as a single-byte encoding but valid UTF-8 with non-ASCII characters: read as
///   UTF-8. Text in a single-byte encoding is practically never valid multi-byte UTF-8.
pub fn fix_declared_encoding(bytes: &[u8]) -> Option<Vec<u8>> {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    if bytes[start..].first() != Some(&b'<') {
        return None;
    }
    let declaration_end = declaration_end(&bytes[start..]).map(|e| start + e);
    let label = declaration_end.and_then(|end| encoding_label(&bytes[start..end]));
    let declared = match label {
        Some(label) => Encoding::for_label(label.as_bytes())?,
        None => UTF_8,
    };
    let valid_utf8 = std::str::from_utf8(bytes).is_ok();
    let text = if declared == UTF_8 && !valid_utf8 {
        WINDOWS_1252
            .decode_without_bom_handling(bytes)
            .0
            .into_owned()
    } else if declared != UTF_8 && declared.is_single_byte() && valid_utf8 && !bytes.is_ascii() {
        String::from_utf8(bytes.to_vec()).ok()?
    } else {
        return None;
    };
    // Replace the declaration; the bytes before its end are ASCII, so offsets still hold.
    let rest = match declaration_end {
        Some(end) => &text[end..],
        None => &text[start..],
    };
    Some(format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>{rest}").into_bytes())
}

/// The end (just past `?>`) of an XML declaration at the start of `doc`.
fn declaration_end(doc: &[u8]) -> Option<usize> {
    if !doc.starts_with(b"<?xml") {
        return None;
    }
    doc.windows(2)
        .take(512)
        .position(|w| w == b"?>")
        .map(|i| i + 2)
}

/// The `encoding="..."` value of an XML declaration.
fn encoding_label(declaration: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(declaration).ok()?;
    let at = text.find("encoding")? + "encoding".len();
    let rest = text[at..].trim_start().strip_prefix('=')?.trim_start();
    let quote = rest.chars().next().filter(|c| matches!(c, '"' | '\''))?;
    let value = &rest[1..];
    Some(value[..value.find(quote)?].trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_declared_as_latin1_is_read_as_utf8() {
        let doc = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss>Café</rss>";
        let fixed = fix_declared_encoding(doc.as_bytes()).unwrap();
        assert_eq!(
            String::from_utf8(fixed).unwrap(),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss>Café</rss>"
        );
    }

    #[test]
    fn latin1_declared_as_utf8_is_decoded() {
        let mut doc = b"<?xml version='1.0' encoding='utf-8'?><rss>Caf".to_vec();
        doc.extend_from_slice(&[0xe9, 0x80]);
        doc.extend_from_slice(b"</rss>");
        let fixed = fix_declared_encoding(&doc).unwrap();
        assert_eq!(
            String::from_utf8(fixed).unwrap(),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss>Café€</rss>"
        );
        let no_declaration = [b"<rss>".as_slice(), &[0xe9], b"</rss>"].concat();
        assert_eq!(
            fix_declared_encoding(&no_declaration).unwrap(),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss>é</rss>".as_bytes()
        );
    }

    #[test]
    fn honest_declarations_are_left_alone() {
        assert_eq!(
            fix_declared_encoding("<?xml version=\"1.0\"?><a>é</a>".as_bytes()),
            None
        );
        let latin1 = [
            b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>".as_slice(),
            &[0xe9],
            b"</a>",
        ]
        .concat();
        assert_eq!(fix_declared_encoding(&latin1), None);
        assert_eq!(fix_declared_encoding(b"{\"version\": 1}"), None);
    }
}
