//! Feeds that other readers (Python's feedparser among them) read right, read right here too:
//! permalink guids that are paths, documents that mix Latin-1 and UTF-8, and UTF-8 encoded
//! twice. Each fixture is our own, shaped like the real feeds that showed the problem; each is
//! served from loopback and built with the real binary, and the site is checked as a reader
//! sees it.

use crate::server::{Route, TestServer};
use crate::{TestSite, fixture};

/// Builds a site of one person reading `name` (a fixture); returns the site and the server.
fn site_reading(name: &str) -> (TestSite, TestServer) {
    let server = TestServer::start();
    server.route("/feed.xml", Route::xml(fixture(name)));
    let site = TestSite::new("");
    site.person("ana", "Ana", &[server.url("/feed.xml")]);
    let (code, _, stderr) = site.run(&["build"]);
    assert_eq!(code, 0, "{stderr}");
    (site, server)
}

#[test]
fn a_permalink_guid_that_is_a_path_becomes_the_posts_link() {
    let (site, server) = site_reading("relative-guid.xml");
    let atom = site.output("atom.xml");
    for path in ["/blog/first-post", "/blog/second-post"] {
        let link = format!("<link rel=\"alternate\" href=\"{}\"/>", server.url(path));
        assert!(atom.contains(&link), "no {link} in\n{atom}");
    }
    // An opaque guid is no address: that post has no link, rather than a made-up one.
    let opaque = atom
        .split("<entry>")
        .find(|e| e.contains("Opaque post"))
        .unwrap();
    assert!(!opaque.contains("<link"), "{opaque}");
    assert!(!atom.contains("opaque-7\"/>"), "{atom}");
    let river = site.output("index.html");
    assert!(river.contains("blog/first-post"), "{river}");
}

#[test]
fn a_latin1_document_with_utf8_titles_reads_both_right() {
    let (site, _server) = site_reading("mixed-encoding.xml");
    let atom = site.output("atom.xml");
    for text in [
        "Brøndby vandt derbyet",
        "Søndagens kamp: AGF–FCK",
        "Kærlighed til klubben",
        "Fodbold på Nørrebro",
    ] {
        assert!(atom.contains(text), "no {text} in\n{atom}");
    }
    assert!(!atom.contains("Ã"), "{atom}");
    let river = site.output("index.html");
    assert!(river.contains("Brøndby vandt derbyet"), "{river}");
}

#[test]
fn utf8_encoded_twice_is_repaired_and_correct_text_is_left_alone() {
    let (site, _server) = site_reading("double-encoded.xml");
    let atom = site.output("atom.xml");
    for text in [
        "<title>Cinéma en plein air</title>",
        "<title>Tickets from £31</title>",
        // The stray `Â` was the first half of a no-break space.
        "open at eight</title>",
        "Entrée libre, café offert.",
        "<source><title>Ciné Club</title></source>",
        // Correct text with a real `Ã` stays as it is.
        "<title>SÃO PAULO: a sessão de sábado</title>",
    ] {
        assert!(atom.contains(text), "no {text} in\n{atom}");
    }
    for mojibake in ["Ã©", "Â£", "Â"] {
        assert!(!atom.contains(mojibake), "{mojibake} in\n{atom}");
    }
}
