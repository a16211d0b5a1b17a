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
///   UTF-8 it really is (a mislabelled Latin-1 document is almost never valid UTF-8).
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
