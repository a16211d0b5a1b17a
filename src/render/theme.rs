//! Themes: the built-in ones are embedded in the binary, so toluu works from any directory.
//!
//! A built-in theme is a folder of `themes/`: `templates/` and `static/`. Every theme falls
//! back on the default one for any template or static file it does not have, so a theme can be
//! as small as one stylesheet. Templates are registered as `<theme>/<name>` (and the default's
//! as `default/<name>`), and a site's own `templates/<name>` wins by exact name: a site
//! overrides a whole template by copying it, or one block by extending the theme's
//! (`{% extends "default/river.html" %}`). Components work the same way: a site's component
//! replaces the theme's of the same name. A site's `static/` wins over the theme's files.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use rust_embed::RustEmbed;

use crate::site::diagnostic::key_offset;
use crate::site::{CONFIG_FILE, Diagnostic};
use tera::Tera;

#[derive(RustEmbed)]
#[folder = "themes/"]
struct BuiltIn;

/// The theme every other one falls back on.
const DEFAULT: &str = "default";

/// A theme chosen by name.
#[derive(Debug, Clone)]
pub struct Theme {
    name: String,
}

impl Theme {
    /// The built-in theme called `name`, or an error listing the available ones.
    pub fn named(name: &str) -> Result<Theme, String> {
        let prefix = format!("{name}/templates/");
        if BuiltIn::iter().any(|f| f.starts_with(&prefix)) {
            Ok(Theme {
                name: name.to_owned(),
            })
        } else {
            Err(format!(
                "toluu.toml: unknown theme '{name}', expected one of: {}",
                Theme::available().join(", ")
            ))
        }
    }

    /// The theme `toluu.toml` of the site in `root` names; an unknown one is a problem at its
    /// `theme` line, listing the themes there are.
    pub fn of_site(root: &Path, config: &crate::site::SiteConfig) -> Result<Theme, Diagnostic> {
        Theme::named(&config.theme).map_err(|_| {
            let text = fs::read_to_string(root.join(CONFIG_FILE)).unwrap_or_default();
            let message = format!(
                "unknown theme '{}', expected one of: {}",
                config.theme,
                Theme::available().join(", ")
            );
            match key_offset(&text, "theme") {
                Some(at) => Diagnostic::at(Path::new(CONFIG_FILE), &text, at, message),
                None => Diagnostic::path(Path::new(CONFIG_FILE), message),
            }
        })
    }

    /// The names of the built-in themes.
    pub fn available() -> Vec<String> {
        let mut names: Vec<String> = BuiltIn::iter()
            .filter_map(|f| f.split_once('/').map(|(n, _)| n.to_owned()))
            .collect();
        names.sort();
        names.dedup();
        names
    }

    /// The themes to look in, most specific first: this one, then the default.
    fn chain(&self) -> Vec<&str> {
        if self.name == DEFAULT {
            vec![DEFAULT]
        } else {
            vec![self.name.as_str(), DEFAULT]
        }
    }

    /// The built-in files of `kind` (`templates` or `static`) of one theme: (name, bytes).
    fn embedded(theme: &str, kind: &str) -> BTreeMap<String, Vec<u8>> {
        let prefix = format!("{theme}/{kind}/");
        BuiltIn::iter()
            .filter_map(|file| {
                let name = file.strip_prefix(&prefix)?.to_owned();
                Some((name, BuiltIn::get(&file)?.data.into_owned()))
            })
            .collect()
    }

    /// This theme's files of `kind` with the default's filling the gaps: what `eject-theme`
    /// copies, and what a site sees when it overrides nothing.
    fn merged(&self, kind: &str) -> BTreeMap<String, Vec<u8>> {
        let mut files = BTreeMap::new();
        for theme in self.chain().into_iter().rev() {
            files.extend(Theme::embedded(theme, kind));
        }
        files
    }

    /// The name of the internal template that renders a feed's "Read by" block (see
    /// [`Theme::tera`]).
    pub const READERS_TEMPLATE: &'static str = "_toluu/post-readers.html";

    /// The theme's templates (with the default's as fallback) and the site's `templates/`
    /// over them, compiled once.
    pub fn tera(&self, site_root: &Path) -> Result<Tera, String> {
        let sources = self.template_sources(site_root)?;
        let mut tera = Tera::new();
        // A name without a theme prefix resolves to the site's template, else this theme's,
        // else the default's; and components defined earlier in that order win.
        let prefixes: Vec<String> = self.chain().iter().map(|t| format!("{t}/")).collect();
        tera.set_fallback_prefixes(prefixes)
            .map_err(|e| format!("template error: {}", error_chain(&e)))?;
        tera.autoescape_on(vec![".html", ".xml"]);
        tera.register_filter("urlencode", tera_contrib::urlencode::urlencode);
        tera.register_filter("json_encode", tera_contrib::json::json_encode);
        tera.register_filter("url_breaks", super::filters::url_breaks);
        tera.add_raw_templates(sources.iter().map(|(n, c)| (n.as_str(), c.as_str())))
            .map_err(|e| format!("template error: {}", error_chain(&e)))?;
        Ok(tera)
    }

