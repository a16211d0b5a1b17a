//! What a command tells GitHub Actions when it runs there: workflow commands that put each
//! problem as an annotation on its file and line (`::error file=…,line=…::`), and the job
//! summary's file.

use std::path::Path;
use std::process::Command;

use crate::site::Diagnostic;

/// Whether this process runs in a GitHub Actions job.
pub fn in_actions() -> bool {
    std::env::var_os("GITHUB_ACTIONS").is_some_and(|v| v == "true")
}

/// Where the site directory `dir` is inside its git repository (`""` at the root, `site/`
/// below it): annotations name files from the repository's root.
pub fn repo_prefix(dir: &Path) -> String {
    Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["rev-parse", "--show-prefix"])
        .output()
        .ok()
        .filter(|out| out.status.success())
        .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_owned())
        .unwrap_or_default()
}

/// The workflow command for one problem: `level` is `error` or `warning`; the file is named
/// from the repository's root (`prefix`, see [`repo_prefix`]).
pub fn annotation(level: &str, prefix: &str, d: &Diagnostic) -> String {
    let file = format!("{prefix}{}", d.file.display()).replace('\\', "/");
    // Line 0 is a problem of the whole file: an annotation on the file, at no line.
    let at = match d.line {
        0 => String::new(),
        line => format!(",line={line},col={}", d.col),
    };
    format!(
        "::{level} file={}{at}::{}",
        escape_property(&file),
        escape_data(&d.message)
    )
}

/// Prints an annotation for every error and warning, when running in GitHub Actions.
pub fn annotate<'a>(
    dir: &Path,
    errors: impl IntoIterator<Item = &'a Diagnostic>,
    warnings: impl IntoIterator<Item = &'a Diagnostic>,
) {
    if !in_actions() {
        return;
    }
    let prefix = repo_prefix(dir);
    for d in errors {
        println!("{}", annotation("error", &prefix, d));
    }
    for d in warnings {
        println!("{}", annotation("warning", &prefix, d));
    }
}

/// A workflow command's message: `%`, CR and LF escaped as GitHub reads them.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value: also `:` and `,`.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn an_annotation_names_the_file_from_the_repository_root_and_escapes() {
        let d = Diagnostic {
            file: PathBuf::from("people/a,b.toml"),
            line: 3,
            col: 7,
            message: "feed 'x' failed: 100% gone\nnext".into(),
            source_line: None,
        };
        assert_eq!(
            annotation("error", "site/", &d),
            "::error file=site/people/a%2Cb.toml,line=3,col=7::feed 'x' failed: 100%25 gone%0Anext"
        );
    }
}
