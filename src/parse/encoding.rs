//! Getting the bytes into an encoding feed-rs reads right.

use std::borrow::Cow;

use super::markup;

/// Labels of the single-byte encodings a UTF-8 document is often mislabelled as.
const LEGACY_LABELS: [&str; 9] = [
    "iso-8859-1",
    "iso8859-1",
    "latin1",
    "latin-1",
    "l1",
    "windows-1252",
    "cp1252",
    "us-ascii",
    "ascii",
];

/// Returns the document as bytes feed-rs decodes correctly:
/// - UTF-16 (which feed-rs cannot read) becomes UTF-8;
/// - a document in UTF-8 (declared, or by default) with bytes that are not UTF-8 has those
///   bytes read as windows-1252, the usual culprit (lenient readers all do this);
/// - a document declared Latin-1 or ASCII whose bytes are valid, non-ASCII UTF-8 is the
///   UTF-8 it really is (a mislabelled Latin-1 document is almost never valid UTF-8);
/// - a document declared Latin-1 (or windows-1252) that mixes encodings, some of its
///   elements' text in UTF-8 (common in old CMSes), is read piece by piece: each run of text
///   or markup that is valid, non-ASCII UTF-8 as UTF-8, the others as windows-1252.
///
/// Documents in other declared encodings are left to feed-rs, which decodes them.
pub fn to_utf8(bytes: &[u8]) -> Cow<'_, [u8]> {
    if let Some(text) = decode_utf16(bytes) {
        return Cow::Owned(declare_utf8(text.into_bytes()));
    }
    let declared = declared_encoding(bytes).map(|e| e.to_ascii_lowercase());
    let is_utf8 = std::str::from_utf8(bytes).is_ok();
    match declared.as_deref() {
        None | Some("utf-8" | "utf8") if !is_utf8 => {
            Cow::Owned(declare_utf8(utf8_with_cp1252_fallback(bytes)))
        }
        Some(label) if LEGACY_LABELS.contains(&label) && is_utf8 && !bytes.is_ascii() => {
            Cow::Owned(declare_utf8(bytes.to_vec()))
        }
        // The first seven labels are Latin-1's and windows-1252's.
        Some(label) if LEGACY_LABELS[..7].contains(&label) && !is_utf8 => match per_piece(bytes) {
            Some(mixed) => Cow::Owned(declare_utf8(mixed)),
            None => Cow::Borrowed(bytes),
        },
        _ => Cow::Borrowed(bytes),
    }
}

/// The `encoding` of the XML declaration, if any.
fn declared_encoding(bytes: &[u8]) -> Option<String> {
    let decl = markup::xml_declaration(bytes)?;
    let attr = markup::attributes(decl)
        .into_iter()
        .find(|a| &decl[a.name.clone()] == b"encoding")?;
    Some(String::from_utf8_lossy(&decl[attr.value]).trim().to_owned())
}

/// Rewrites the declaration's `encoding` to UTF-8, once the bytes are UTF-8.
fn declare_utf8(mut bytes: Vec<u8>) -> Vec<u8> {
    let Some(decl) = markup::xml_declaration(&bytes) else {
        return bytes;
    };
    let offset = decl.as_ptr() as usize - bytes.as_ptr() as usize;
    if let Some(attr) = markup::attributes(decl)
        .into_iter()
        .find(|a| &decl[a.name.clone()] == b"encoding")
    {
        let range = offset + attr.value.start..offset + attr.value.end;
        bytes.splice(range, b"UTF-8".iter().copied());
    }
    bytes
}

/// UTF-16 with a byte order mark, or without one but starting with `<` (as XML must).
fn decode_utf16(bytes: &[u8]) -> Option<String> {
    let (little_endian, body) = match bytes {
        [0xFF, 0xFE, rest @ ..] => (true, rest),
        [0xFE, 0xFF, rest @ ..] => (false, rest),
        [b'<', 0, c, 0, ..] if *c != 0 => (true, bytes),
        [0, b'<', 0, c, ..] if *c != 0 => (false, bytes),
        _ => return None,
    };
    let units = body.chunks_exact(2).map(|pair| {
        let pair = [pair[0], pair[1]];
        if little_endian {
            u16::from_le_bytes(pair)
        } else {
            u16::from_be_bytes(pair)
        }
    });
    Some(
        char::decode_utf16(units)
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect(),
    )
}

