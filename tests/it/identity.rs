//! What readers hold on to stays put: a feed's page URL and every Atom entry id survive a
//! change of the feed's title, a feed's first page (before it ever worked) redirects to its
//! real one, and every name from a list becomes a bounded, distinct page path.

use std::collections::BTreeSet;
use std::fs;

use crate::TestSite;
use crate::server::{Route, TestServer};

/// An RSS feed titled `title`: two posts with permalink guids, one with an opaque guid.
fn feed(title: &str) -> String {
    format!(
        "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>{title}</title>\
         <link>https://blog.example/</link>\n\
         <item><title>One</title><link>https://blog.example/1</link><guid>https://blog.example/1</guid>\
         <pubDate>Mon, 02 Nov 2026 10:00:00 GMT</pubDate></item>\n\
         <item><title>Two</title><link>https://blog.example/2</link><guid>https://blog.example/2</guid>\
         <pubDate>Sun, 01 Nov 2026 10:00:00 GMT</pubDate></item>\n\
         <item><title>Three</title><link>https://blog.example/3</link>\
         <guid isPermaLink=\"false\">post 3 of the blog</guid>\
         <pubDate>Sat, 31 Oct 2026 10:00:00 GMT</pubDate></item>\n\
         </channel></rss>\n"
    )
}

