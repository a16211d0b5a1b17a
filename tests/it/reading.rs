//! The site as a reader gets it (issue 17): the compact river under day headings with its
//! sidebar, or the excerpts; feed pages that do not repeat their feed; "Updated" on the river
//! and the status page only; links into GitHub's editor when `repository` is set; and the
//! checks of those keys.

use std::fs;
use std::path::Path;

use crate::themes::example_copy;

/// Appends `extra` to the example's `toluu.toml` (top-level keys go before its first table).
fn configure(site: &Path, top: &str, tables: &str) {
    let toml = site.join("toluu.toml");
    let text = fs::read_to_string(&toml).unwrap();
    let text = text.replacen("\n[", &format!("\n{top}\n["), 1);
    fs::write(&toml, format!("{text}\n{tables}")).unwrap();
}

fn build(site: &Path) -> std::path::PathBuf {
    let options = toluu::BuildOptions {
        offline: true,
        ..Default::default()
    };
    toluu::build(site, &options).unwrap_or_else(|e| panic!("build failed: {e}"));
    site.join("public")
}

fn page(out: &Path, rel: &str) -> String {
    fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn the_river_is_compact_by_default_under_day_headings_with_a_sidebar() {
    let site = example_copy();
    let out = build(site.path());
    let river = page(&out, "index.html");
    let lines = river.matches("<article class=\"post post-line\">").count();
    assert!(
        (20..=40).contains(&lines),
        "posts_per_page of the example, or up to twice: {lines}"
    );
    assert!(!river.contains("<article class=\"post\">"));
    // Day headings, newest first, each day once.
    let days: Vec<&str> = river
        .split("<h2 class=\"day\">")
        .skip(1)
        .map(|s| &s[..s.find('<').unwrap()])
        .collect();
    assert!(days.len() >= 5, "{days:?}");
    let mut unique = days.clone();
    unique.dedup();
    assert_eq!(unique, days, "a day is one heading");
    // The excerpt is one click away, in a <details>.
    assert!(river.contains("<details class=\"post-fold\">"));
    // The sidebar: everyone, tags, subscribe.
    let aside = &river[river.find("<aside class=\"river-aside\"").unwrap()..];
    for person in ["Amara Okafor", "Yusuf Demir"] {
        assert!(aside.contains(person), "{person}");
    }
    assert!(aside.contains("href=\"./tags/"));
    assert!(aside.contains("href=\"./atom.xml\"") && aside.contains("href=\"./feeds.opml\""));
    // Without `repository`, nothing links into GitHub's editor (the example's posts may link
    // to GitHub itself).
    for (path, bytes) in crate::read_tree(&out) {
        let text = String::from_utf8_lossy(&bytes);
        for editor in [
            "/edit/main/",
            "/new/main/",
            "Edit this list",
            "Add yourself",
        ] {
            assert!(!text.contains(editor), "{path} links into GitHub's editor");
        }
    }
}

#[test]
fn layout_excerpts_keeps_the_excerpt_view() {
    let site = example_copy();
    configure(site.path(), "", "[river]\nlayout = \"excerpts\"\n");
    let out = build(site.path());
    let river = page(&out, "index.html");
    let posts = river.matches("<article class=\"post\">").count();
    assert!((20..=40).contains(&posts), "{posts}");
    assert!(river.contains("<p class=\"post-excerpt\">"));
    assert!(!river.contains("post-line") && !river.contains("class=\"day\""));
    assert!(river.contains("<aside class=\"river-aside\""));
}

#[test]
fn a_feed_page_does_not_repeat_its_feed_and_readers_on_each_post() {
    let site = example_copy();
    let out = build(site.path());
    let feed = page(&out, "feeds/coding-horror-0b184f/index.html");
    let posts = &feed[feed.find("<h2 id=\"posts\">").unwrap()..];
    assert!(posts.matches("<article class=\"post\">").count() > 1);
    assert!(!posts.contains("class=\"post-feed\""), "{posts}");
    assert!(!posts.contains("class=\"readers\""), "{posts}");
    // Once, in the facts above.
    assert!(feed.contains("<dt>Read by</dt>"));
    // Long URLs may wrap between their parts.
    assert!(
        feed.contains("https://blog.codinghorror.com/<wbr>"),
        "{feed}"
    );
}

#[test]
fn updated_shows_on_the_home_page_and_the_status_page_only() {
    let site = example_copy();
    let out = build(site.path());
    // /status/: the example's latest fetch, from its committed state; the home page: when the
    // newest of its posts came in (a build that brings nothing new leaves it alone).
    let updated = |at: &str, text: &str| {
        format!("<p class=\"updated\">Updated <time datetime=\"{at}\">{text}</time></p>")
    };
    let status = page(&out, "status/index.html");
    assert!(
        status.contains(&updated("2026-11-21T06:00:00Z", "21 Nov 2026, 06:00 UTC")),
        "{status}"
    );
    let home = page(&out, "index.html");
    assert!(
        home.contains(&updated("2026-11-20T12:28:00Z", "20 Nov 2026, 12:28 UTC")),
        "{home}"
    );
    // Not even the river's next pages: a build that brings nothing new leaves them alone.
    let tree = crate::read_tree(&out);
    assert!(
        tree.iter().any(|(p, _)| p.starts_with("page/")),
        "the river has older pages"
    );
    for (path, bytes) in tree {
        if ["index.html", "status/index.html"].contains(&path.as_str()) {
            continue;
        }
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("class=\"updated\""),
            "{path} says when it was updated"
        );
    }
}

