//! Per-feed options through the real binary: only the posts on topic (`only_categories`,
//! `skip_categories` over RSS, Atom and JSON Feed categories; `only_matching`,
//! `skip_matching` on titles), how posts appear (`show`), whose words they are (`author`),
//! and `check` and `fmt` on them.

use crate::TestSite;
use crate::read_tree;
use crate::server::{Route, TestServer};

/// RSS 2.0: two posts about Debian (one as a plural, one capitalized), one about cooking.
fn rss_feed() -> String {
    let item = |title: &str, slug: &str, day: u32, cats: &[&str]| {
        let cats: String = cats
            .iter()
            .map(|c| format!("<category>{c}</category>"))
            .collect();
        format!(
            "<item><title>{title}</title><link>https://rss.example/{slug}</link>\
             <guid>https://rss.example/{slug}</guid>\
             <pubDate>{day:02} Nov 2026 10:00:00 GMT</pubDate>{cats}\
             <description>Text of {title}.</description></item>"
        )
    };
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Ana blog</title>\
         <link>https://rss.example/</link>{}{}{}</channel></rss>",
        item("RSS packaging notes", "pkg", 18, &["Debian", "Packaging"]),
        item("RSS sourdough at home", "bread", 17, &["Recipes"]),
        item("RSS planet hello", "hello", 16, &["debians"]),
    )
}

/// Atom 1.0: categories by term, one only by its label; one post is personal.
fn atom_feed() -> String {
    let entry = |title: &str, slug: &str, day: u32, cat: &str| {
        format!(
            "<entry><title>{title}</title><id>urn:atom:{slug}</id>\
             <link href=\"https://atom.example/{slug}\"/>\
             <updated>2026-11-{day:02}T09:00:00Z</updated>{cat}\
             <summary>Text of {title}.</summary></entry>"
        )
    };
    format!(
        "<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\">\
         <title>Bo journal</title><id>urn:atom</id><updated>2026-11-19T09:00:00Z</updated>\
         <author><name>Bo</name></author>{}{}{}</feed>",
        entry(
            "Atom kernel week",
            "kernel",
            19,
            "<category term=\"linux\"/>"
        ),
        entry(
            "Atom holiday photos",
            "holiday",
            15,
            "<category term=\"c42\" label=\"Personal Life\"/>"
        ),
        entry("Atom uncategorized", "plain", 14, ""),
    )
}

/// JSON Feed 1.1: tags; a multi-author feed that names nobody on its items.
fn json_feed() -> String {
    serde_json::json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Group notes",
        "home_page_url": "https://json.example/",
        "items": [
            {"id": "j1", "url": "https://json.example/1", "title": "JSON Planet release",
             "date_published": "2026-11-13T08:00:00Z", "tags": ["Planets", "release"],
             "content_html": "<p>Text of JSON Planet release.</p>"},
            {"id": "j2", "url": "https://json.example/2", "title": "JSON football scores",
             "date_published": "2026-11-12T08:00:00Z", "tags": ["sport"],
             "content_html": "<p>Text of JSON football scores.</p>"}
        ]
    })
    .to_string()
}

fn serve(server: &TestServer) {
    server.route("/rss.xml", Route::xml(rss_feed()));
    server.route("/atom.xml", Route::xml(atom_feed()));
    server.route(
        "/feed.json",
        Route::ok("application/feed+json", json_feed()),
    );
}

fn list(server: &TestServer, rss_options: &str) -> String {
    format!(
        "name = \"Planet admin\"\n\
         [[feeds]]\nurl = \"{}\"\n{rss_options}\n\
         [[feeds]]\nurl = \"{}\"\nskip_categories = [\"personal\"]\n\
         [[feeds]]\nurl = \"{}\"\nonly_categories = [\"planet\"]\nauthor = \"The group\"\n",
        server.url("/rss.xml"),
        server.url("/atom.xml"),
        server.url("/feed.json"),
    )
}

fn build(site: &TestSite, args: &[&str]) {
    let (code, out, err) = site.run(args);
    assert_eq!(code, 0, "{out}\n{err}");
}

/// The feed page of the feed titled `title`.
fn feed_page(site: &TestSite, title: &str) -> String {
    let feeds = site.output("feeds/index.html");
    let at = feeds
        .find(&format!(">{title}</a>"))
        .unwrap_or_else(|| panic!("{title} not on /feeds/"));
    let href = feeds[..at].rsplit("href=\"").next().unwrap();
    let path = href.split('"').next().unwrap().trim_start_matches("../");
    site.output(&format!("{path}index.html"))
}