    /// Every template [`Theme::tera`] compiles, by name: the theme's, the default's and the
    /// site's own (what a page's fingerprint takes from the theme).
    pub fn template_sources(&self, site_root: &Path) -> Result<BTreeMap<String, String>, String> {
        let mut sources: BTreeMap<String, String> = BTreeMap::new();
        for theme in self.chain() {
            for (name, bytes) in Theme::embedded(theme, "templates") {
                let text = String::from_utf8_lossy(&bytes).into_owned();
                sources.insert(format!("{theme}/{name}"), text);
            }
        }
        for (name, path) in site_files(&site_root.join("templates"))? {
            let text = fs::read_to_string(&path)
                .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
            sources.insert(name, text);
        }
        // What the build renders apart from the pages: a feed's "Read by" block, once per feed
        // and page depth, through the theme's own (or the site's) `toluu.readers` component.
        sources.insert(
            Self::READERS_TEMPLATE.to_owned(),
            "{{ <toluu.readers readers={readers} more={more} /> }}".to_owned(),
        );
        Ok(sources)
    }

    /// The theme's static files (the default's filling the gaps), then the site's `static/`
    /// over them: (path, bytes).
    pub fn static_files(&self, site_root: &Path) -> Result<Vec<(String, Vec<u8>)>, String> {
        let mut files = self.merged("static");
        for (name, path) in site_files(&site_root.join("static"))? {
            let bytes =
                fs::read(&path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
            files.insert(name, bytes);
        }
        Ok(files.into_iter().collect())
    }

    /// Copies the theme's templates and static files into `site_root`'s `templates/` and
    /// `static/`, where they override the built-in ones and can be edited. Refuses to replace
    /// an existing file unless `force`; then nothing is written. Returns the files written.
    pub fn eject(&self, site_root: &Path, force: bool) -> Result<Vec<PathBuf>, String> {
        let files: Vec<(PathBuf, Vec<u8>)> = ["templates", "static"]
            .into_iter()
            .flat_map(|kind| {
                self.merged(kind)
                    .into_iter()
                    .map(move |(name, bytes)| (site_root.join(kind).join(name), bytes))
            })
            .collect();
        let existing: Vec<String> = files
            .iter()
            .filter(|(path, _)| path.exists())
            .map(|(path, _)| format!("`{}`", path.display()))
            .collect();
        if !force && !existing.is_empty() {
            return Err(format!(
                "{} file{} already exist{}: {}; nothing was written (use --force to replace them)",
                existing.len(),
                if existing.len() == 1 { "" } else { "s" },
                if existing.len() == 1 { "s" } else { "" },
                existing.join(", ")
            ));
        }
        for (path, bytes) in &files {
            if let Some(dir) = path.parent() {
                fs::create_dir_all(dir)
                    .map_err(|e| format!("`{}`: cannot create: {e}", dir.display()))?;
            }
            fs::write(path, bytes)
                .map_err(|e| format!("`{}`: cannot write: {e}", path.display()))?;
        }
        Ok(files.into_iter().map(|(path, _)| path).collect())
    }
}

/// Every file under `dir` (if it exists), as (relative name with `/`, path), sorted.
fn site_files(dir: &Path) -> Result<Vec<(String, PathBuf)>, String> {
    let mut files = Vec::new();
    if !dir.is_dir() {
        return Ok(files);
    }
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(|e| format!("{}: {e}", dir.display()))?;
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
            let name = rel.to_string_lossy().replace('\\', "/");
            files.push((name, entry.path().to_owned()));
        }
    }
    Ok(files)
}

/// An error and its causes on one line each.
pub fn error_chain(err: &dyn std::error::Error) -> String {
    let mut msg = err.to_string();
    let mut source = err.source();
    while let Some(inner) = source {
        let text = inner.to_string();
        if !msg.contains(&text) {
            msg.push_str(&format!("\n  caused by: {text}"));
        }
        source = inner.source();
    }
    msg
}

/// `toluu eject-theme`: copies the theme `name` (else the one `toluu.toml` names, else the
/// default) into the site in `site_root`; see [`Theme::eject`].
pub fn eject_theme(
    site_root: &Path,
    name: Option<&str>,
    force: bool,
) -> Result<Vec<PathBuf>, crate::Error> {
    let name = match name {
        Some(name) => name.to_owned(),
        None if site_root.join("toluu.toml").is_file() => {
            crate::site::load_config(site_root)
                .map_err(crate::Error::Config)?
                .theme
        }
        None => DEFAULT.to_owned(),
    };
    let theme = Theme::named(&name).map_err(crate::Error::Build)?;
    theme.eject(site_root, force).map_err(crate::Error::Build)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_site_stage_knows_every_built_in_theme() {
        assert_eq!(super::Theme::available(), crate::site::config::THEMES);
    }
}