#[test]
fn a_repository_gives_edit_add_and_add_yourself_links() {
    let site = example_copy();
    configure(
        site.path(),
        "repository = \"https://github.com/tuesday/reading\"\nbranch = \"trunk\"\nsite_dir = \"site\"",
        "",
    );
    let out = build(site.path());
    let person = page(&out, "people/hana-sato/index.html");
    let edit = "https://github.com/tuesday/reading/edit/trunk/site/people/hana-sato.opml";
    assert!(person.contains(&format!(
        "<a href=\"{edit}\" rel=\"noopener\">Edit this list</a>"
    )));
    let suggestions = &person[person.find("id=\"suggested\"").unwrap()..];
    let adds = suggestions
        .matches(&format!(
            "<a href=\"{edit}\" rel=\"noopener\">Add to my list"
        ))
        .count();
    assert_eq!(
        adds,
        suggestions.matches("<li class=\"suggestion\">").count()
    );
    assert!(adds > 0);
    let people = page(&out, "people/index.html");
    let new = "https://github.com/tuesday/reading/new/trunk/site/people?filename=your-name.toml&amp;value=";
    assert!(people.contains(new), "{people}");
    assert!(people.contains("name+%3D+%22Your+Name%22"));
    assert!(
        page(&out, "index.html").contains(new),
        "the river's sidebar"
    );
}

#[test]
fn a_typo_in_layout_or_repository_is_named_with_its_line() {
    let site = crate::TestSite::new(
        "title = \"x\"\nrepository = \"https://gitlab.com/a/b\"\nbranch = \"a b\"\n[river]\nlayout = \"compat\"\n",
    );
    site.person("ana", "Ana", &[]);
    let (code, _, stderr) = site.run(&["check"]);
    assert_eq!(code, 2, "{stderr}");
    for expected in [
        "toluu.toml:5:10: unknown variant `compat`, expected `compact` or `excerpts`",
        "toluu.toml:2:1: repository 'https://gitlab.com/a/b' is not the address of a GitHub repository, expected e.g. 'https://github.com/you/reading'",
        "toluu.toml:3:1: branch 'a b' is not a git branch name",
    ] {
        assert!(
            stderr.contains(expected),
            "missing {expected:?} in:\n{stderr}"
        );
    }
}

#[test]
fn a_site_override_of_the_post_component_keeps_working() {
    // Written before feed pages had their own post component: same arguments as ever.
    let site = example_copy();
    let templates = site.path().join("templates");
    fs::create_dir_all(&templates).unwrap();
    fs::write(
        templates.join("components.html"),
        "{% component toluu.post(post: map, level: integer = 2, @root) %}\
         <article class=\"mine\">{{ post.title }}</article>{% endcomponent toluu.post %}\n",
    )
    .unwrap();
    configure(site.path(), "", "[river]\nlayout = \"excerpts\"\n");
    let out = build(site.path());
    assert!(page(&out, "index.html").contains("<article class=\"mine\">"));
    assert!(page(&out, "people/chen-wei/index.html").contains("<article class=\"mine\">"));
}

#[test]
fn the_sidebar_of_a_large_group_lists_a_few_people_and_links_to_all() {
    let server = crate::server::TestServer::start();
    server.route(
        "/feed.xml",
        crate::server::Route::xml(crate::rss(
            "Shared",
            &[(
                "One",
                "https://site.example/1",
                "Mon, 02 Mar 2026 10:00:00 GMT",
            )],
        )),
    );
    let site = crate::TestSite::new("");
    for n in 0..30 {
        site.person(
            &format!("p{n:02}"),
            &format!("Person {n:02}"),
            &[server.url("/feed.xml")],
        );
    }
    site.build().expect("builds");
    let river = site.output("index.html");
    let aside = &river[river.find("<aside class=\"river-aside\"").unwrap()..];
    let aside = &aside[..aside.find("</aside>").unwrap()];
    // The people page's order, the first 24 of them; the rest counted, one link away.
    assert!(aside.contains("Person 00") && aside.contains("Person 23"));
    assert!(!aside.contains("Person 24"), "{aside}");
    assert_eq!(aside.matches("class=\"face\"").count(), 24);
    assert!(
        aside.contains("<a href=\"./people/\">All 30 people</a>"),
        "{aside}"
    );
}
