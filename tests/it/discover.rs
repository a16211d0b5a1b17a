//! Discovery end to end: the site's pages show suggestions with reasons, `toluu suggest --json`
//! has the documented shape, `/discover/` lists additions from git, and on synthetic
//! communities with planted interest groups the recommender beats popularity by a margin.

use std::process::Command;

use toluu::index::discover::{Community, DiscoverConfig, FeedContent, discover};

use crate::TestSite;

/// Five people in two interest groups; feeds are never fetched (offline, no cache).
fn small_site() -> TestSite {
    let site = TestSite::new("[fetch]\noffline = true\n");
    let person = |name: &str, feeds: &[&str]| {
        let mut s = format!("name = \"{name}\"\n");
        for f in feeds {
            s.push_str(&format!(
                "[[feeds]]\nurl = \"https://{f}.example/feed\"\ntags = [\"{}\"]\n",
                if f.starts_with('r') { "rust" } else { "garden" }
            ));
        }
        s
    };
    site.write(
        "people/ana.toml",
        &person("Ana", &["rust1", "rust2", "rust3"]),
    );
    site.write(
        "people/bo.toml",
        &person("Bo", &["rust1", "rust2", "rust4"]),
    );
    site.write(
        "people/cy.toml",
        &person("Cy", &["rust1", "rust3", "rust4"]),
    );
    site.write("people/di.toml", &person("Di", &["rose1", "rose2"]));
    site.write("people/ed.toml", &person("Ed", &["rose1", "rose3"]));
    site
}

#[test]
fn pages_show_suggestions_with_reasons() {
    let site = small_site();
    site.build_offline().expect("builds");
    let ana = site.output("people/ana/index.html");
    assert!(ana.contains("Suggested for you"), "{ana}");
    // Ana reads rust1..3; Bo and Cy both read rust4 with her.
    let suggested = ana.split("Suggested for you").nth(1).unwrap();
    let first = suggested.split("</li>").next().unwrap();
    assert!(first.contains("rust4.example"), "{first}");
    assert!(
        first.contains("read by 2 of the 2 people whose lists are most like yours")
            || first.contains("read by both people who also read"),
        "{first}"
    );
    assert!(ana.contains("Reads like Ana"), "{ana}");
    assert!(ana.contains("2 feeds in common"), "{ana}");

    let di = site.output("people/di/index.html");
    let di_first = di.split("Suggested for you").nth(1).unwrap();
    assert!(di_first.contains("rose3.example"), "{di_first}");

    let feeds = site.output("feeds/index.html");
    let rust4 = feeds
        .split("href=\"../feeds/")
        .find(|s| s.starts_with("rust4"))
        .and_then(|s| s.split('/').next())
        .expect("rust4 feed page");
    let page = site.output(&format!("feeds/{rust4}/index.html"));
    assert!(page.contains("Readers also read"), "{page}");
    assert!(page.contains("2 readers in common"), "{page}");

    let discover = site.output("discover/index.html");
    assert!(discover.contains("Most read"), "{discover}");
    assert!(discover.contains("rust1.example"), "{discover}");
    assert!(
        !discover.contains("Added most recently"),
        "not a git checkout: {discover}"
    );
    assert!(site.output("index.html").contains("discover/"));
}

#[test]
fn suggest_json_has_the_documented_shape() {
    let site = small_site();
    let (code, out, err) = site.run(&["suggest", "--json"]);
    assert_eq!(code, 0, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let top: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(top, ["people", "related", "similar_people"]);
    let ana = json["people"]["ana"].as_array().expect("ana's list");
    assert!(!ana.is_empty() && ana.len() <= 10);
    for s in ana {
        let keys: Vec<&str> = s.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["reason", "score", "source", "url"], "{s}");
        assert!(s["score"].as_f64().unwrap() > 0.0);
        assert_eq!(s["source"], "lists", "{s}");
        assert!(!s["reason"].as_str().unwrap().is_empty());
    }
    assert_eq!(ana[0]["url"], "https://rust4.example/feed");
    assert_eq!(json["similar_people"]["ana"][0]["shared_feeds"], 2);
    assert!(json["related"]["https://rust4.example/feed"].is_array());

    let (code, out, _) = site.run(&["suggest", "--json", "--person", "di", "--limit", "1"]);
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["people"].as_object().unwrap().len(), 1);
    assert_eq!(json["people"]["di"].as_array().unwrap().len(), 1);

    let (code, _, err) = site.run(&["suggest", "--person", "nobody"]);
    assert_ne!(code, 0);
    assert!(err.contains("no person `nobody`"), "{err}");
    let (code, out, _) = site.run(&["suggest"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("ana (Ana)") && out.contains("rust4.example"),
        "{out}"
    );
}

