//! A fetch split in N shards, merged, gives the same site as one fetch.

use crate::server::{Route, TestServer};
use crate::{TestSite, read_tree, rss};

/// Paths for `n` feeds on `server`, feed `i` falling in shard `i % 3 + 1` of 3 (the shard of
/// a URL is a hash of it, and the server's port changes from run to run, so each path is
/// looked for rather than fixed).
fn feed_paths(server: &TestServer, n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            let shard = toluu::refresh::shard::Shard::parse(&format!("{}/3", i % 3 + 1)).unwrap();
            (0..)
                .map(|salt| format!("/f{i}-{salt}.xml"))
                .find(|path| shard.contains(&server.url(path)))
                .unwrap()
        })
        .collect()
}

fn site_with_feeds(server: &TestServer, paths: &[String]) -> TestSite {
    let site = TestSite::new("");
    for p in 0..3 {
        let mut list = format!("name = \"Person {p}\"\n");
        for i in (0..paths.len()).filter(|i| i % 3 == p || i % 4 == 0) {
            list.push_str(&format!(
                "[[feeds]]\nurl = \"{}\"\ntags = [\"t{}\"]\n",
                server.url(&paths[i]),
                i % 2
            ));
        }
        site.write(&format!("people/p{p}.toml"), &list);
    }
    site
}

#[test]
fn three_shards_merged_equal_one_fetch() {
    let server = TestServer::start();
    let paths = feed_paths(&server, 12);
    for (i, path) in paths.iter().enumerate() {
        let day = 1 + i;
        server.route(
            path,
            Route::xml(rss(
                &format!("Feed {i}"),
                &[(
                    &format!("Post {i}"),
                    &format!("https://f{i}.example/1"),
                    &format!("Mon, {day:02} Nov 2026 10:00:00 GMT"),
                )],
            )),
        );
    }
    let at = "2026-11-20T12:00:00Z";
    let whole = site_with_feeds(&server, &paths);
    let (code, _, err) = whole.run(&["fetch", "--at", at]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = whole.run(&["build", "--offline"]);
    assert_eq!(code, 0, "{err}");

    let split = site_with_feeds(&server, &paths);
    let states = tempfile::tempdir().unwrap();
    let mut fetched = 0;
    for k in 1..=3 {
        let dir = states.path().join(format!("shard{k}"));
        let (code, _, err) = split.run(&[
            "fetch",
            "--shard",
            &format!("{k}/3"),
            "--at",
            at,
            "--state-dir",
            dir.to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{err}");
        let n = std::fs::read_dir(&dir)
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .path()
                    .extension()
                    .is_some_and(|x| x == "json")
            })
            .count();
        assert_eq!(n, 4, "shard {k} fetched {n} of 12, not its own 4");
        fetched += n;
    }
    assert_eq!(fetched, 12, "the shards partition the feeds");
    let mut args = vec!["build".to_owned(), "--offline".to_owned()];
    for k in 1..=3 {
        args.push("--merge-state".into());
        args.push(
            states
                .path()
                .join(format!("shard{k}"))
                .display()
                .to_string(),
        );
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, _, err) = split.run(&args);
    assert_eq!(code, 0, "{err}");

    let a = read_tree(&whole.path().join("public"));
    let b = read_tree(&split.path().join("public"));
    assert!(a.len() > 20);
    assert!(
        String::from_utf8_lossy(&a.iter().find(|(p, _)| p == "index.html").unwrap().1)
            .contains("Post 11")
    );
    let differing: Vec<&String> = a
        .iter()
        .zip(&b)
        .filter(|(x, y)| x != y)
        .map(|(x, _)| &x.0)
        .collect();
    assert_eq!(a.len(), b.len());
    assert!(differing.is_empty(), "pages differ: {differing:?}");
}
