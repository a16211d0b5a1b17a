//! Repairs for JSON Feeds feed-rs rejects: its serde model is strict where the spec (and real
//! feeds) are loose.

use serde_json::{Map, Value};

const FEED_STRINGS: [&str; 7] = [
    "title",
    "home_page_url",
    "feed_url",
    "language",
    "description",
    "icon",
    "favicon",
];
const ITEM_STRINGS: [&str; 9] = [
    "id",
    "url",
    "external_url",
    "title",
    "content_html",
    "content_text",
    "summary",
    "date_published",
    "date_modified",
];

/// The feed with an `http:` version URL, a missing title, numeric ids, a string of tags,
/// an attachment without a MIME type and other wrongly typed fields made acceptable; or
/// `None` when the bytes are not a JSON object.
pub fn repair(doc: &[u8]) -> Option<Vec<u8>> {
    let mut value: Value = serde_json::from_slice(doc).ok()?;
    let feed = value.as_object_mut()?;
    let version = feed.get("version").and_then(Value::as_str).unwrap_or("");
    let version = match version.strip_prefix("http://jsonfeed.org/version/") {
        Some(v) => format!("https://jsonfeed.org/version/{v}"),
        None if version.is_empty() && feed.get("items").is_some_and(Value::is_array) => {
            "https://jsonfeed.org/version/1".to_owned()
        }
        None => version.to_owned(),
    };
    feed.insert("version".to_owned(), version.into());
    strings(feed, &FEED_STRINGS);
    feed.entry("title").or_insert_with(|| "".into());
    authors(feed);
    match feed.get_mut("items") {
        Some(Value::Array(items)) => {
            items.retain(Value::is_object);
            items
                .iter_mut()
                .filter_map(Value::as_object_mut)
                .for_each(item);
        }
        _ => {
            feed.insert("items".to_owned(), Value::Array(Vec::new()));
        }
    }
    serde_json::to_vec(&value).ok()
}

fn item(item: &mut Map<String, Value>) {
    strings(item, &ITEM_STRINGS);
    authors(item);
    match item.get_mut("tags") {
        Some(Value::Array(tags)) => tags.retain(Value::is_string),
        Some(Value::String(tag)) => {
            let tags = vec![Value::String(std::mem::take(tag))];
            item.insert("tags".to_owned(), Value::Array(tags));
        }
        Some(_) => {
            item.remove("tags");
        }
        None => {}
    }
    match item.get_mut("attachments") {
        Some(Value::Array(list)) => {
            list.retain(|a| a.get("url").is_some_and(Value::is_string));
            for a in list.iter_mut().filter_map(Value::as_object_mut) {
                strings(a, &["mime_type", "title"]);
                a.entry("mime_type")
                    .or_insert_with(|| "application/octet-stream".into());
                if !a.get("size_in_bytes").is_none_or(Value::is_u64) {
                    a.remove("size_in_bytes");
                }
            }
        }
        Some(_) => {
            item.remove("attachments");
        }
        None => {}
    }
}

fn authors(obj: &mut Map<String, Value>) {
    match obj.get_mut("author") {
        Some(Value::Object(author)) => strings(author, &["name", "url"]),
        Some(_) => {
            obj.remove("author");
        }
        None => {}
    }
    match obj.get_mut("authors") {
        Some(Value::Array(list)) => {
            list.retain(Value::is_object);
            for author in list.iter_mut().filter_map(Value::as_object_mut) {
                strings(author, &["name", "url"]);
            }
        }
        Some(_) => {
            obj.remove("authors");
        }
        None => {}
    }
}

/// Makes each of `keys` a string: numbers are written out, other values are dropped.
fn strings(obj: &mut Map<String, Value>, keys: &[&str]) {
    for &key in keys {
        match obj.get(key) {
            None | Some(Value::String(_)) => {}
            Some(Value::Number(n)) => {
                let text = n.to_string();
                obj.insert(key.to_owned(), text.into());
            }
            Some(_) => {
                obj.remove(key);
            }
        }
    }
}
