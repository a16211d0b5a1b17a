//! Property test of the path feed bytes → parsed items → rendered pages: feeds in RSS, Atom
//! and JSON Feed whose every field holds random mixes of hostile strings are parsed with
//! `parse_feed` and rendered through the real index and theme; every page must pass
//! [`crate::safety::violations`]. A bounded run (200 cases) is part of `cargo test`; see
//! README.md ("Fuzzing the sanitizer") to run it longer.

use std::sync::LazyLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use chrono::{TimeZone, Utc};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use crate::TestSite;

/// Pieces hostile field values are built from: attacks on scripts, handlers, URLs, page-level
/// elements, CSS and parsers, plus harmless text and URLs.
const PIECES: &[&str] = &[
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "javascript:alert(1)",
    " JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "jav&#x09;ascript:alert(1)",
    "&#106;avascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>",
    "<base href=\"https://evil.example/\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<p style=\"width:expression(alert(1))\">p</p>",
    "<div style=\"background:url(javascript:alert(1))\">d</div>",
    "<style>@import 'https://evil.example/x.css';</style>",
    "<a href=\"javascript:alert(1)\">a</a>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD4=\">d</a>",
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "<object data=\"https://evil.example/x.swf\"></object>",
    "<form action=\"javascript:alert(1)\"><button formaction=javascript:alert(1)>go</button></form>",
    "<img srcset=\"javascript:alert(1) 1x\">",
    "<video poster=javascript:alert(1) src=x></video>",
    "<math><mtext><style><img src=x onerror=alert(1)></style></mtext></math>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "\"><script>alert(1)</script>",
    "' onmouseover='alert(1)",
    "\" onfocus=\"alert(1)\" autofocus=\"",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&amp;lt;img src=x onerror=alert(1)&amp;gt;",
    "<!--",
    "-->",
    "]]>",
    "<![CDATA[",
    "&",
    "<",
    "\u{202e}",
    "https://ok.example/a?b=1&c=2",
    "/relative/path",
    "../up",
    "//evil.example/x",
    "#frag",
    "Plain words",
    "Café &eacute; &nbsp; &mdash;",
];

/// A field value: one to four pieces, some replaced by random printable text.
fn value() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => proptest::sample::select(PIECES).prop_map(str::to_owned),
        1 => "\\PC{0,12}",
    ];
    proptest::collection::vec(piece, 1..4).prop_map(|v| v.concat())
}

#[derive(Debug, Clone)]
struct Fields {
    format: u8,
    cdata: bool,
    v: Vec<String>,
}

fn fields() -> impl Strategy<Value = Fields> {
    (
        0u8..3,
        any::<bool>(),
        proptest::collection::vec(value(), 16),
    )
        .prop_map(|(format, cdata, v)| Fields { format, cdata, v })
}

/// XML text: escaped, or in CDATA; characters XML cannot carry are dropped.
fn x(text: &str, cdata: bool) -> String {
    let text: String = text
        .chars()
        .filter(|&c| {
            matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{fffe}' && c != '\u{ffff}')
        })
        .collect();
    if cdata {
        format!("<![CDATA[{}]]>", text.replace("]]>", "]]]]><![CDATA[>"))
    } else {
        toluu::render::xml::escape(&text)
    }
}

/// An attribute value (always escaped).
fn a(text: &str) -> String {
    x(text, false)
}