#[test]
fn category_filters_over_three_formats_hide_posts_everywhere_but_the_state() {
    let server = TestServer::start();
    serve(&server);
    let site = TestSite::new("");
    site.write(
        "people/admin.toml",
        &list(&server, "only_categories = [\"debian\"]"),
    );
    build(&site, &["build"]);

    let shown = [
        "RSS packaging notes",
        "RSS planet hello",
        "Atom kernel week",
        "Atom uncategorized",
        "JSON Planet release",
    ];
    let hidden = [
        "RSS sourdough at home",
        "Atom holiday photos",
        "JSON football scores",
    ];
    let river = site.output("index.html");
    let atom = site.output("atom.xml");
    let person = site.output("people/admin/index.html");
    let search = site.output("search.json");
    for page in [&river, &atom, &person, &search] {
        for t in shown {
            assert!(page.contains(t), "{t} missing");
        }
        for t in hidden {
            assert!(!page.contains(t), "{t} shown");
        }
    }
    // The group feed names nobody: the list's author is shown, on the river and in Atom.
    assert!(river.contains("<span class=\"post-author\">The group</span>"));
    assert!(atom.contains("<name>The group</name>"));

    // Each feed's page says, in one line, that a filter applies and what it hides; its count
    // leaves the hidden posts out.
    let rss_page = feed_page(&site, "Ana blog");
    assert!(
        rss_page.contains("A filter in the lists applies to this feed: it hides 1 of its 3 posts."),
        "{rss_page}"
    );
    assert!(rss_page.contains("<dt>Posts</dt><dd>2,"), "{rss_page}");
    assert!(!rss_page.contains("RSS sourdough at home"));
    assert!(feed_page(&site, "Bo journal").contains("it hides 1 of its 3 posts"));
    assert!(feed_page(&site, "Group notes").contains("it hides 1 of its 2 posts"));

    // The hidden posts are still in the state.
    let cache: String = read_tree(&site.path().join(".toluu/cache"))
        .into_iter()
        .map(|(_, bytes)| String::from_utf8(bytes).unwrap())
        .collect();
    for t in hidden {
        assert!(cache.contains(t), "{t} not kept in the state");
    }
}

#[test]
fn a_changed_filter_needs_no_fetch_and_same_inputs_give_the_same_site() {
    let server = TestServer::start();
    serve(&server);
    let site = TestSite::new("");
    site.write(
        "people/admin.toml",
        &list(&server, "only_categories = [\"debian\"]"),
    );
    build(&site, &["build"]);
    assert!(!site.output("index.html").contains("RSS sourdough at home"));
    let url_of = |path: &str| server.url(path);
    let urls = [
        url_of("/rss.xml"),
        url_of("/atom.xml"),
        url_of("/feed.json"),
    ];
    drop(server);

    // The other way round, offline, with the server gone.
    site.write(
        "people/admin.toml",
        &format!(
            "name = \"Planet admin\"\n\
             [[feeds]]\nurl = \"{}\"\nskip_categories = [\"Debian\"]\n\
             [[feeds]]\nurl = \"{}\"\n\
             [[feeds]]\nurl = \"{}\"\nskip_matching = \"football\"\n",
            urls[0], urls[1], urls[2],
        ),
    );
    build(&site, &["build", "--offline"]);
    let river = site.output("index.html");
    assert!(river.contains("RSS sourdough at home"));
    assert!(!river.contains("RSS packaging notes"));
    assert!(!river.contains("RSS planet hello"));
    assert!(river.contains("Atom holiday photos"));
    assert!(river.contains("JSON Planet release"));
    assert!(!river.contains("JSON football scores"));
    // No filter on the Atom feed any more: its page says nothing of one.
    assert!(!feed_page(&site, "Bo journal").contains("A filter"));

    let first = read_tree(&site.path().join("public"));
    build(&site, &["build", "--offline"]);
    assert_eq!(first, read_tree(&site.path().join("public")));
}

#[test]
fn title_patterns_keep_or_drop_posts() {
    let server = TestServer::start();
    serve(&server);
    let site = TestSite::new("");
    let rss = server.url("/rss.xml");
    let atom = server.url("/atom.xml");
    site.write(
        "people/a.toml",
        &format!(
            "name = \"A\"\n[[feeds]]\nurl = \"{rss}\"\nonly_matching = '\\b(packaging|PLANET)\\b'\n\
             [[feeds]]\nurl = \"{atom}\"\nskip_matching = \"^atom (holiday|kernel)\"\n"
        ),
    );
    build(&site, &["build"]);
    let river = site.output("index.html");
    assert!(river.contains("RSS packaging notes"));
    assert!(river.contains("RSS planet hello"));
    assert!(!river.contains("RSS sourdough at home"));
    assert!(river.contains("Atom uncategorized"));
    assert!(!river.contains("Atom kernel week"));
    assert!(!river.contains("Atom holiday photos"));
}

