//! Hostile and broken input, each case against the loopback server: none crashes the build,
//! slows it beyond its timeouts, or reaches a page unsanitized. Each test names the protection
//! it guards; removing that protection makes the test fail.

use std::io::Write;
use std::time::{Duration, Instant};

use crate::server::{Route, TestServer};
use crate::{TestSite, read_tree, rss};

/// A site with one person reading `urls`, and `config` as its `toluu.toml`.
fn site_reading(config: &str, urls: &[String]) -> TestSite {
    let site = TestSite::new(config);
    let mut list = String::from("name = \"Ana\"\n");
    for url in urls {
        list.push_str(&format!("[[feeds]]\nurl = \"{url}\"\n"));
    }
    site.write("people/ana.toml", &list);
    site
}

/// Builds a site reading one feed; returns the site, that feed's error (if it failed) and
/// how long the build took.
fn build_one(config: &str, url: String) -> (TestSite, Option<String>, Duration) {
    let site = site_reading(config, &[url]);
    let started = Instant::now();
    let report = site.build().expect("the build completes");
    let elapsed = started.elapsed();
    let error = report.feeds[0].error.clone();
    (site, error, elapsed)
}

/// Every file the build wrote (site and cache), as lossy text.
fn all_output(site: &TestSite) -> String {
    let mut all = String::new();
    for dir in ["public", ".toluu"] {
        for (_, bytes) in read_tree(&site.path().join(dir)) {
            all.push_str(&String::from_utf8_lossy(&bytes));
        }
    }
    all
}

// The server that never answers is covered by `errors::hung_server_times_out_and_names_the_url`.

/// Guards the total deadline in `Fetcher::read_capped`: a body trickled one byte a second
/// never trips a per-read timeout, only a deadline on the whole fetch.
#[test]
fn trickled_body_hits_the_total_deadline() {
    let server = TestServer::start();
    // Short enough that, without the deadline, all of it arrives in 16 s.
    server.route(
        "/slow.xml",
        Route::xml("<rss version='2.0'").trickle(Duration::from_secs(1)),
    );
    let (_site, error, elapsed) = build_one(
        "[fetch]\ntimeout_secs = 2\nconnect_timeout_secs = 1\n",
        server.url("/slow.xml"),
    );
    let error = error.expect("the trickled feed fails");
    assert!(error.contains("timed out after 2 s"), "{error}");
    assert!(elapsed < Duration::from_secs(5), "took {elapsed:?}");
    assert!(
        server.body_bytes_sent() <= 5,
        "{}",
        server.body_bytes_sent()
    );
}

/// Guards the deadline wait in `Fetcher::read_capped` (reads on a helper thread): a byte
/// every 2.9 s never trips a 3 s per-read timeout, and checking the deadline only between
/// reads would end the fetch at the second byte, near 6 s, not at 3 s.
#[test]
fn stalled_reads_do_not_stretch_the_deadline() {
    let server = TestServer::start();
    server.route(
        "/stall.xml",
        Route::xml("<rss version='2.0'").trickle(Duration::from_millis(2900)),
    );
    let (_site, error, elapsed) = build_one(
        "[fetch]\ntimeout_secs = 3\nconnect_timeout_secs = 1\n",
        server.url("/stall.xml"),
    );
    let error = error.expect("the stalled feed fails");
    assert!(error.contains("timed out after 3 s"), "{error}");
    assert!(elapsed < Duration::from_millis(4500), "took {elapsed:?}");
}

/// Guards the redirect limit of the custom redirect policy in `Fetcher::new`.
#[test]
fn endless_redirects_stop_at_the_limit() {
    let server = TestServer::start();
    server.route_prefix("/loop", Route::redirect_loop());
    let (_site, error, elapsed) = build_one(
        "[fetch]\nmax_redirects = 3\ntimeout_secs = 5\n",
        server.url("/loop"),
    );
    let error = error.expect("fails");
    assert!(error.contains("more than 3 redirects"), "{error}");
    assert_eq!(server.seen().len(), 4, "the first request and 3 redirects");
    assert!(elapsed < Duration::from_secs(3), "took {elapsed:?}");
}