fn feed_bytes(f: &Fields) -> Vec<u8> {
    let v = &f.v;
    let c = f.cdata;
    match f.format {
        0 => format!(
            "<?xml version=\"1.0\"?>\n<rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" xmlns:media=\"http://search.yahoo.com/mrss/\"><channel>\
             <title>{}</title><link>{}</link><description>{}</description><image><url>{}</url></image>\
             <item><title>{}</title><link>{}</link><guid>{}</guid><author>{}</author><category>{}</category>\
             <enclosure url=\"{}\" type=\"audio/mpeg\" length=\"1\"/><media:thumbnail url=\"{}\"/><comments>{}</comments>\
             <pubDate>Mon, 02 Nov 2026 10:00:00 GMT</pubDate><description>{}</description><content:encoded>{}</content:encoded></item>\
             <item><title>{}</title><guid isPermaLink=\"true\">{}</guid><description>{}</description></item>\
             </channel></rss>",
            x(&v[0], c), x(&v[1], c), x(&v[2], c), x(&v[3], c), x(&v[4], c), x(&v[5], c), x(&v[6], c),
            x(&v[7], c), x(&v[8], c), a(&v[9]), a(&v[10]), x(&v[11], c), x(&v[12], c), x(&v[13], c),
            x(&v[14], c), x(&v[15], c), x(&v[12], c),
        )
        .into_bytes(),
        1 => format!(
            "<?xml version=\"1.0\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"><title type=\"html\">{}</title>\
             <link rel=\"alternate\" href=\"{}\"/><id>urn:x</id><icon>{}</icon><logo>{}</logo><subtitle>{}</subtitle>\
             <author><name>{}</name><uri>{}</uri></author><category term=\"{}\" label=\"{}\"/>\
             <entry><title type=\"html\">{}</title><id>{}</id><link rel=\"alternate\" href=\"{}\"/>\
             <link rel=\"enclosure\" href=\"{}\"/><updated>2026-11-02T10:00:00Z</updated>\
             <author><name>{}</name><uri>{}</uri></author><summary type=\"html\">{}</summary>\
             <content type=\"html\">{}</content></entry></feed>",
            x(&v[0], c), a(&v[1]), x(&v[2], c), x(&v[3], c), x(&v[4], c), x(&v[5], c), x(&v[6], c),
            a(&v[7]), a(&v[8]), x(&v[9], c), x(&v[10], c), a(&v[11]), a(&v[12]), x(&v[13], c),
            x(&v[14], c), x(&v[15], c), x(&v[12], c),
        )
        .into_bytes(),
        _ => serde_json::to_vec(&serde_json::json!({
            "version": "https://jsonfeed.org/version/1.1",
            "title": v[0], "home_page_url": v[1], "feed_url": v[2], "description": v[3],
            "icon": v[4], "favicon": v[5],
            "authors": [{"name": v[6], "url": v[7], "avatar": v[8]}],
            "items": [
                {"id": v[9], "url": v[10], "external_url": v[11], "title": v[12],
                 "content_html": v[13], "summary": v[14], "image": v[15], "banner_image": v[1],
                 "date_published": "2026-11-02T10:00:00Z", "tags": [v[2], v[3]],
                 "authors": [{"name": v[4], "url": v[5], "avatar": v[6]}],
                 "attachments": [{"url": v[7], "mime_type": "audio/mpeg"}]},
                {"id": "second", "external_url": v[8], "title": v[9], "content_text": v[10]}
            ]
        }))
        .unwrap(),
    }
}

/// The site every case renders into: one person reading the fuzzed feed.
struct Harness {
    _dir: TestSite,
    site: toluu::site::Site,
    theme: toluu::render::theme::Theme,
}

const FEED_URL: &str = "https://feed.example/blog/feed.xml";

static HARNESS: LazyLock<Harness> = LazyLock::new(|| {
    let dir = TestSite::new("");
    dir.write(
        "people/ana.toml",
        &format!("name = \"Ana\"\n[[feeds]]\nurl = \"{FEED_URL}\"\n"),
    );
    let site = toluu::site::load_site(dir.path()).expect("site loads");
    let theme = toluu::render::theme::Theme::named(&site.config.theme).expect("theme");
    Harness {
        _dir: dir,
        site,
        theme,
    }
});

static PARSED: AtomicUsize = AtomicUsize::new(0);

/// Parses and renders one fuzzed feed; returns every rule a written file breaks.
fn check(bytes: &[u8]) -> Result<(), TestCaseError> {
    let fetched_at = Utc.with_ymd_and_hms(2026, 11, 3, 0, 0, 0).unwrap();
    let Ok(feed) = toluu::parse::parse_feed(bytes, FEED_URL, fetched_at, 20) else {
        return Ok(());
    };
    PARSED.fetch_add(1, Ordering::Relaxed);
    let http = |u: &Option<String>| {
        u.as_deref()
            .is_none_or(|u| u.starts_with("http://") || u.starts_with("https://"))
    };
    prop_assert!(http(&feed.site_link), "site link {:?}", feed.site_link);
    for item in &feed.items {
        prop_assert!(http(&item.link), "item link {:?}", item.link);
    }
    let h = &*HARNESS;
    let entry: toluu::refresh::cache::CacheEntry = serde_json::from_value(serde_json::json!({
        "format": toluu::refresh::cache::CACHE_FORMAT,
        "url": FEED_URL,
        "fetch": {"status": "ok", "fetched_at": fetched_at},
        "feed": feed,
    }))
    .expect("a cache entry");
    let state = toluu::refresh::FeedState {
        url: FEED_URL.to_owned(),
        entry: Some(entry),
        outcome: toluu::refresh::Outcome::Updated,
        cache_warning: None,
        elapsed: Duration::ZERO,
        http_status: Some(200),
        bytes: 0,
        new_items: 0,
    };
    let index = toluu::index::build_index(&h.site, vec![state], 20);
    let files = toluu::render::render_site(&h.site, &index, &h.theme, "https://site.example/")
        .map_err(|e| TestCaseError::fail(format!("render failed: {e}")))?;
    for file in &files {
        let broken = crate::safety::violations(&file.path, &file.bytes);
        prop_assert!(broken.is_empty(), "{}", broken.join("\n"));
    }
    Ok(())
}

#[test]
fn hostile_feeds_always_render_safe_pages() {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(200);
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    let result = runner.run(&fields(), |f| check(&feed_bytes(&f)));
    if let Err(e) = result {
        panic!("{e}");
    }
    // Most cases must get through the parser, or the test checks nothing.
    let parsed = PARSED.load(Ordering::Relaxed);
    eprintln!("{parsed} of {cases} fuzzed feeds parsed and rendered");
    assert!(
        parsed * 2 > cases as usize,
        "only {parsed} of {cases} feeds parsed"
    );
}