#[test]
fn two_lists_one_feed_a_post_shows_when_either_lets_it_through() {
    let server = TestServer::start();
    serve(&server);
    let site = TestSite::new("");
    let rss = server.url("/rss.xml");
    site.write(
        "people/a.toml",
        &format!("name = \"A\"\n[[feeds]]\nurl = \"{rss}\"\nonly_categories = [\"recipe\"]\n"),
    );
    site.write(
        "people/b.toml",
        &format!("name = \"B\"\n[[feeds]]\nurl = \"{rss}\"\nonly_matching = \"packaging\"\n"),
    );
    build(&site, &["build"]);
    let river = site.output("index.html");
    assert!(river.contains("RSS sourdough at home"));
    assert!(river.contains("RSS packaging notes"));
    assert!(!river.contains("RSS planet hello"));
    assert!(feed_page(&site, "Ana blog").contains("it hides 1 of its 3 posts"));
}

/// A feed whose posts carry more than an excerpt shows.
fn long_feed(name: &str) -> String {
    let body = format!(
        "<p>{}</p><p>The end of the {name} post.</p>",
        "Words. ".repeat(80)
    );
    format!(
        "<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\">\
         <title>{name}</title><id>urn:{name}</id><updated>2026-11-19T09:00:00Z</updated>\
         <entry><title>{name} long post</title><id>urn:{name}:1</id>\
         <link href=\"https://{name}.example/1\"/><updated>2026-11-19T09:00:00Z</updated>\
         <summary>Summary of the {name} post.</summary>\
         <content type=\"html\">{}</content></entry></feed>",
        body.replace('<', "&lt;")
    )
}

#[test]
fn show_full_excerpt_or_title_with_the_site_default() {
    let server = TestServer::start();
    for name in ["fulltext", "excerpted", "titled", "bydefault"] {
        server.route(&format!("/{name}.xml"), Route::xml(long_feed(name)));
    }
    let site = TestSite::new("title = \"T\"\n[river]\nshow = \"title\"\nlayout = \"excerpts\"\n");
    site.write(
        "people/a.toml",
        &format!(
            "name = \"A\"\n\
             [[feeds]]\nurl = \"{}\"\nshow = \"full\"\n\
             [[feeds]]\nurl = \"{}\"\nshow = \"excerpt\"\n\
             [[feeds]]\nurl = \"{}\"\nshow = \"title\"\n\
             [[feeds]]\nurl = \"{}\"\n",
            server.url("/fulltext.xml"),
            server.url("/excerpted.xml"),
            server.url("/titled.xml"),
            server.url("/bydefault.xml"),
        ),
    );
    build(&site, &["build"]);
    let river = site.output("index.html");
    let post = |name: &str| {
        let start = river.find(&format!("{name} long post")).unwrap();
        let end = river[start..].find("</article>").unwrap() + start;
        river[start..end].to_owned()
    };
    // Full: the whole content in place, no excerpt, no disclosure.
    let full = post("fulltext");
    assert!(full.contains("class=\"post-content post-full\""), "{full}");
    assert!(full.contains("The end of the fulltext post."));
    assert!(!full.contains("Summary of the fulltext post."));
    assert!(!full.contains("<details"));
    // Excerpt: as before, the excerpt and the content behind "Read more".
    let excerpt = post("excerpted");
    assert!(excerpt.contains("Summary of the excerpted post."));
    assert!(excerpt.contains("<details class=\"post-more\">"));
    // Title, chosen by the list or by the site's [river] show: the title alone.
    for name in ["titled", "bydefault"] {
        let p = post(name);
        assert!(!p.contains(&format!("Summary of the {name} post.")), "{p}");
        assert!(!p.contains(&format!("The end of the {name} post.")), "{p}");
        assert!(p.contains("post-meta"));
    }
    // Atom carries no more than the page does for title-only feeds.
    let atom = site.output("atom.xml");
    assert!(atom.contains("The end of the fulltext post."));
    assert!(!atom.contains("The end of the titled post."));
    assert!(!atom.contains("Summary of the bydefault post."));
    // The person's river shows excerpts, not full text (as for every feed there).
    let person = site.output("people/a/index.html");
    assert!(person.contains("Summary of the fulltext post."));
    assert!(!person.contains("post-full"));
}

