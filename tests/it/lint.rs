//! `toluu check` reports one feed listed under different spellings by different people.

use crate::TestSite;
use toluu::refresh::cache::{CACHE_FORMAT, Cache, CacheEntry, FetchRecord, FetchStatus};

#[test]
fn check_reports_one_feed_under_two_spellings() {
    // Published somewhere: a base_url at localhost would be a warning of its own.
    let site = TestSite::new("base_url = \"https://site.example/\"\n");
    site.write(
        "people/ana.toml",
        "name = \"Ana\"\n\n[[feeds]]\nurl = \"https://a.example/feed\"\n\n[[feeds]]\nurl = \"https://b.example/rss\"\n\n[[feeds]]\nurl = \"https://c.example/feed.xml\"\n",
    );
    site.write(
        "people/bo.toml",
        "name = \"Bo\"\n\n[[feeds]]\nurl = \"https://b.example/rss\"\n\n[[feeds]]\nurl = \"http://www.a.example/feed/\"\n",
    );
    site.write(
        "people/cy.toml",
        "name = \"Cy\"\n\n[[feeds]]\nurl = \"http://feeds.feedburner.com/CeeBlog\"\n",
    );
    // The cache saw c.example's feed redirect to its FeedBurner address.
    let cache = Cache::new(site.path().join(".toluu/cache"));
    cache
        .store(&CacheEntry {
            format: CACHE_FORMAT,
            url: "https://c.example/feed.xml".into(),
            fetch: FetchRecord {
                status: FetchStatus::Ok,
                http_status: Some(200),
                error: None,
                fetched_at: chrono::DateTime::UNIX_EPOCH,
                last_success_at: None,
                etag: None,
                last_modified: None,
                final_url: Some("https://feeds.feedburner.com/ceeblog".into()),
                ..FetchRecord::new(chrono::DateTime::UNIX_EPOCH)
            },
            feed: None,
            first_seen: None,
            slug: None,
            former_slugs: Vec::new(),
            categories_read: false,
            posts: None,
            unread_items: None,
        })
        .unwrap();

    let (code, stdout, stderr) = site.run(&["check"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("ok: 3 people"), "{stdout}");
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("warning:"))
        .collect();
    assert_eq!(warnings.len(), 2, "{stderr}");
    assert!(
        warnings[0].starts_with("warning: people/bo.toml:7:8: feed 'http://www.a.example/feed/' is the same feed as 'https://a.example/feed' (people/ana.toml:4:8)"),
        "{stderr}"
    );
    assert!(
        warnings[0].contains("(http/https, www., trailing slash)"),
        "{stderr}"
    );
    assert!(
        warnings[1].starts_with("warning: people/cy.toml:4:8: feed 'http://feeds.feedburner.com/CeeBlog' is the same feed as 'https://c.example/feed.xml' (people/ana.toml:10:8)"),
        "{stderr}"
    );
    assert!(warnings[1].contains("FeedBurner"), "{stderr}");
    // The same feed under the same spelling is normal, and not reported.
    assert!(!stderr.contains("b.example"), "{stderr}");
}
