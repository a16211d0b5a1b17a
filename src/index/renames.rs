//! People whose list was renamed: `people/old.toml` became `people/new.toml` in a commit, as
//! `git log -M` on the site's checkout shows it. Their old page path keeps a redirect to the
//! new one. Read from the commits alone (never the clock), so a checkout always builds the
//! same site.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::process::Command;

use crate::site::Person;

/// Each list rename under `people/` in the history of the checkout `site_dir` is in, oldest
/// first, as (old slug, new slug). `None` when `site_dir` is not in a git checkout or git is
/// not installed.
pub fn list_renames(site_dir: &Path) -> Option<Vec<(String, String)>> {
    let output = Command::new("git")
        .arg("-C")
        .arg(site_dir)
        .args([
            "log",
            "--reverse",
            "-M",
            "--diff-filter=R",
            "--name-status",
            "--relative",
            "--no-color",
            "--format=",
            "--",
            "people",
        ])
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    Some(parse_renames(&String::from_utf8_lossy(&output.stdout)))
}

/// Parses `git log --name-status` lines as written by [`list_renames`]: `R<score>`, the old
/// path and the new one, separated by tabs. Only lists directly under `people/` count.
pub fn parse_renames(log: &str) -> Vec<(String, String)> {
    log.lines()
        .filter_map(|line| {
            let mut parts = line.split('\t');
            let status = parts.next()?;
            if !status.starts_with('R') {
                return None;
            }
            let old = list_slug(parts.next()?)?;
            let new = list_slug(parts.next()?)?;
            (old != new).then_some((old, new))
        })
        .collect()
}

/// The person slug of a list's path relative to the site (`people/ana.toml` → `ana`).
fn list_slug(path: &str) -> Option<String> {
    let name = path.strip_prefix("people/")?;
    let stem = name
        .strip_suffix(".toml")
        .or_else(|| name.strip_suffix(".opml"))?;
    let plain = !stem.is_empty()
        && stem
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    plain.then(|| stem.to_owned())
}

/// Each former slug of a person of `people`, by slug, with the position of the person it is
/// now: renames followed to the end of their chain (`a` → `b` → `c` leaves `a` and `b` to `c`).
/// A slug that is a person's now, or whose chain ends at no person, is left out.
pub fn moved_people(renames: &[(String, String)], people: &[Person]) -> Vec<(String, usize)> {
    let now: HashMap<&str, usize> = people
        .iter()
        .enumerate()
        .map(|(i, p)| (p.slug.as_str(), i))
        .collect();
    let mut next: BTreeMap<&str, &str> = BTreeMap::new();
    for (old, new) in renames {
        next.insert(old, new);
    }
    next.keys()
        .filter(|old| !now.contains_key(*old))
        .filter_map(|&old| {
            let mut at = old;
            for _ in 0..next.len() {
                at = next.get(at)?;
                if let Some(&person) = now.get(at) {
                    return Some((old.to_owned(), person));
                }
            }
            None
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(slug: &str) -> Person {
        Person {
            slug: slug.into(),
            file: format!("people/{slug}.toml").into(),
            name: slug.into(),
            bio: String::new(),
            homepage: None,
            avatar: None,
            feeds: Vec::new(),
        }
    }

    #[test]
    fn renames_are_read_and_followed_to_a_person() {
        let log = "\nR100\tpeople/ana.toml\tpeople/ana-lima.toml\n\
                   R087\tpeople/bo.opml\tpeople/bo-2.opml\n\
                   M\tpeople/cy.toml\n\
                   R100\tpeople/ana-lima.toml\tpeople/lima.toml\n\
                   R100\tpeople/x/deep.toml\tpeople/deep.toml\n\
                   R100\tpeople/gone.toml\tpeople/also-gone.toml\n\
                   R100\tpeople/cy.toml\tpeople/cy-old.toml\n";
        let renames = parse_renames(log);
        assert_eq!(renames.len(), 5, "{renames:?}");
        let people = [person("bo-2"), person("cy"), person("lima")];
        let moved = moved_people(&renames, &people);
        assert_eq!(
            moved,
            vec![
                ("ana".to_owned(), 2),
                ("ana-lima".to_owned(), 2),
                ("bo".to_owned(), 0)
            ]
        );
    }

    #[test]
    fn a_cycle_of_renames_ends() {
        let renames = vec![("a".into(), "b".into()), ("b".into(), "a".into())];
        assert!(moved_people(&renames, &[person("c")]).is_empty());
    }
}
