//! `toluu::parse::parse_feed` on the fixture feeds (and a few inline ones): what a reader of the
//! site would see — decoded titles, absolute links, UTC dates, a stable order — and what they
//! must never get from a hostile feed.

use chrono::{DateTime, TimeZone, Utc};
use toluu::model::{Feed, Item};
use toluu::parse::{ParseError, parse_feed};

use crate::fixture;

/// Where the fixtures are "fetched" from: every relative URL without an xml:base resolves here.
const BASE: &str = "http://127.0.0.1:1/feeds/";

fn fetched_at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap()
}

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap()
}

fn try_parse(name: &str) -> Result<Feed, ParseError> {
    parse_feed(
        &fixture(name),
        &format!("{BASE}{name}"),
        fetched_at(),
        usize::MAX,
    )
}

fn parse(name: &str) -> Feed {
    try_parse(name).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn parse_bytes(bytes: &[u8]) -> Feed {
    parse_feed(
        bytes,
        "https://inline.example/feed",
        fetched_at(),
        usize::MAX,
    )
    .unwrap_or_else(|e| panic!("{e}\n{}", String::from_utf8_lossy(bytes)))
}

fn titles(feed: &Feed) -> Vec<&str> {
    feed.items.iter().map(|i| i.title.as_str()).collect()
}

fn item<'a>(feed: &'a Feed, title: &str) -> &'a Item {
    feed.items
        .iter()
        .find(|i| i.title == title)
        .unwrap_or_else(|| panic!("no item {title:?} in {:?}", titles(feed)))
}

fn content(item: &Item) -> &str {
    item.content_html
        .as_deref()
        .unwrap_or_else(|| panic!("{:?} has no content", item.title))
}

/// Every `href` and `src` value in some HTML.
fn urls_in(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            let end = rest.find('"').expect("closing quote");
            out.push(&rest[..end]);
            rest = &rest[end..];
        }
    }
    out
}

/// Every link of the feed and every URL in its HTML is absolute `http(s)`.
fn assert_all_urls_absolute(feed: &Feed) {
    let links = feed
        .site_link
        .iter()
        .chain(feed.items.iter().flat_map(|i| &i.link));
    for link in links {
        assert!(
            link.starts_with("http://") || link.starts_with("https://"),
            "{link}"
        );
    }
    for item in &feed.items {
        for url in urls_in(item.content_html.as_deref().unwrap_or("")) {
            assert!(
                url.starts_with("http://") || url.starts_with("https://"),
                "{url} in {:?}",
                item.title
            );
        }
    }
}

