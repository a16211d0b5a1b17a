//! The example site: it builds offline from its committed cache, and its output is pinned by
//! a golden manifest (path and SHA-256 of every file). After an intended change to the output,
//! regenerate it with `TOLUU_BLESS=1 cargo test --test it example`.

use std::path::Path;

use sha2::{Digest, Sha256};

use crate::read_tree;

#[test]
fn example_site_matches_its_golden_manifest() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    let options = toluu::BuildOptions {
        offline: true,
        output_dir: Some(out.path().join("public")),
        ..Default::default()
    };
    // A copy: builds of one site take its lock, and other tests build the example too.
    let copy = crate::themes::example_copy();
    let report = toluu::build(copy.path(), &options).expect("example builds");
    assert!(report.feeds.len() >= 15, "{report}");
    let files = read_tree(&out.path().join("public"));
    let manifest: String = files
        .iter()
        .map(|(path, bytes)| {
            let hex: String = Sha256::digest(bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            format!("{hex}  {path}\n")
        })
        .collect();
    let golden_path = root.join("tests/golden/example-site.sha256");
    if std::env::var_os("TOLUU_BLESS").is_some() {
        std::fs::create_dir_all(golden_path.parent().unwrap()).unwrap();
        std::fs::write(&golden_path, &manifest).unwrap();
    }
    let golden = std::fs::read_to_string(&golden_path).unwrap_or_default();
    if golden != manifest {
        let diff: Vec<String> = manifest
            .lines()
            .filter(|l| !golden.lines().any(|g| g == *l))
            .map(|l| format!("changed or new: {l}"))
            .chain(
                golden
                    .lines()
                    .filter(|g| !manifest.lines().any(|l| l == *g))
                    .map(|g| format!("was: {g}")),
            )
            .collect();
        panic!(
            "the example site's output differs from tests/golden/example-site.sha256;\n\
             if the change is intended, run TOLUU_BLESS=1 cargo test --test it example\n{}",
            diff.join("\n")
        );
    }
    // What a visitor sees on the home page: posts from several feeds.
    let river = String::from_utf8_lossy(&files.iter().find(|(p, _)| p == "index.html").unwrap().1)
        .into_owned();
    let mut feeds_linked: Vec<&str> = river
        .match_indices("href=\"./feeds/")
        .map(|(i, _)| river[i + 6..].split('"').next().unwrap())
        .filter(|h| h.len() > "./feeds/".len())
        .collect();
    feeds_linked.sort();
    feeds_linked.dedup();
    assert!(
        feeds_linked.len() >= 4,
        "posts from several feeds: {feeds_linked:?}"
    );
}