/// Guards the scheme check of the custom redirect policy in `Fetcher::new`: a redirect to
/// `file://` (or any non-HTTP scheme) is refused, and the file is never read.
#[test]
fn redirect_to_a_local_file_is_refused() {
    let secret = tempfile::NamedTempFile::new().unwrap();
    let marker = "TOLUU-REDIRECT-SECRET-5f2c";
    std::fs::write(
        secret.path(),
        rss(marker, &[(marker, "https://x.example/", "")]),
    )
    .unwrap();
    let server = TestServer::start();
    let file_url = format!("file://{}", secret.path().display());
    server.route("/to-file", Route::redirect(302, &file_url));
    server.route("/to-ftp", Route::redirect(301, "ftp://127.0.0.1/feed.xml"));
    let site = site_reading("", &[server.url("/to-file"), server.url("/to-ftp")]);
    let report = site.build().unwrap();
    for feed in &report.feeds {
        let error = feed.error.clone().expect("fails");
        let scheme = if feed.url.ends_with("to-file") {
            "file:"
        } else {
            "ftp:"
        };
        assert!(
            error.contains(&format!("redirect to a non-HTTP URL ({scheme})")),
            "{error}"
        );
    }
    assert!(!all_output(&site).contains(marker));
}

/// Guards the size cap in `Fetcher::read_capped` for a body without Content-Length: 2 GB are
/// streamed by the server, generated on the fly; the client stops reading at `max_bytes`.
#[test]
fn two_gigabyte_body_without_length_is_cut_off() {
    let server = TestServer::start();
    let head = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Huge</title>";
    server.route("/huge.xml", Route::xml(head).endless(2 << 30));
    let (site, error, elapsed) = build_one(
        "[fetch]\nmax_bytes = 1048576\ntimeout_secs = 20\n",
        server.url("/huge.xml"),
    );
    let error = error.expect("fails");
    assert!(
        error.contains("response too large: more than 1048576 bytes"),
        "{error}"
    );
    assert!(elapsed < Duration::from_secs(10), "took {elapsed:?}");
    // The server stops when the client hangs up: far less than 2 GB went out.
    std::thread::sleep(Duration::from_millis(200));
    let sent = server.body_bytes_sent();
    assert!(sent < 64 << 20, "{sent} bytes sent");
    assert!(!site.output("index.html").contains("Huge"));
}

/// Gzip-compresses `len` bytes of XML comments after `head`, without holding them in memory.
fn gzip_bomb(head: &str, len: usize) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(head.as_bytes()).unwrap();
    let chunk = " ".repeat(1 << 20);
    for _ in 0..len >> 20 {
        encoder.write_all(chunk.as_bytes()).unwrap();
    }
    encoder.finish().unwrap()
}

/// Guards the size cap in `Fetcher::read_capped` applying to decompressed bytes: a small
/// gzip body (well under the cap, with an honest Content-Length) inflates far beyond it.
#[test]
fn gzip_bomb_is_capped_on_decompressed_bytes() {
    let head = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Bomb</title>";
    let bomb = gzip_bomb(head, 64 << 20);
    assert!(bomb.len() < 256 << 10, "compressed: {} bytes", bomb.len());
    let server = TestServer::start();
    server.route(
        "/bomb.xml",
        Route::xml(bomb).with_header("Content-Encoding", "gzip"),
    );
    let (_site, error, elapsed) =
        build_one("[fetch]\nmax_bytes = 1048576\n", server.url("/bomb.xml"));
    let error = error.expect("fails");
    assert!(
        error.contains("response too large: more than 1048576 bytes"),
        "{error}"
    );
    assert!(elapsed < Duration::from_secs(10), "took {elapsed:?}");
}

// HTML instead of a feed is covered by
// `errors::html_page_instead_of_feed_names_the_feed_it_links_to`.

/// Guards `refresh::apply` keeping the last good content when a parse fails: a feed cut off
/// mid-document is reported as broken and the items of its last good fetch stay.
#[test]
fn truncated_xml_is_reported_and_keeps_the_last_good_items() {
    let server = TestServer::start();
    let full = rss(
        "Cut",
        &[
            (
                "First post",
                "https://c.example/1",
                "Mon, 02 Nov 2026 10:00:00 GMT",
            ),
            (
                "Second post",
                "https://c.example/2",
                "Sun, 01 Nov 2026 10:00:00 GMT",
            ),
        ],
    );
    server.route("/cut.xml", Route::xml(full.clone()));
    let site = site_reading("", &[server.url("/cut.xml")]);
    site.build().unwrap();
    let cut_at = full.find("Second post").unwrap() + 3;
    server.route("/cut.xml", Route::xml(&full.as_bytes()[..cut_at]));
    let report = site.build().unwrap();
    let error = report.feeds[0]
        .error
        .clone()
        .expect("the truncated feed fails");
    assert!(
        error.contains("XML") || error.contains("not a feed"),
        "{error}"
    );
    let river = site.output("index.html");
    assert!(river.contains("First post") && river.contains("Second post"));
}