/// Keeps the valid UTF-8 runs and reads every other byte as windows-1252.
pub fn utf8_with_cp1252_fallback(mut bytes: &[u8]) -> Vec<u8> {
    let mut out = String::with_capacity(bytes.len() + bytes.len() / 8);
    loop {
        match std::str::from_utf8(bytes) {
            Ok(rest) => {
                out.push_str(rest);
                return out.into_bytes();
            }
            Err(e) => {
                let (good, bad) = bytes.split_at(e.valid_up_to());
                out.push_str(std::str::from_utf8(good).expect("valid up to here"));
                let n = e.error_len().unwrap_or(bad.len());
                out.extend(bad[..n].iter().map(|&b| cp1252(b)));
                bytes = &bad[n..];
            }
        }
    }
}

/// A Latin-1 document with pieces in UTF-8, all in UTF-8: the document cut before each `<`
/// (so a piece is one tag and the text after it), each piece that is valid UTF-8 with a
/// non-ASCII character kept, the others read as windows-1252. `None` when no piece is UTF-8
/// (a plain Latin-1 document, left to feed-rs).
fn per_piece(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut out = String::with_capacity(bytes.len() + bytes.len() / 8);
    let mut any_utf8 = false;
    for piece in pieces(bytes) {
        match std::str::from_utf8(piece) {
            Ok(text) => {
                any_utf8 |= !text.is_ascii();
                out.push_str(text);
            }
            Err(_) => out.extend(piece.iter().map(|&b| cp1252(b))),
        }
    }
    any_utf8.then(|| out.into_bytes())
}

/// `bytes` cut before each `<`.
fn pieces(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = bytes;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let end = memchr::memchr(b'<', &rest[1..]).map_or(rest.len(), |i| i + 1);
        let (piece, tail) = rest.split_at(end);
        rest = tail;
        Some(piece)
    })
}

/// Text whose UTF-8 was decoded a second time as windows-1252 or Latin-1 (`CinÃ©ma`,
/// `Â£31`) as it was meant (`Cinéma`, `£31`); any other text as it is. Repaired only when
/// unambiguous: every non-ASCII character of the text is one windows-1252 byte, and those
/// bytes are valid UTF-8 with a character of more than one byte. Correct text almost never
/// is (a real `Ã` is followed by a letter that does not continue a UTF-8 sequence: `SÃO`).
pub fn undouble(text: &str) -> Cow<'_, str> {
    if text.is_ascii() || !text.chars().any(|c| ('\u{C2}'..='\u{F4}').contains(&c)) {
        return Cow::Borrowed(text);
    }
    let mut bytes = Vec::with_capacity(text.len());
    for c in text.chars() {
        match byte_of(c) {
            Some(b) => bytes.push(b),
            None => return Cow::Borrowed(text),
        }
    }
    match String::from_utf8(bytes) {
        Ok(fixed) if fixed.chars().count() < text.chars().count() => Cow::Owned(fixed),
        _ => Cow::Borrowed(text),
    }
}

/// The windows-1252 (else Latin-1) byte of `c`, if it has one.
fn byte_of(c: char) -> Option<u8> {
    if let Ok(b) = u8::try_from(u32::from(c)) {
        return Some(b);
    }
    (0x80..=0x9F).find(|&b| cp1252(b) == c)
}

/// windows-1252, which is Latin-1 except for printable characters in 0x80–0x9F.
fn cp1252(byte: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž',
        '\u{8F}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}',
        'ž', 'Ÿ',
    ];
    match byte {
        0x80..=0x9F => HIGH[usize::from(byte - 0x80)],
        _ => char::from(byte),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn undouble_repairs_only_the_unambiguous() {
        assert_eq!(undouble("CinÃ©ma"), "Cinéma");
        assert_eq!(undouble("Â£31"), "£31");
        assert_eq!(undouble("itâ€™s"), "it’s");
        for correct in [
            "SÃO PAULO",
            "São Paulo",
            "Ã  la carte",
            "Cinéma",
            "日本",
            "plain",
        ] {
            assert_eq!(undouble(correct), correct);
        }
    }

    #[test]
    fn mixed_documents_are_read_piece_by_piece() {
        let mut doc = b"<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><a>".to_vec();
        doc.extend("Brøndby".as_bytes());
        doc.extend(b"</a><b>N\xf8rrebro</b>");
        let out = to_utf8(&doc);
        let text = std::str::from_utf8(&out).unwrap();
        assert!(text.contains("<a>Brøndby</a><b>Nørrebro</b>"), "{text}");
        assert!(text.contains("encoding=\"UTF-8\""), "{text}");
        let latin1 = b"<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><b>N\xf8rrebro</b>";
        assert!(matches!(to_utf8(latin1), Cow::Borrowed(_)));
    }
}
