//! A minimal scanner for the tags of a document that may not be well-formed: enough to look at
//! the root element and to rewrite tags and attributes without a full parse.

use std::ops::Range;

use url::Url;

/// A start or end tag: `doc[start..end]` runs from its `<` to its `>`.
pub struct Tag<'a> {
    pub start: usize,
    pub end: usize,
    pub name: &'a [u8],
    pub closing: bool,
}

/// One `name="value"` attribute of a tag, as ranges into the tag's bytes; `whole` includes
/// the whitespace before it.
pub struct Attr {
    pub whole: Range<usize>,
    pub name: Range<usize>,
    pub value: Range<usize>,
}

pub fn strip_bom(doc: &[u8]) -> &[u8] {
    doc.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(doc)
}

pub fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack, needle)
}

/// The `<?xml … ?>` declaration at the start of the document.
pub fn xml_declaration(doc: &[u8]) -> Option<&[u8]> {
    let doc = strip_bom(doc).trim_ascii_start();
    if !doc.starts_with(b"<?xml") {
        return None;
    }
    Some(&doc[..find(doc, b"?>")? + 2])
}

/// The next start or end tag at or after `from`, skipping comments, CDATA sections,
/// processing instructions and the doctype. `None` at the end or at an unclosed tag.
pub fn next_tag(doc: &[u8], mut from: usize) -> Option<Tag<'_>> {
    loop {
        let lt = from + memchr::memchr(b'<', &doc[from..])?;
        let rest = &doc[lt..];
        let skip = if rest.starts_with(b"<!--") {
            find(rest, b"-->").map(|i| i + 3)
        } else if rest.starts_with(b"<![CDATA[") {
            find(rest, b"]]>").map(|i| i + 3)
        } else if rest.starts_with(b"<?") {
            find(rest, b"?>").map(|i| i + 2)
        } else if rest.starts_with(b"<!") {
            let gt = rest.iter().position(|&b| b == b'>')?;
            match rest.iter().position(|&b| b == b'[') {
                Some(bracket) if bracket < gt => find(rest, b"]>").map(|i| i + 2),
                _ => Some(gt + 1),
            }
        } else {
            let closing = rest.get(1) == Some(&b'/');
            let name_start = lt + 1 + usize::from(closing);
            let name_len = doc[name_start..]
                .iter()
                .position(|&b| b.is_ascii_whitespace() || matches!(b, b'>' | b'/'))
                .unwrap_or(doc.len() - name_start);
            let name = &doc[name_start..name_start + name_len];
            if name
                .first()
                .is_some_and(|&b| b.is_ascii_alphabetic() || b == b'_' || b >= 0x80)
            {
                let end = tag_end(doc, name_start + name_len)?;
                return Some(Tag {
                    start: lt,
                    end,
                    name,
                    closing,
                });
            }
            Some(1)
        };
        from = lt + skip?;
    }
}

/// The index just past the `>` that ends the tag whose attributes start at `from`.
fn tag_end(doc: &[u8], from: usize) -> Option<usize> {
    let mut quote = None;
    for (i, &b) in doc[from..].iter().enumerate() {
        match (quote, b) {
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'>') => return Some(from + i + 1),
            (Some(q), _) if q == b => quote = None,
            _ => {}
        }
    }
    None
}

/// For each entry of a feed (each `<item>` or `<entry>` at the depth of the first one, in
/// document order, as feed-rs lists them), the xml:base in scope for it, its own included,
/// resolved against `doc_url`; `None` for an entry with no xml:base in scope. Empty when the
/// document has no xml:base at all. feed-rs resolves links against xml:base but does not
/// say which base applies to an entry's HTML.
pub fn entry_bases(doc: &[u8], doc_url: Option<Url>) -> Vec<Option<Url>> {
    let finder = memchr::memmem::Finder::new(b"xml:base");
    if finder.find(doc).is_none() {
        return Vec::new();
    }
    // The bases met so far; each open element has the index of the one in scope for it.
    let mut bases: Vec<Url> = Vec::new();
    let mut open: Vec<Option<usize>> = Vec::new();
    let mut entry_depth = None;
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(tag) = next_tag(doc, at) {
        at = tag.end;
        if tag.closing {
            open.pop();
            continue;
        }
        let raw = &doc[tag.start..tag.end];
        let parent = open.last().copied().flatten();
        let own = finder.find(raw).and_then(|_| {
            attributes(raw)
                .into_iter()
                .find(|a| &raw[a.name.clone()] == b"xml:base")
                .map(|a| String::from_utf8_lossy(&raw[a.value]).trim().to_owned())
        });
        let base = match own {
            Some(own) => {
                let resolved = parent
                    .map(|p| &bases[p])
                    .or(doc_url.as_ref())
                    .and_then(|p| p.join(&own).ok())
                    .or_else(|| Url::parse(&own).ok());
                resolved.map(|url| {
                    bases.push(url);
                    bases.len() - 1
                })
            }
            None => parent,
        };
        let local = tag.name.rsplit(|&b| b == b':').next().unwrap_or(tag.name);
        if matches!(local, b"item" | b"entry")
            && *entry_depth.get_or_insert(open.len()) == open.len()
        {
            out.push(base.map(|b| bases[b].clone()));
        }
        if !raw.ends_with(b"/>") {
            open.push(base);
        }
    }
    out
}

/// The document's root element.
pub fn root(doc: &[u8]) -> Option<Tag<'_>> {
    next_tag(doc, 0).filter(|t| !t.closing)
}

/// The quoted attributes of a tag (or of the XML declaration), given its bytes.
pub fn attributes(tag: &[u8]) -> Vec<Attr> {
    let mut out = Vec::new();
    let name_end = tag
        .iter()
        .position(u8::is_ascii_whitespace)
        .unwrap_or(tag.len());
    let mut i = name_end;
    loop {
        let whole_start = i;
        while i < tag.len() && tag[i].is_ascii_whitespace() {
            i += 1;
        }
        let name_start = i;
        while i < tag.len()
            && !tag[i].is_ascii_whitespace()
            && !matches!(tag[i], b'=' | b'>' | b'/' | b'?')
        {
            i += 1;
        }
        let name = name_start..i;
        while i < tag.len() && tag[i].is_ascii_whitespace() {
            i += 1;
        }
        if name.is_empty() || tag.get(i) != Some(&b'=') {
            if i >= tag.len() || name.is_empty() {
                return out;
            }
            continue;
        }
        i += 1;
        while i < tag.len() && tag[i].is_ascii_whitespace() {
            i += 1;
        }
        let Some(&quote @ (b'"' | b'\'')) = tag.get(i) else {
            return out;
        };
        let Some(len) = tag[i + 1..].iter().position(|&b| b == quote) else {
            return out;
        };
        out.push(Attr {
            whole: whole_start..i + len + 2,
            name,
            value: i + 1..i + 1 + len,
        });
        i += len + 2;
    }
}