const LAUGHS: &str = r#"<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>Laughs &lol9;</title><link>https://l.example/</link>
<item><title>Laugh &lol9;</title><guid>https://l.example/1</guid><description>&lol9;</description></item>
</channel></rss>
"#;

/// Guards against entity expansion (billion laughs): the parser never expands entities a
/// document declares, so the build stays fast and small.
#[test]
fn billion_laughs_do_not_expand() {
    let server = TestServer::start();
    server.route("/laughs.xml", Route::xml(LAUGHS));
    let (site, _, elapsed) = build_one("", server.url("/laughs.xml"));
    assert!(elapsed < Duration::from_secs(5), "took {elapsed:?}");
    assert!(!all_output(&site).contains("lollollollol"));
}

/// Guards against XML external entities: a SYSTEM entity naming a local file is never
/// resolved, so the file's content appears in no page and no cache file.
#[test]
fn external_entities_are_never_read() {
    let secret = tempfile::NamedTempFile::new().unwrap();
    let marker = "TOLUU-XXE-SECRET-91ab";
    std::fs::write(secret.path(), marker).unwrap();
    let path = secret.path().display();
    let feed = format!(
        r#"<?xml version="1.0"?>
<!DOCTYPE rss [ <!ENTITY xxe SYSTEM "file://{path}"> <!ENTITY pw SYSTEM "file:///etc/passwd"> ]>
<rss version="2.0"><channel><title>Entities &xxe;</title><link>https://x.example/</link>
<description>&xxe; &pw;</description>
<item><title>Item &xxe;</title><guid>https://x.example/1</guid><link>https://x.example/1</link>
<description>Body &xxe; and &pw;</description></item>
</channel></rss>
"#
    );
    let server = TestServer::start();
    server.route("/xxe.xml", Route::xml(feed));
    let (site, _, _) = build_one("", server.url("/xxe.xml"));
    let all = all_output(&site);
    assert!(!all.contains(marker));
    assert!(!all.contains("root:x:0:0"));
}

/// Guards `charset::fix_declared_encoding`: a UTF-8 document that says ISO-8859-1 is not
/// shown as mojibake, and a Latin-1 document that says UTF-8 is read rather than refused.
#[test]
fn wrong_declared_encoding_does_not_break_the_build() {
    let server = TestServer::start();
    let utf8_as_latin1 = rss("Café Noir", &[("Crème brûlée", "https://e.example/1", "")]).replace(
        "<?xml version=\"1.0\"?>",
        "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>",
    );
    server.route("/lies-latin1.xml", Route::xml(utf8_as_latin1));
    let latin1_as_utf8: Vec<u8> = rss(
        "Caf\u{e9} Blanc",
        &[("Cr\u{e8}me", "https://e.example/2", "")],
    )
    .replace(
        "<?xml version=\"1.0\"?>",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
    )
    .chars()
    .map(|c| u8::try_from(u32::from(c)).unwrap())
    .collect();
    server.route("/lies-utf8.xml", Route::xml(latin1_as_utf8));
    let site = site_reading(
        "",
        &[server.url("/lies-latin1.xml"), server.url("/lies-utf8.xml")],
    );
    let report = site.build().unwrap();
    assert_eq!(report.failed(), 0, "{report}");
    let river = site.output("index.html");
    assert!(river.contains("Crème brûlée"), "UTF-8 read as UTF-8");
    assert!(river.contains(">Crème</a>"), "Latin-1 decoded");
    assert!(!river.contains("Ã"), "no mojibake");
    let feeds = site.output("feeds/index.html");
    assert!(feeds.contains("Café Noir") && feeds.contains("Café Blanc"));
}

/// Guards the clamp of future dates to the fetch time in `parse::convert`: a post dated 2099
/// does not sit on top of the river for 70 years; a post from 1970 is kept and sorts last.
#[test]
fn dates_in_1970_and_2099() {
    let server = TestServer::start();
    server.route(
        "/dates.xml",
        Route::xml(rss(
            "Dates",
            &[
                (
                    "From the future",
                    "https://d.example/future",
                    "Thu, 01 Jan 2099 00:00:00 GMT",
                ),
                (
                    "At the epoch",
                    "https://d.example/epoch",
                    "Thu, 01 Jan 1970 00:00:00 GMT",
                ),
                (
                    "Last year",
                    "https://d.example/now",
                    "Mon, 02 Nov 2025 10:00:00 GMT",
                ),
            ],
        )),
    );
    let (site, error, _) = build_one("", server.url("/dates.xml"));
    assert_eq!(error, None);
    let river = site.output("index.html");
    assert!(!river.contains("2099"), "no date from the future is shown");
    assert!(river.contains("1970-01-01"), "the epoch is a real date");
    let future = river.find("From the future").unwrap();
    let epoch = river.find("At the epoch").unwrap();
    assert!(future < river.find("Last year").unwrap() && river.find("Last year").unwrap() < epoch);
    assert!(!site.output("atom.xml").contains("2099"));
}