#[test]
fn check_points_at_every_bad_option() {
    let site = TestSite::new("[river]\nshow = \"all\"\n");
    site.write(
        "people/a.toml",
        "name = \"A\"\n\
         [[feeds]]\n\
         url = \"https://a.example/feed\"\n\
         only_category = [\"rust\"]\n\
         [[feeds]]\n\
         url = \"https://b.example/feed\"\n\
         only_matching = \"(rust\"\n\
         skip_categories = []\n\
         author = \" \"\n\
         [[feeds]]\n\
         url = \"https://c.example/feed\"\n\
         show = \"ful\"\n",
    );
    let (code, out, err) = site.run(&["check"]);
    let all = format!("{out}{err}");
    assert_eq!(code, 2, "{all}");
    assert!(
        all.contains("people/a.toml:4:1: unknown field `only_category`, expected one of"),
        "{all}"
    );
    assert!(all.contains("`only_categories`"), "{all}");
    assert!(
        all.contains(
            "toluu.toml:3:8: unknown variant `all`, expected one of `full`, `excerpt`, `title`"
        ),
        "{all}"
    );
    // Fixing the unknown key brings the other problems of the list to light.
    site.write("toluu.toml", "title = \"T\"\n");
    let text = std::fs::read_to_string(site.path().join("people/a.toml")).unwrap();
    site.write(
        "people/a.toml",
        &text
            .replace("only_category = [\"rust\"]\n", "")
            .replace("show = \"ful\"\n", ""),
    );
    let (code, out, err) = site.run(&["check"]);
    let all = format!("{out}{err}");
    assert_eq!(code, 2, "{all}");
    assert!(
        all.contains(
            "people/a.toml:6:17: only_matching is not a valid regular expression: unclosed group"
        ),
        "{all}"
    );
    assert!(
        all.contains("people/a.toml:7:19: skip_categories is empty"),
        "{all}"
    );
    assert!(all.contains("people/a.toml:8:10: author is empty"), "{all}");

    site.write(
        "people/a.toml",
        "name = \"A\"\n[[feeds]]\nurl = \"https://c.example/feed\"\nshow = \"ful\"\n",
    );
    let (code, out, err) = site.run(&["check"]);
    let all = format!("{out}{err}");
    assert_eq!(code, 2, "{all}");
    assert!(
        all.contains(
            "people/a.toml:4:8: unknown variant `ful`, expected one of `full`, `excerpt`, `title`"
        ),
        "{all}"
    );
}

#[test]
fn fmt_puts_the_options_in_their_canonical_order() {
    let site = TestSite::new("");
    site.write(
        "people/a.toml",
        "name = \"A\"\n\
         [[feeds]]\n\
         skip_matching = \"(?i)\\\\bfood\\\\b\"\n\
         only_categories = [ \"debian\",\"planet\" ]\n\
         show=\"title\"\n\
         url = \"https://a.example/feed\"\n\
         author = \"Ana\"\n\
         tags = [\"linux\"]\n",
    );
    let (code, out, err) = site.run(&["fmt"]);
    assert_eq!(code, 0, "{out}{err}");
    let text = std::fs::read_to_string(site.path().join("people/a.toml")).unwrap();
    assert_eq!(
        text,
        "name = \"A\"\n\
         \n\
         [[feeds]]\n\
         url = \"https://a.example/feed\"\n\
         tags = [\"linux\"]\n\
         author = \"Ana\"\n\
         show = \"title\"\n\
         only_categories = [\"debian\", \"planet\"]\n\
         skip_matching = '(?i)\\bfood\\b'\n"
    );
    let (code, _, _) = site.run(&["check"]);
    assert_eq!(code, 0);
}

#[test]
fn a_cache_from_before_categories_is_fetched_whole_once() {
    let server = TestServer::start();
    server.route("/rss.xml", Route::xml(rss_feed()).with_etag("\"v1\""));
    let site = TestSite::new("");
    let rss = server.url("/rss.xml");
    site.write(
        "people/a.toml",
        &format!("name = \"A\"\n[[feeds]]\nurl = \"{rss}\"\nonly_categories = [\"debian\"]\n"),
    );
    build(&site, &["build"]);
    // Make the cache look like an older toluu's: no categories, no `categories_read`.
    let (name, bytes) = read_tree(&site.path().join(".toluu/cache"))
        .into_iter()
        .find(|(n, _)| n.ends_with(".json"))
        .unwrap();
    let mut entry: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(entry["categories_read"], true);
    entry.as_object_mut().unwrap().remove("categories_read");
    for item in entry["feed"]["items"].as_array_mut().unwrap() {
        item.as_object_mut().unwrap().remove("categories");
    }
    site.write(
        &format!(".toluu/cache/{name}"),
        &serde_json::to_string_pretty(&entry).unwrap(),
    );
    server.reset();
    build(&site, &["build"]);
    // Asked for the whole feed, not "has it changed since v1": the categories are back.
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    assert!(!seen[0].conditional(), "{seen:?}");
    let river = site.output("index.html");
    assert!(river.contains("RSS packaging notes"));
    assert!(!river.contains("RSS sourdough at home"));
    // From then on, conditional again.
    server.reset();
    build(&site, &["build"]);
    assert!(server.seen()[0].conditional());
}