#[test]
fn rss2_titles_dates_links_and_content() {
    let feed = parse("rss2.xml");
    assert_eq!(feed.title, "Fish & Chips Weekly");
    assert_eq!(
        feed.description.as_deref(),
        Some("Notes from a small seaside kitchen.")
    );
    assert_eq!(feed.site_link.as_deref(), Some("https://fish.example.org/"));
    assert_eq!(
        titles(&feed),
        [
            "Batter, revisited",
            "The vinegar question",
            "First fry of the season"
        ],
        "newest first"
    );

    let batter = item(&feed, "Batter, revisited");
    assert_eq!(batter.id, "fish-2024-003");
    assert_eq!(
        batter.published,
        Some(utc(2024, 3, 5, 8, 30, 0)),
        "+0100 in UTC"
    );
    assert_eq!(batter.author.as_deref(), Some("Marit Olsen"));
    assert_eq!(batter.excerpt, "A lighter batter with sparkling water.");
    // content:encoded wins over the description; its relative URLs resolve against the post.
    let html = content(batter);
    assert!(html.contains("<strong>very cold</strong>"), "{html}");
    assert!(
        html.contains(r#"href="https://fish.example.org/2024/first-fry""#),
        "{html}"
    );
    assert!(
        html.contains(r#"src="https://fish.example.org/img/batter.jpg""#),
        "{html}"
    );

    // A permalink guid and no <link>: the guid is the link.
    let vinegar = item(&feed, "The vinegar question");
    assert_eq!(
        vinegar.link.as_deref(),
        Some("https://fish.example.org/2024/vinegar-question")
    );
    assert_eq!(vinegar.published, Some(utc(2024, 2, 10, 18, 0, 0)));

    // A relative <link> resolves against the feed's own URL.
    let first = item(&feed, "First fry of the season");
    assert_eq!(
        first.link.as_deref(),
        Some("http://127.0.0.1:1/2024/first-fry")
    );
    assert_eq!(
        first.published,
        Some(utc(2024, 1, 1, 17, 0, 0)),
        "-0500 in UTC"
    );
    assert_eq!(first.excerpt, "The fryer is back on.");
    assert_all_urls_absolute(&feed);
}

#[test]
fn atom_xml_base_resolves_links_and_html() {
    let feed = parse("atom.xml");
    assert_eq!(feed.title, "Allotment Notes");
    assert_eq!(
        feed.description.as_deref(),
        Some("Weekly reports from plot 17")
    );
    assert_eq!(
        feed.site_link.as_deref(),
        Some("https://notes.example.net/garden/"),
        "the alternate link, not the self link"
    );
    assert_eq!(titles(&feed), ["Beans & borlotti", "Compost, week two"]);

    let beans = &feed.items[0];
    assert_eq!(
        beans.link.as_deref(),
        Some("https://notes.example.net/garden/posts/beans.html")
    );
    assert_eq!(beans.published, Some(utc(2024, 6, 2, 6, 15, 0)));
    assert_eq!(beans.updated, Some(utc(2024, 6, 2, 7, 0, 0)));
    assert_eq!(beans.excerpt, "The borlotti climbed the poles this week.");
    // The HTML's relative URLs resolve against the xml:base, not against the post's link.
    let html = content(beans);
    for expected in [
        r#"src="https://notes.example.net/garden/img/x.png""#,
        r#"href="https://notes.example.net/garden/posts/compost.html""#,
        r#"href="https://notes.example.net/about.html""#,
    ] {
        assert!(html.contains(expected), "{expected} in {html}");
    }

    let compost = &feed.items[1];
    assert_eq!(compost.published, None);
    assert_eq!(
        compost.date(),
        Some(utc(2024, 5, 26, 7, 0, 0)),
        "dated by <updated>"
    );
    assert_eq!(
        compost.link.as_deref(),
        Some("https://notes.example.net/garden/posts/compost.html")
    );
    assert!(
        content(compost).contains(r#"src="https://notes.example.net/garden/img/heap.png""#),
        "xhtml content: {}",
        content(compost)
    );
    assert_all_urls_absolute(&feed);
}

#[test]
fn rss1_rdf_with_dublin_core() {
    let feed = parse("rss1.rdf");
    assert_eq!(feed.title, "Shortwave Log");
    assert_eq!(
        feed.site_link.as_deref(),
        Some("https://radio.example.com/")
    );
    assert_eq!(
        titles(&feed),
        ["Clear night, long skip", "Numbers station at dawn"]
    );
    let dawn = &feed.items[1];
    assert_eq!(
        dawn.published,
        Some(utc(2023, 11, 3, 4, 40, 0)),
        "dc:date in UTC"
    );
    assert_eq!(dawn.author.as_deref(), Some("Pavel Novák"));
    assert_eq!(
        dawn.link.as_deref(),
        Some("https://radio.example.com/log/41")
    );
    assert_eq!(dawn.excerpt, "A faint voice reading digits on 6.8 MHz.");
}

#[test]
fn json_feed_relative_url_resolves_against_the_feed_url() {
    let feed = parse("jsonfeed.json");
    assert_eq!(feed.title, "Tide Tables & Tea");
    assert_eq!(
        feed.site_link.as_deref(),
        Some("https://tides.example.com/")
    );
    let spring = item(&feed, "Spring tide");
    assert_eq!(
        spring.link.as_deref(),
        Some("http://127.0.0.1:1/posts/spring-tide")
    );
    assert!(
        content(spring).contains(r#"href="http://127.0.0.1:1/posts/sea-wall""#),
        "{}",
        content(spring)
    );
    assert_eq!(spring.excerpt, "The water came right up to the sea wall.");
    assert_eq!(spring.published, Some(utc(2024, 4, 9, 13, 0, 0)));
    let neap = item(&feed, "Neap tide");
    assert_eq!(
        neap.author.as_deref(),
        Some("Oona Keel"),
        "inherited from the feed"
    );
    assert_eq!(
        neap.excerpt,
        "Barely any difference between high and low today."
    );
    assert_all_urls_absolute(&feed);
}

#[test]
fn undated_items_keep_feed_order() {
    let feed = parse("nodates.xml");
    assert_eq!(titles(&feed), ["Scrap one", "Scrap two", "Scrap three"]);
    assert!(feed.items.iter().all(|i| i.date().is_none()));
}

#[test]
fn undated_items_come_after_dated_ones() {
    let feed = parse_bytes(
        br#"<?xml version="1.0"?><rss version="2.0"><channel><title>Mixed</title>
        <item><title>undated A</title><guid>a</guid></item>
        <item><title>old</title><guid>b</guid><pubDate>Mon, 01 Jan 2018 00:00:00 GMT</pubDate></item>
        <item><title>undated B</title><guid>c</guid></item>
        <item><title>new</title><guid>d</guid><pubDate>Tue, 01 Jan 2019 00:00:00 GMT</pubDate></item>
        </channel></rss>"#,
    );
    assert_eq!(titles(&feed), ["new", "old", "undated A", "undated B"]);
}

#[test]
fn entities_and_markup_in_titles_become_plain_text() {
    let feed = parse("entities.xml");
    assert_eq!(feed.title, "Fish & Chips — “Daily”");
    assert_eq!(
        titles(&feed),
        [
            "Salt & Vinegar",
            "Bold claims about cod",
            "Mushy peas & mint",
            "Café – Crème brûlée © 2024"
        ]
    );
}

#[test]
fn latin1_feed_is_decoded() {
    let feed = parse("latin1.xml");
    assert_eq!(feed.title, "Café Français");
    assert_eq!(
        feed.description.as_deref(),
        Some("Crêpes, thé et économie domestique.")
    );
    let post = &feed.items[0];
    assert_eq!(post.title, "Crème brûlée à la maison");
    assert_eq!(
        post.author.as_deref(),
        Some("Amélie Garçon"),
        "email (Name)"
    );
    assert!(
        post.excerpt.contains("même sans chalumeau"),
        "{}",
        post.excerpt
    );
    assert_eq!(post.published, Some(utc(2024, 1, 12, 7, 0, 0)));
    let json = serde_json::to_string(&feed).unwrap();
    assert!(
        !json.contains('\u{FFFD}'),
        "no replacement characters: {json}"
    );
}

#[test]
fn malicious_feed_is_defused_everywhere() {
    let feed = parse("malicious.xml");
    let json = serde_json::to_string_pretty(&feed).unwrap();
    let lower = json.to_lowercase();
    for bad in [
        "<script",
        "javascript:",
        "vbscript:",
        "data:",
        "onerror",
        "onclick",
        "onmouseover",
        "onload",
        "<iframe",
        "<form",
        "<input",
        "<base",
        "<meta",
        "http-equiv",
        "<style",
        "style=",
        "expression(",
        "<svg",
        "<math",
        "<object",
        "<embed",
        "evil.example",
        "alert(",
    ] {
        assert!(!lower.contains(bad), "{bad:?} survived parsing:\n{json}");
    }

    // The harmless parts are all still there, so this cannot pass on an empty feed.
    assert_eq!(feed.title, "Harmless Harbour");
    assert_eq!(feed.site_link, None, "javascript: channel link");
    assert_eq!(
        titles(&feed),
        ["Pier report today", "Second notice", "Third notice"]
    );
    for i in &feed.items {
        assert_eq!(
            i.link, None,
            "{:?}: javascript:/data: links are dropped",
            i.title
        );
    }
    let pier = &feed.items[0];
    assert_eq!(pier.author.as_deref(), Some("Mallory Quayside"));
    assert_eq!(pier.excerpt, "Boats are safe tonight.");
    let html = content(pier);
    for good in [
        "<p>The lighthouse keeper waved.</p>",
        r#"<a href="https://good.example.com/harbour-map" rel="noopener nofollow ugc">harbour map</a>"#,
        r#"src="https://good.example.com/gull.jpg""#,
        "Nets mended on the quay.",
        "tide table",
    ] {
        assert!(html.contains(good), "{good:?} missing from {html}");
    }
    assert_eq!(feed.items[1].author.as_deref(), Some("Mallory"));
    assert!(
        feed.items[1].excerpt.ends_with("Fog expected by evening."),
        "{}",
        feed.items[1].excerpt
    );
    assert!(
        content(&feed.items[2]).contains(r#"href="http://127.0.0.1:1/relative/ok""#),
        "{}",
        content(&feed.items[2])
    );
}

#[test]
fn future_dates_are_clamped_to_the_fetch_time() {
    let feed = parse("future.xml");
    let future = item(&feed, "Greetings from 2099");
    assert_eq!(future.published, Some(fetched_at()));
    assert_eq!(future.updated, Some(fetched_at()));
    let past = item(&feed, "An ordinary day");
    assert_eq!(past.published, Some(utc(2020, 1, 15, 12, 0, 0)));
    assert_eq!(titles(&feed), ["Greetings from 2099", "An ordinary day"]);
}

#[test]
fn atom03_is_upgraded() {
    let feed = parse("atom03.xml");
    assert_eq!(feed.title, "Old Format & Friends");
    assert_eq!(feed.description.as_deref(), Some("Still on Atom 0.3"));
    assert_eq!(
        feed.site_link.as_deref(),
        Some("https://legacy.example.org/")
    );
    assert_eq!(titles(&feed), ["Second post", "First post"]);
    let second = &feed.items[0];
    assert_eq!(
        second.published,
        Some(utc(2005, 3, 10, 11, 0, 0)),
        "<issued>"
    );
    assert_eq!(
        second.updated,
        Some(utc(2005, 3, 10, 13, 0, 0)),
        "<modified>"
    );
    assert_eq!(
        second.content_html.as_deref(),
        Some("<p>More <em>of</em> the same, in XHTML.</p>")
    );
    let first = &feed.items[1];
    assert_eq!(
        first.link.as_deref(),
        Some("https://legacy.example.org/2005/02/first")
    );
    assert_eq!(
        first.content_html.as_deref(),
        Some("<p>Hello from <b>2005</b>.</p>"),
        "escaped content"
    );
}

#[test]
fn truncated_xml_is_an_error() {
    let err = try_parse("broken.xml").unwrap_err();
    assert!(err.0.starts_with("broken XML: "), "{err}");
}

#[test]
fn html_page_names_the_feed_it_links_to() {
    let err = try_parse("notafeed.html").unwrap_err();
    assert_eq!(
        err.0,
        "not a feed: an HTML page, which links to http://127.0.0.1:1/feed.xml"
    );
}

#[test]
fn empty_and_foreign_documents_are_errors() {
    let err = |bytes: &[u8]| {
        parse_feed(bytes, "https://inline.example/feed", fetched_at(), 10)
            .unwrap_err()
            .0
    };
    assert_eq!(err(b""), "not a feed: the document is empty");
    assert_eq!(err(b"  \n"), "not a feed: the document is empty");
    assert_eq!(
        err(b"<?xml version=\"1.0\"?><note><to>x</to></note>"),
        "not a feed: the root element is <note>, not <rss>, <feed> or <rdf:RDF>"
    );
    assert!(err(b"\x1f\x8b\x08\x00").contains("gzip"));
    assert!(err(b"{\"items\": 3}").starts_with("broken JSON Feed"));
}

#[test]
fn max_items_keeps_the_newest() {
    let feed = parse_feed(
        &fixture("rss2.xml"),
        "https://inline.example/feed",
        fetched_at(),
        2,
    )
    .unwrap();
    assert_eq!(titles(&feed), ["Batter, revisited", "The vinegar question"]);
}

#[test]
fn parsing_is_deterministic() {
    // Ids included: an item without guid, link or title still gets the same id every time.
    let bytes = br#"<rss version="2.0"><channel><title>t</title>
        <item><description>no id, no link, no title</description></item></channel></rss>"#;
    let a = parse_bytes(bytes);
    assert_eq!(a, parse_bytes(bytes));
    assert!(!a.items[0].id.is_empty());
    for name in [
        "rss2.xml",
        "atom.xml",
        "rss1.rdf",
        "jsonfeed.json",
        "malicious.xml",
    ] {
        assert_eq!(parse(name), parse(name), "{name}");
    }
}

/// Breakage real feeds have, which a reader shrugs off.
#[test]
fn common_breakage_is_repaired() {
    // No version on <rss>, and a bare ampersand in a link.
    let feed = parse_bytes(
        b"<rss><channel><title>Bits & Bobs</title><item><title>A</title>\
          <link>https://x.example/?a=1&b=2</link></item></channel></rss>",
    );
    assert_eq!(feed.title, "Bits & Bobs");
    assert_eq!(
        feed.items[0].link.as_deref(),
        Some("https://x.example/?a=1&b=2")
    );

    // RSS 2.0 in the UserLand default namespace.
    let feed = parse_bytes(
        br#"<rss version="2.0" xmlns="http://backend.userland.com/rss2"><channel>
            <title>UserLand</title><item><title>A</title><guid>a</guid></item></channel></rss>"#,
    );
    assert_eq!((feed.title.as_str(), feed.items.len()), ("UserLand", 1));

    // An empty <media:description/> (feed-rs rejects the whole feed over it).
    let feed = parse_bytes(
        br#"<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel>
            <title>Media</title><item><title>A</title><guid>a</guid>
            <media:content url="https://x.example/a.jpg" medium="image"/>
            <media:description/></item></channel></rss>"#,
    );
    assert_eq!(titles(&feed), ["A"]);

    // UTF-16 with a byte order mark.
    let text = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><rss version=\"2.0\"><channel>\
                <title>Ünïcode</title></channel></rss>";
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    assert_eq!(parse_bytes(&bytes).title, "Ünïcode");

    // Latin-1 bytes with no encoding declared, and UTF-8 mislabelled as Latin-1.
    let feed = parse_bytes(b"<rss version=\"2.0\"><channel><title>Caf\xe9</title></channel></rss>");
    assert_eq!(feed.title, "Café");
    let feed = parse_bytes(
        "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss version=\"2.0\"><channel>\
         <title>Café</title></channel></rss>"
            .as_bytes(),
    );
    assert_eq!(feed.title, "Café");

    // A JSON Feed with an http: version URL, no title, a numeric id and a string of tags.
    let feed = parse_bytes(
        br#"{"version": "http://jsonfeed.org/version/1", "items": [
            {"id": 42, "url": "https://x.example/42", "title": "Answer", "tags": "a,b",
             "content_text": "Forty-two."}]}"#,
    );
    assert_eq!(feed.title, "inline.example", "no title: the host");
    assert_eq!(
        (feed.items[0].id.as_str(), feed.items[0].title.as_str()),
        ("42", "Answer")
    );
}

#[test]
fn dates_in_common_nonstandard_forms() {
    let date = |text: &str| {
        let xml = format!(
            "<rss version=\"2.0\"><channel><title>d</title><item><title>i</title>\
             <pubDate>{text}</pubDate></item></channel></rss>"
        );
        parse_bytes(xml.as_bytes()).items[0].published
    };
    assert_eq!(
        date("Tue, 05 Mar 2024 09:30:00 +0100"),
        Some(utc(2024, 3, 5, 8, 30, 0))
    );
    assert_eq!(
        date("2024-03-05T09:30:00+01:00"),
        Some(utc(2024, 3, 5, 8, 30, 0))
    );
    assert_eq!(date("2024-03-05T09:30"), Some(utc(2024, 3, 5, 9, 30, 0)));
    assert_eq!(date("2024-03-05"), Some(utc(2024, 3, 5, 0, 0, 0)));
    assert_eq!(
        date("2020/1/10 14:33:00"),
        Some(utc(2020, 1, 10, 14, 33, 0))
    );
    assert_eq!(
        date("Fri, 17 May 2019 06:00:00 BST"),
        Some(utc(2019, 5, 17, 5, 0, 0))
    );
    assert_eq!(
        date("Friday, January 29, 2021 04:42 PM"),
        Some(utc(2021, 1, 29, 16, 42, 0))
    );
    assert_eq!(
        date("Seg, 24 Set 2018 19:42:40 -0300"),
        Some(utc(2018, 9, 24, 22, 42, 40))
    );
    assert_eq!(
        date("Wed, 25 Aug 2012 10:00:00 GMT"),
        Some(utc(2012, 8, 25, 10, 0, 0)),
        "wrong weekday"
    );
    assert_eq!(date("not a date"), None);
    assert_eq!(date("32 Jan 2024 10:00:00 GMT"), None);
    assert_eq!(date(""), None);
}

#[test]
fn repeated_items_are_dropped_but_distinct_items_sharing_a_guid_are_kept() {
    let feed = parse_bytes(
        br#"<rss version="2.0"><channel><title>t</title>
        <item><description>first</description><guid>https://x.example/day</guid><pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate></item>
        <item><description>first</description><guid>https://x.example/day</guid><pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate></item>
        <item><description>second</description><guid>https://x.example/day</guid><pubDate>Mon, 01 Jan 2024 12:00:00 GMT</pubDate></item>
        </channel></rss>"#,
    );
    let excerpts: Vec<&str> = feed.items.iter().map(|i| i.excerpt.as_str()).collect();
    assert_eq!(excerpts, ["second", "first"]);
    assert_ne!(feed.items[0].id, feed.items[1].id, "ids stay unique");
}