/// Guards `items_per_feed` applied before the per-item work: a feed of 10,000 items keeps
/// its newest 20, and costs little more than the XML parse: sanitizing all 10,000 (the
/// mutant without the cap) takes several times as long.
#[test]
fn ten_thousand_items_are_capped_and_fast() {
    let mut feed = String::from(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Firehose</title><link>https://f.example/</link>\n",
    );
    for i in 0..10_000 {
        let day = 1 + i % 28;
        let hour = i % 24;
        let minute = i % 60;
        feed.push_str(&format!(
            "<item><title>Post {i}</title><link>https://f.example/{i}</link><guid>https://f.example/{i}</guid>\
             <pubDate>Mon, {day:02} Jan 2024 {hour:02}:{minute:02}:00 GMT</pubDate>\
             <description>{}</description></item>\n",
            "&lt;p&gt;Body of &lt;b&gt;post&lt;/b&gt; &lt;a href=\"/x\"&gt;link&lt;/a&gt;&lt;/p&gt;".repeat(6)
        ));
    }
    feed.push_str("</channel></rss>\n");
    let server = TestServer::start();
    server.route("/firehose.xml", Route::xml(feed));
    let (site, error, elapsed) = build_one(
        "[build]\nitems_per_feed = 20\nkeep_items = 20\nposts_per_page = 500\n",
        server.url("/firehose.xml"),
    );
    assert_eq!(error, None);
    let river = site.output("index.html");
    assert_eq!(
        river.matches("https://f.example/").count()
            - river.matches("href=\"https://f.example/\"").count(),
        20
    );
    eprintln!("10,000 items: {elapsed:?}");
    assert!(elapsed < Duration::from_secs(12), "took {elapsed:?}");
}

/// Guards the de-duplication by id in `parse::convert`: three items sharing one guid are one
/// post.
#[test]
fn duplicate_guids_are_one_post() {
    let mut feed = String::from(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Dups</title><link>https://u.example/</link>\n",
    );
    for (title, date) in [("Copy A", "03"), ("Copy B", "02"), ("Copy C", "01")] {
        feed.push_str(&format!(
            "<item><title>{title}</title><guid isPermaLink=\"false\">same-guid</guid>\
             <link>https://u.example/post</link><pubDate>Mon, {date} Nov 2025 10:00:00 GMT</pubDate></item>\n"
        ));
    }
    feed.push_str("</channel></rss>\n");
    let server = TestServer::start();
    server.route("/dups.xml", Route::xml(feed));
    let (site, error, _) = build_one("", server.url("/dups.xml"));
    assert_eq!(error, None);
    let river = site.output("index.html");
    assert!(river.contains("Copy A"), "the newest copy is kept");
    assert!(!river.contains("Copy B") && !river.contains("Copy C"));
}

/// Guards `sanitize::plain_text` on titles: markup in a title is dropped (not shown as
/// `<b>` text, never as a tag) and entities, HTML ones included, are decoded once.
#[test]
fn titles_with_markup_and_entities_are_plain_text() {
    let server = TestServer::start();
    server.route(
        "/titles.xml",
        Route::xml(rss(
            "Fish &amp;amp; Chips &lt;i&gt;weekly&lt;/i&gt;",
            &[(
                "&lt;b&gt;Bold&lt;/b&gt; Caf&amp;eacute; &amp;mdash; A&amp;nbsp;&amp;amp;&amp;nbsp;B &lt;script&gt;x()&lt;/script&gt;",
                "https://t.example/1",
                "Mon, 02 Nov 2025 10:00:00 GMT",
            )],
        )),
    );
    let (site, error, _) = build_one("", server.url("/titles.xml"));
    assert_eq!(error, None);
    let river = site.output("index.html");
    assert!(
        river.contains("Bold Café — A\u{a0}&amp;\u{a0}B")
            || river.contains("Bold Café — A &amp; B"),
        "{river}"
    );
    assert!(river.contains("Fish &amp; Chips weekly"), "{river}");
    for bad in [
        "&lt;b&gt;",
        "<b>Bold",
        "&amp;eacute;",
        "&lt;script",
        "<script>x",
    ] {
        assert!(!river.contains(bad), "{bad}");
    }
}
