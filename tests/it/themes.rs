//! Themes and the site around them: the search index, the planet theme, overriding one block
//! or one component, and `toluu eject-theme`.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::read_tree;

/// A copy of the example site in a temp dir (without any built output).
pub fn example_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    crate::copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("example-site"),
        dir.path(),
    );
    dir
}

pub fn set_theme(site: &Path, theme: &str) {
    let toml = site.join("toluu.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    let text = text.replace("theme = \"default\"", &format!("theme = \"{theme}\""));
    assert!(text.contains(&format!("theme = \"{theme}\"")));
    std::fs::write(toml, text).unwrap();
}

/// Builds `site` offline into `site/public` and returns the output directory.
fn build(site: &Path) -> PathBuf {
    let options = toluu::BuildOptions {
        offline: true,
        ..Default::default()
    };
    toluu::build(site, &options).unwrap_or_else(|e| panic!("build failed: {e}"));
    site.join("public")
}

fn page(out: &Path, rel: &str) -> String {
    std::fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn eject(site: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_toluu"))
        .arg("eject-theme")
        .arg(site)
        .args(args)
        .output()
        .expect("run toluu");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_search_index_lists_feeds_people_and_posts_compactly() {
    let site = example_copy();
    let out = build(site.path());
    let text = page(&out, "search.json");
    assert!(
        text.ends_with("}\n") && text.lines().count() == 1,
        "one compact line"
    );
    let index: serde_json::Value = serde_json::from_str(&text).unwrap();
    let feeds = index["feeds"].as_array().unwrap();
    let people = index["people"].as_array().unwrap();
    let posts = index["posts"].as_array().unwrap();
    assert!(feeds.len() >= 15 && people.len() == 8 && posts.len() > 100);
    // Every path is a page of the site.
    for row in feeds.iter().chain(people) {
        let path = row[1].as_str().unwrap();
        assert!(out.join(path).join("index.html").is_file(), "{path}");
    }
    assert!(
        people
            .iter()
            .any(|p| p[0] == "Chen Wei" && p[1] == "people/chen-wei/")
    );
    // The first post of the index is the first post of the river, with its feed.
    let river = page(&out, "index.html");
    let first = &posts[0];
    let title = first[0].as_str().unwrap();
    let link = first[1].as_str().unwrap();
    let feed = &feeds[first[2].as_u64().unwrap() as usize];
    assert!(river.contains(&format!(
        "<a href=\"{link}\" rel=\"noopener nofollow ugc\">{title}</a>"
    )));
    let feed_page = page(&out, &format!("{}index.html", feed[1].as_str().unwrap()));
    assert!(feed_page.contains(title), "{title} is on its feed's page");
    assert_eq!(first[3].as_str().unwrap().len(), "2026-11-20".len());
}

#[test]
fn the_planet_theme_renders_a_river_by_day_and_falls_back_on_the_default_templates() {
    let site = example_copy();
    set_theme(site.path(), "planet");
    let out = build(site.path());
    let river = page(&out, "index.html");
    assert!(river.contains("<link rel=\"stylesheet\" href=\"./planet.css\">"));
    assert!(river.contains("<link rel=\"stylesheet\" href=\"./style.css\">"));
    let days = river.matches("<h2 class=\"day\">").count();
    assert!(days >= 5, "{days} day headings");
    // The compact river by default: a post a line, each under its day.
    assert!(river.contains("<article class=\"post post-line\">"));
    assert!(!river.contains("<p class=\"entry-source\">"));
    // The excerpts layout keeps planet's own posts, under the same day headings.
    let toml = site.path().join("toluu.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(
        &toml,
        text.replace("[river]\n", "")
            .replace("[build]\n", "[river]\nlayout = \"excerpts\"\n\n[build]\n"),
    )
    .unwrap();
    let river = page(&build(site.path()), "index.html");
    assert_eq!(river.matches("<h2 class=\"day\">").count(), days);
    assert!(river.contains("<p class=\"entry-source\">"));
    assert!(!river.contains("post-line"));
    assert!(out.join("planet.css").is_file() && out.join("theme.js").is_file());
    // Pages the planet theme has no template for come from the default theme, with its CSS.
    let person = page(&out, "people/chen-wei/index.html");
    assert!(person.contains("planet.css") && person.contains("Reading list"));
    assert!(
        person.contains("<p class=\"entry-source\">"),
        "planet's post component"
    );
    // And the default theme's output does not change because planet exists.
    let default = example_copy();
    let default_river = page(&build(default.path()), "index.html");
    assert!(!default_river.contains("planet.css") && default_river.contains("class=\"day\""));
}

#[test]
fn an_unknown_theme_names_the_built_in_ones() {
    let site = example_copy();
    set_theme(site.path(), "nope");
    let err = toluu::build(site.path(), &Default::default()).unwrap_err();
    assert!(
        err.to_string()
            .contains("unknown theme 'nope', expected one of: default, planet"),
        "{err}"
    );
}

#[test]
fn a_site_overrides_one_block_and_one_component() {
    let site = example_copy();
    let templates = site.path().join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(
        templates.join("person.html"),
        "{% extends \"default/person.html\" %}\n{% block og_type %}article{% endblock og_type %}\n",
    )
    .unwrap();
    std::fs::write(
        templates.join("components.html"),
        "{% component toluu.tags(tags: array, label: string = \"Tags\") %}<p class=\"my-tags\">\
         {% for t in tags %}{{ t.name }} {% endfor %}</p>{% endcomponent toluu.tags %}\n",
    )
    .unwrap();
    let out = build(site.path());
    let person = page(&out, "people/chen-wei/index.html");
    assert!(person.contains("<meta property=\"og:type\" content=\"article\">"));
    assert!(
        person.contains("Reading list"),
        "the rest of the template is kept"
    );
    assert!(person.contains("<p class=\"my-tags\">performance linux </p>"));
    assert!(
        !person.contains("class=\"tags\""),
        "the site's component replaced the theme's"
    );
    assert!(
        person.contains("class=\"breadcrumbs\""),
        "other components are kept"
    );
}

#[test]
fn eject_theme_copies_the_theme_and_the_site_builds_the_same() {
    let before = example_copy();
    let expected = read_tree(&build(before.path()));

    let site = example_copy();
    let (code, stdout, stderr) = eject(site.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with("copied "), "{stdout}");
    assert!(site.path().join("templates/base.html").is_file());
    assert!(site.path().join("templates/components.html").is_file());
    assert!(site.path().join("static/style.css").is_file());
    assert_eq!(read_tree(&build(site.path())), expected);

    // A second eject would overwrite the site's (maybe edited) copies: refused, nothing written.
    std::fs::write(site.path().join("static/style.css"), "edited").unwrap();
    let (code, _, stderr) = eject(site.path(), &[]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("already exist") && stderr.contains("--force"),
        "{stderr}"
    );
    assert!(stderr.contains("static/style.css`"), "{stderr}");
    let style = std::fs::read_to_string(site.path().join("static/style.css")).unwrap();
    assert_eq!(style, "edited");
    let (code, _, stderr) = eject(site.path(), &["--force"]);
    assert_eq!(code, 0, "{stderr}");
    assert_ne!(
        std::fs::read_to_string(site.path().join("static/style.css")).unwrap(),
        "edited"
    );
}

#[test]
fn eject_theme_planet_gives_a_default_site_the_planet_look() {
    let planet = example_copy();
    set_theme(planet.path(), "planet");
    let expected = read_tree(&build(planet.path()));

    let site = example_copy();
    let (code, _, stderr) = eject(site.path(), &["--theme", "planet"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(site.path().join("static/planet.css").is_file());
    assert_eq!(read_tree(&build(site.path())), expected);

    let (code, _, stderr) = eject(site.path(), &["--theme", "nope"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("unknown theme 'nope'"), "{stderr}");
}