/// The same feed spelled differently in different lists (`http`/`https`, `www.`, a trailing
/// slash) is one feed for discovery: its readers count together, nobody is suggested a feed
/// they read under another spelling, and a suggestion is written as the neighbours write it.
#[test]
fn spellings_of_one_feed_are_one_feed_for_discovery() {
    let site = TestSite::new("[fetch]\noffline = true\n");
    let person = |name: &str, feeds: &[&str]| {
        let mut s = format!("name = \"{name}\"\n");
        for f in feeds {
            s.push_str(&format!("[[feeds]]\nurl = \"{f}\"\n"));
        }
        s
    };
    let ana = ["http://www.a.example/feed", "https://b.example/feed"];
    site.write("people/ana.toml", &person("Ana", &ana));
    let bo = [
        "https://a.example/feed",
        "https://b.example/feed",
        "https://c.example/feed",
    ];
    site.write("people/bo.toml", &person("Bo", &bo));
    let cy = ["https://a.example/feed/", "https://c.example/feed"];
    site.write("people/cy.toml", &person("Cy", &cy));
    site.write(
        "people/dee.toml",
        &person("Dee", &["http://c.example/feed"]),
    );
    let (code, out, err) = site.run(&["suggest", "--json"]);
    assert_eq!(code, 0, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let urls = |slug: &str| -> Vec<String> {
        json["people"][slug]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["url"].as_str().unwrap().to_owned())
            .collect()
    };
    // Ana reads a.example as http://www., so its https spelling is not suggested to her.
    assert!(
        urls("ana").iter().all(|u| !u.contains("a.example")),
        "{:?}",
        urls("ana")
    );
    // Dee shares c.example with Bo and Cy only under another spelling; both read a.example
    // (spelled https://a.example/feed by both), so it comes first, for that reason.
    let dee = &json["people"]["dee"][0];
    assert_eq!(dee["url"], "https://a.example/feed", "{dee}");
    let reason = dee["reason"].as_str().unwrap();
    assert!(
        reason == "read by both people who also read c.example"
            || reason.starts_with("read by 2 of the 2 people whose lists are most like yours"),
        "{reason}"
    );
    assert_eq!(json["similar_people"]["dee"][0]["shared_feeds"], 1);
    // Every spelling of a feed has the related feeds of the group.
    let related = &json["related"]["http://c.example/feed"][0];
    assert_eq!(related["url"], "https://a.example/feed", "{related}");
    assert_eq!(related["shared_readers"], 2, "{related}");
}

