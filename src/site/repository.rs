//! `repository`, `branch` and `site_dir` of `toluu.toml`: the GitHub repository that holds
//! the site, checked, and the links into GitHub's web editor that pages offer from it ("edit
//! this list", "add to my list", "add yourself").

use std::path::Path;

use url::Url;

/// The GitHub repository that holds the site's lists, as pages link into it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repository {
    /// `https://github.com/OWNER/REPO`, without a trailing slash.
    base: String,
    /// The branch the lists are edited on.
    branch: String,
    /// The site directory inside the repository, `""` at its root, else ending in `/`.
    dir: String,
}

impl Repository {
    /// The repository at `repository` (checked when the configuration loads), edited on `branch`, with
    /// the site in its folder `site_dir`; None when `repository` is not a GitHub one.
    pub fn new(repository: &str, branch: &str, site_dir: &str) -> Option<Repository> {
        let (owner, name) = owner_and_name(repository)?;
        let dir = site_dir.trim_matches('/');
        Some(Repository {
            base: format!("https://github.com/{owner}/{name}"),
            branch: branch.to_owned(),
            dir: if dir.is_empty() {
                String::new()
            } else {
                format!("{dir}/")
            },
        })
    }

    /// The page of GitHub's editor for `file`, a path relative to the site directory
    /// (`people/ana.toml`).
    pub fn edit_url(&self, file: &Path) -> String {
        self.url("edit", &format!("{}{}", self.dir, slashed(file)), &[])
    }

    /// The page of GitHub's editor for a new file `filename` in `folder` (relative to the
    /// site directory), filled in with `value`.
    pub fn new_file_url(&self, folder: &str, filename: &str, value: &str) -> String {
        let folder = format!("{}{}", self.dir, folder.trim_matches('/'));
        self.url(
            "new",
            folder.trim_end_matches('/'),
            &[("filename", filename), ("value", value)],
        )
    }

    /// `base/<action>/<branch>/<path>?<query>`, each part percent-encoded as it needs.
    fn url(&self, action: &str, path: &str, query: &[(&str, &str)]) -> String {
        let mut url = Url::parse(&self.base).expect("checked when the configuration loaded");
        url.path_segments_mut()
            .expect("an https URL has path segments")
            .push(action)
            .extend(self.branch.split('/'))
            .extend(path.split('/').filter(|s| !s.is_empty()));
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        url.into()
    }
}

/// A path with forward slashes, whatever the platform.
fn slashed(file: &Path) -> String {
    file.to_string_lossy().replace('\\', "/")
}

/// The owner and name of `https://github.com/OWNER/REPO` (a trailing `/` or `.git` allowed).
fn owner_and_name(repository: &str) -> Option<(String, String)> {
    let url = Url::parse(repository).ok()?;
    if url.scheme() != "https"
        || url.host_str() != Some("github.com")
        || url.query().is_some()
        || url.fragment().is_some()
        || !url.username().is_empty()
        || url.port().is_some()
    {
        return None;
    }
    let segments: Vec<&str> = url.path_segments()?.filter(|s| !s.is_empty()).collect();
    let [owner, name] = segments[..] else {
        return None;
    };
    let name = name.strip_suffix(".git").unwrap_or(name);
    let fine = |s: &str| {
        !s.is_empty()
            && !s.starts_with('.')
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    };
    (fine(owner) && fine(name)).then(|| (owner.to_owned(), name.to_owned()))
}

/// The problems of `repository`, `branch` and `site_dir`, each with its key.
pub(super) fn problems(
    repository: Option<&str>,
    branch: &str,
    dir: &str,
) -> Vec<(&'static str, String)> {
    let mut problems = Vec::new();
    if let Some(repository) = repository
        && owner_and_name(repository).is_none()
    {
        problems.push((
            "repository",
            format!(
                "repository '{repository}' is not the address of a GitHub repository, expected \
                 e.g. 'https://github.com/you/reading'"
            ),
        ));
    }
    if branch.is_empty()
        || branch.starts_with('/')
        || branch.ends_with('/')
        || branch.contains("..")
        || branch
            .chars()
            .any(|c| c.is_whitespace() || "~^:?*[\\".contains(c))
    {
        problems.push((
            "branch",
            format!("branch '{branch}' is not a git branch name, expected e.g. 'main'"),
        ));
    }
    if dir.starts_with('/') || dir.contains('\\') || dir.split('/').any(|s| s == ".." || s == ".") {
        problems.push((
            "site_dir",
            format!(
                "site_dir '{dir}' is not a folder inside the repository, expected a relative \
                 path such as 'site' (or nothing, when the site is the repository's root)"
            ),
        ));
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo(url: &str, branch: &str, dir: &str) -> Option<Repository> {
        let found = problems(Some(url), branch, dir);
        assert!(found.is_empty(), "{found:?}");
        Repository::new(url, branch, dir)
    }

    #[test]
    fn edit_links_name_the_file_from_the_repository_root() {
        let r = repo("https://github.com/ana/reading", "main", "").unwrap();
        assert_eq!(
            r.edit_url(Path::new("people/ana.toml")),
            "https://github.com/ana/reading/edit/main/people/ana.toml"
        );
        let r = repo("https://github.com/ana/reading.git/", "gh/pages", "site/").unwrap();
        assert_eq!(
            r.edit_url(Path::new("people/a b.opml")),
            "https://github.com/ana/reading/edit/gh/pages/site/people/a%20b.opml"
        );
    }

    #[test]
    fn new_file_links_carry_the_template_encoded() {
        let r = repo("https://github.com/ana/reading", "main", "site").unwrap();
        assert_eq!(
            r.new_file_url("people", "your-name.toml", "name = \"You\"\n"),
            "https://github.com/ana/reading/new/main/site/people?filename=your-name.toml&value=name+%3D+%22You%22%0A"
        );
    }

    #[test]
    fn only_github_repositories_are_accepted() {
        for bad in [
            "http://github.com/a/b",
            "https://gitlab.com/a/b",
            "https://github.com/a",
            "https://github.com/a/b/tree/main",
            "github.com/a/b",
            "https://github.com/a/b?x=1",
        ] {
            let found = problems(Some(bad), "main", "");
            assert_eq!(found.len(), 1, "{bad}");
            assert!(
                found[0]
                    .1
                    .contains("is not the address of a GitHub repository")
            );
        }
        let found = problems(None, "no good", "../up");
        let keys: Vec<_> = found.into_iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["branch", "site_dir"]);
    }
}