/// The directories under `public/feeds/`.
fn feed_dirs(site: &TestSite) -> BTreeSet<String> {
    fs::read_dir(site.path().join("public/feeds"))
        .unwrap()
        .map(Result::unwrap)
        .filter(|e| e.file_type().unwrap().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect()
}

/// Every `<entry>`'s `<id>` of an Atom document, in order.
fn entry_ids(atom: &str) -> Vec<String> {
    atom.split("<entry>")
        .skip(1)
        .map(|e| {
            let start = e.find("<id>").unwrap() + 4;
            e[start..start + e[start..].find("</id>").unwrap()].to_owned()
        })
        .collect()
}

const ATOMS: [&str; 3] = ["atom.xml", "people/ana/atom.xml", "tags/essays/atom.xml"];

#[test]
fn a_renamed_feed_keeps_its_page_url_and_every_entry_id() {
    let server = TestServer::start();
    server.route("/feed.xml", Route::xml(feed("Original Title")));
    let site = TestSite::new("");
    site.write(
        "people/ana.toml",
        &format!(
            "name = \"Ana\"\n[[feeds]]\nurl = \"{}\"\ntags = [\"essays\"]\n",
            server.url("/feed.xml")
        ),
    );
    let (code, _, stderr) = site.run(&["build"]);
    assert_eq!(code, 0, "{stderr}");
    let dirs = feed_dirs(&site);
    assert_eq!(dirs.len(), 1, "{dirs:?}");
    let page = format!("feeds/{}/index.html", dirs.first().unwrap());
    assert!(site.output(&page).contains("Original Title"));
    let before: Vec<Vec<String>> = ATOMS.iter().map(|a| entry_ids(&site.output(a))).collect();
    assert_eq!(before[0].len(), 3, "{:?}", before[0]);
    // The same post has the same id in every Atom file: the river's, the person's, the tag's.
    assert!(before.iter().all(|ids| *ids == before[0]), "{before:?}");
    assert_eq!(before[0][0], "https://blog.example/1");
    assert!(before[0][2].starts_with("urn:uuid:"), "{}", before[0][2]);
    assert!(!before[0][2].contains("original"), "{}", before[0][2]);

    server.route("/feed.xml", Route::xml(feed("Renamed Blog")));
    let (code, _, stderr) = site.run(&["build"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(feed_dirs(&site), dirs, "the feed's page moved");
    assert!(site.output(&page).contains("Renamed Blog"));
    let after: Vec<Vec<String>> = ATOMS.iter().map(|a| entry_ids(&site.output(a))).collect();
    assert_eq!(after, before);
    // And a title the list gives does not move it either.
    site.write(
        "people/ana.toml",
        &format!(
            "name = \"Ana\"\n[[feeds]]\nurl = \"{}\"\ntitle = \"Ana's pick\"\ntags = [\"essays\"]\n",
            server.url("/feed.xml")
        ),
    );
    let (code, _, stderr) = site.run(&["build", "--offline"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(feed_dirs(&site), dirs);
    assert!(
        site.output(&page).contains("s pick</"),
        "{}",
        site.output(&page)
    );
    let offline: Vec<Vec<String>> = ATOMS.iter().map(|a| entry_ids(&site.output(a))).collect();
    assert_eq!(offline, before);
}

#[test]
fn a_feed_that_worked_late_keeps_a_redirect_at_its_first_page() {
    let server = TestServer::start();
    server.route("/late.xml", Route::status(500));
    let site = TestSite::new("base_url = \"https://reading.example/\"");
    site.person("ana", "Ana", &[server.url("/late.xml")]);
    let (code, _, stderr) = site.run(&["build"]);
    assert_eq!(code, 0, "{stderr}");
    let first = feed_dirs(&site);
    assert_eq!(first.len(), 1);
    let first = first.into_iter().next().unwrap();
    assert!(first.starts_with("127-0-0-1-"), "{first}");

    server.route("/late.xml", Route::xml(feed("Late Bloomer")));
    let (code, _, stderr) = site.run(&["build"]);
    assert_eq!(code, 0, "{stderr}");
    let dirs = feed_dirs(&site);
    let now = dirs
        .iter()
        .find(|d| **d != first)
        .expect("a page of its own");
    assert!(now.starts_with("late-bloomer-"), "{dirs:?}");
    assert!(dirs.contains(&first), "the first page is gone: {dirs:?}");
    let redirect = site.output(&format!("feeds/{first}/index.html"));
    let target = format!("../../feeds/{now}/");
    assert!(
        redirect.contains(&format!(
            "<meta http-equiv=\"refresh\" content=\"0; url={target}\">"
        )),
        "{redirect}"
    );
    assert!(
        redirect.contains(&format!(
            "<link rel=\"canonical\" href=\"https://reading.example/feeds/{now}/\">"
        )),
        "{redirect}"
    );
    assert!(redirect.contains(&format!("<a href=\"{target}\">Late Bloomer</a>")));
    // The redirect is not a page of the site's own.
    assert!(!site.output("sitemap.xml").contains(&first));
    // Offline, from the state alone, the same.
    let (code, _, stderr) = site.run(&["build", "--offline"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(feed_dirs(&site), dirs);
}

#[test]
fn every_tag_becomes_a_bounded_distinct_page() {
    let server = TestServer::start();
    server.route("/a.xml", Route::xml(feed("Alpha")));
    server.route("/b.xml", Route::xml(feed("Beta")));
    let long = "really ".repeat(43);
    let site = TestSite::new("");
    site.write(
        "people/ana.toml",
        &format!(
            "name = \"Ana\"\n[[feeds]]\nurl = \"{}\"\ntags = [\"C\", \"Zoë\", \"{long}\", \"Machine learning\"]\n\
             [[feeds]]\nurl = \"{}\"\ntags = [\"C++\", \"machine-learning\", \"{long}x\"]\n",
            server.url("/a.xml"),
            server.url("/b.xml")
        ),
    );
    assert!(long.len() >= 300);
    let (code, _, stderr) = site.run(&["build"]);
    assert_eq!(code, 0, "{stderr}");
    let tags: BTreeSet<String> = fs::read_dir(site.path().join("public/tags"))
        .unwrap()
        .filter_map(|e| {
            let e = e.unwrap();
            e.file_type()
                .unwrap()
                .is_dir()
                .then(|| e.file_name().to_string_lossy().into_owned())
        })
        .collect();
    assert!(tags.contains("c"), "{tags:?}");
    assert!(tags.contains("zoe"), "{tags:?}");
    assert!(tags.contains("machine-learning"), "{tags:?}");
    let cpp: Vec<&String> = tags.iter().filter(|t| t.starts_with("c-")).collect();
    assert_eq!(cpp.len(), 1, "{tags:?}");
    let cpp_page = site.output(&format!("tags/{}/index.html", cpp[0]));
    assert!(cpp_page.contains("Tagged c++"), "{cpp_page}");
    assert!(site.output("tags/c/index.html").contains("Alpha"));
    assert!(!site.output("tags/c/index.html").contains("Beta"));
    // Both spellings of machine learning are one tag with both feeds.
    let ml = site.output("tags/machine-learning/index.html");
    assert!(ml.contains("Alpha") && ml.contains("Beta"), "{ml}");
    // The two long tags: bounded, and two pages.
    let long_tags: Vec<&String> = tags.iter().filter(|t| t.starts_with("really-")).collect();
    assert_eq!(long_tags.len(), 2, "{tags:?}");
    assert!(long_tags.iter().all(|t| t.len() <= 80), "{long_tags:?}");
    assert_eq!(tags.len(), 6, "{tags:?}");
}

#[test]
fn a_feed_that_moved_keeps_its_page_when_the_list_follows_it() {
    let server = TestServer::start();
    server.route("/new.xml", Route::xml(feed("Mover")));
    server.route("/old.xml", Route::redirect(301, &server.url("/new.xml")));
    let site = TestSite::new("");
    site.person("ana", "Ana", &[server.url("/old.xml")]);
    let (code, _, stderr) = site.run(&["build"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("moved"), "{stderr}");
    let before = feed_dirs(&site);
    assert_eq!(before.len(), 1, "{before:?}");
    let ids = entry_ids(&site.output("atom.xml"));

    // The list is updated to the new address, as the summary asked.
    site.person("ana", "Ana", &[server.url("/new.xml")]);
    let (code, _, stderr) = site.run(&["build"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(feed_dirs(&site), before, "the page moved with the feed");
    let page = format!("feeds/{}/index.html", before.first().unwrap());
    assert!(site.output(&page).contains("Mover"));
    // Posts with permalink guids keep their ids too.
    let after = entry_ids(&site.output("atom.xml"));
    assert_eq!(after[..2], ids[..2]);
}