/// A feed spelled both ways is suggested as the person is likely to write it: what their
/// neighbours write, weighed by whether their own list uses `http` or `https`.
#[test]
fn a_suggestion_is_spelled_with_the_persons_scheme() {
    let site = TestSite::new("[fetch]\noffline = true\n");
    let person = |name: &str, feeds: &[&str]| {
        let mut s = format!("name = \"{name}\"\n");
        for f in feeds {
            s.push_str(&format!("[[feeds]]\nurl = \"{f}\"\n"));
        }
        s
    };
    for name in ["Bo", "Cy", "Di"] {
        let feeds = ["https://x.example/feed", "https://y.example/feed"];
        site.write(
            &format!("people/{}.toml", name.to_lowercase()),
            &person(name, &feeds),
        );
    }
    site.write(
        "people/zed.toml",
        &person("Zed", &["http://x.example/feed", "http://z.example/feed"]),
    );
    let own = |scheme: &str, who: &str| -> Vec<String> {
        std::iter::once(format!("{scheme}://y.example/feed"))
            .chain((1..5).map(|k| format!("{scheme}://{who}{k}.example/feed")))
            .collect()
    };
    let old = own("http", "old");
    let neo = own("https", "neo");
    fn refs(v: &[String]) -> Vec<&str> {
        v.iter().map(String::as_str).collect()
    }
    site.write("people/old.toml", &person("Old", &refs(&old)));
    site.write("people/neo.toml", &person("Neo", &refs(&neo)));
    let (code, out, err) = site.run(&["suggest", "--json"]);
    assert_eq!(code, 0, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    // Three neighbours write https, but every feed of Old's is http: (0+1)·(5+1) = 6 beats
    // (3+1)·(0+1) = 4.
    let first = &json["people"]["old"][0];
    assert_eq!(first["url"], "http://x.example/feed", "{json}");
    let reason = first["reason"].as_str().unwrap();
    assert!(
        reason == "read by 3 of the 4 people who also read y.example"
            || reason.starts_with("read by 3 of the 4 people whose lists are most like yours"),
        "{reason}"
    );
    assert_eq!(json["people"]["neo"][0]["url"], "https://x.example/feed");
}

/// Tags are compared by their singular words: `Comics` on one list meets `web comic` on another.
#[test]
fn tags_spelled_differently_still_meet() {
    let site = TestSite::new("[fetch]\noffline = true\n");
    let person = |name: &str, url: &str, tag: &str| {
        format!("name = \"{name}\"\n[[feeds]]\nurl = \"{url}\"\ntags = [\"{tag}\"]\n")
    };
    site.write(
        "people/ana.toml",
        &person("Ana", "https://x1.example/f", "Comics"),
    );
    site.write(
        "people/bo.toml",
        &person("Bo", "https://x2.example/f", "web comic"),
    );
    site.write(
        "people/cy.toml",
        &person("Cy", "https://x3.example/f", "gardens"),
    );
    site.write(
        "people/di.toml",
        &person("Di", "https://x4.example/f", "garden"),
    );
    let (code, out, err) = site.run(&["suggest", "--json", "--person", "ana"]);
    assert_eq!(code, 0, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let first = &json["people"]["ana"][0];
    assert_eq!(first["url"], "https://x2.example/f", "{json}");
    assert_eq!(first["reason"], "shares the tag comic with 1 of your feeds");
}

#[test]
fn discover_page_lists_feeds_added_most_recently_from_git() {
    let site = small_site();
    let git = |args: &[&str], date: &str| {
        let ok = Command::new("git")
            .args([
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@t.invalid",
                "-c",
                "commit.gpgsign=false",
            ])
            .args(args)
            .current_dir(site.path())
            .env("GIT_AUTHOR_DATE", date)
            .env("GIT_COMMITTER_DATE", date)
            .output()
            .expect("git runs");
        assert!(
            ok.status.success(),
            "{}",
            String::from_utf8_lossy(&ok.stderr)
        );
    };
    git(&["init", "-q"], "2026-01-01T00:00:00Z");
    git(&["add", "."], "2026-01-01T00:00:00Z");
    git(&["commit", "-qm", "lists"], "2026-01-01T00:00:00Z");
    site.write(
        "people/ed.toml",
        "name = \"Ed\"\n[[feeds]]\nurl = \"https://rose1.example/feed\"\n[[feeds]]\nurl = \"https://rose3.example/feed\"\n[[feeds]]\nurl = \"https://tulip.example/feed\"\n",
    );
    git(&["commit", "-qam", "tulips"], "2026-03-05T00:00:00Z");
    site.build_offline().expect("builds");
    let page = site.output("discover/index.html");
    let recent = page.split("Added most recently").nth(1).expect("section");
    let first = recent.split("</li>").next().unwrap();
    assert!(
        first.contains("tulip.example") && first.contains("5 Mar 2026"),
        "{first}"
    );
    assert!(recent.contains("1 Jan 2026"), "{recent}");
    site.build_offline().expect("builds again");
    assert_eq!(page, site.output("discover/index.html"));
}

/// splitmix64, for a fixed synthetic community.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Hit rate @10 of discovery and of popularity on a community of `groups` interest groups
/// (each with its own feeds and tag) plus globally popular feeds, one feed hidden per person.
fn planted_eval(seed: u64, groups: usize, per_group: usize) -> (f64, f64) {
    const FEEDS_PER_GROUP: usize = 25;
    const POPULAR: usize = 10;
    let mut rng = Rng(seed);
    let n_feeds = POPULAR + groups * FEEDS_PER_GROUP;
    let mut lists: Vec<Vec<u32>> = Vec::new();
    for g in 0..groups {
        for _ in 0..per_group {
            let mut l: Vec<u32> = Vec::new();
            // Popular feeds: the first ones are read by most people.
            for f in 0..POPULAR {
                if rng.below(POPULAR + 2) > f {
                    l.push(f as u32);
                }
            }
            // Group feeds, the group's first ones more often.
            for k in 0..FEEDS_PER_GROUP {
                if rng.below(FEEDS_PER_GROUP) >= k / 2 + 8 {
                    l.push((POPULAR + g * FEEDS_PER_GROUP + k) as u32);
                }
            }
            lists.push(l);
        }
    }
    // Hide one group feed per person (one someone else reads too).
    let readers = |lists: &[Vec<u32>], f: u32| lists.iter().filter(|l| l.contains(&f)).count();
    let mut hidden: Vec<Option<u32>> = Vec::new();
    let full = lists.clone();
    for l in &mut lists {
        let shared: Vec<usize> = (0..l.len())
            .filter(|&i| l[i] as usize >= POPULAR && readers(&full, l[i]) >= 2)
            .collect();
        hidden.push(if shared.is_empty() {
            None
        } else {
            Some(l.remove(shared[rng.below(shared.len())]))
        });
    }
    let feeds: Vec<FeedContent> = (0..n_feeds)
        .map(|f| FeedContent {
            tags: if f < POPULAR {
                vec![("news".into(), 1)]
            } else {
                vec![(format!("group{}", (f - POPULAR) / FEEDS_PER_GROUP), 1)]
            },
            words: String::new(),
        })
        .collect();
    let community = Community {
        lists: lists.clone(),
        feeds,
    };
    let d = discover(&community, &DiscoverConfig::default());
    let mut popularity: Vec<u32> = (0..n_feeds as u32).collect();
    popularity.sort_by_key(|&f| (std::cmp::Reverse(readers(&lists, f)), f));
    let (mut ours, mut pop, mut n) = (0, 0, 0);
    for (p, h) in hidden.iter().enumerate() {
        let Some(h) = *h else { continue };
        n += 1;
        if d.suggestions[p].iter().take(10).any(|s| s.feed == h) {
            ours += 1;
        }
        let top: Vec<u32> = popularity
            .iter()
            .copied()
            .filter(|f| !lists[p].contains(f))
            .take(10)
            .collect();
        if top.contains(&h) {
            pop += 1;
        }
    }
    (
        f64::from(ours) / f64::from(n),
        f64::from(pop) / f64::from(n),
    )
}

#[test]
fn planted_interest_groups_beat_popularity() {
    for (seed, groups, per_group) in [(1, 6, 12), (2, 10, 8), (3, 4, 3)] {
        let (ours, pop) = planted_eval(seed, groups, per_group);
        eprintln!(
            "planted seed {seed}: {groups} groups x {per_group}: hit@10 {ours:.3} vs popularity {pop:.3}"
        );
        assert!(
            ours >= pop + 0.25,
            "seed {seed}: discovery hit@10 {ours:.3} vs popularity {pop:.3}"
        );
    }
}
