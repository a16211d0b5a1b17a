//! Themes: the built-in ones are embedded in the binary, so toluu works from any directory.
//! A site's `templates/` overrides any theme template by name; its `static/` wins over the
//! theme's static files.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use rust_embed::RustEmbed;
use tera::Tera;

#[derive(RustEmbed)]
#[folder = "themes/"]
struct BuiltIn;

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

    /// The names of the built-in themes.
    pub fn available() -> Vec<String> {
        let mut names: Vec<String> = BuiltIn::iter()
            .filter_map(|f| f.split_once('/').map(|(n, _)| n.to_owned()))
            .collect();
        names.sort();
        names.dedup();
        names
    }

    /// The theme's templates, each overridden by a file of the same name in the site's
    /// `templates/`, compiled once.
    pub fn tera(&self, site_root: &Path) -> Result<Tera, String> {
        let prefix = format!("{}/templates/", self.name);
        let mut sources: BTreeMap<String, String> = BTreeMap::new();
        for file in BuiltIn::iter() {
            if let Some(name) = file.strip_prefix(&prefix)
                && let Some(content) = BuiltIn::get(&file)
            {
                sources.insert(
                    name.to_owned(),
                    String::from_utf8_lossy(&content.data).into_owned(),
                );
            }
        }
        let dir = site_root.join("templates");
        if dir.is_dir() {
            for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
                let entry = entry.map_err(|e| format!("{}: {e}", dir.display()))?;
                if !entry.file_type().is_file() {
                    continue;
                }
                let rel = entry.path().strip_prefix(&dir).unwrap_or(entry.path());
                let name = rel.to_string_lossy().replace('\\', "/");
                let text = fs::read_to_string(entry.path())
                    .map_err(|e| format!("{}: cannot read: {e}", entry.path().display()))?;
                sources.insert(name, text);
            }
        }
        let mut tera = Tera::new();
        tera.autoescape_on(vec![".html", ".xml"]);
        tera.register_filter("urlencode", tera_contrib::urlencode::urlencode);
        tera.register_filter("json_encode", tera_contrib::json::json_encode);
        tera.add_raw_templates(sources.iter().map(|(n, c)| (n.as_str(), c.as_str())))
            .map_err(|e| format!("template error: {}", error_chain(&e)))?;
        Ok(tera)
    }

    /// The theme's static files, then the site's `static/` over them: (path, bytes).
    pub fn static_files(&self, site_root: &Path) -> Result<Vec<(String, Vec<u8>)>, String> {
        let prefix = format!("{}/static/", self.name);
        let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        for file in BuiltIn::iter() {
            if let Some(name) = file.strip_prefix(&prefix)
                && let Some(content) = BuiltIn::get(&file)
            {
                files.insert(name.to_owned(), content.data.into_owned());
            }
        }
        let dir = site_root.join("static");
        if dir.is_dir() {
            for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
                let entry = entry.map_err(|e| format!("{}: {e}", dir.display()))?;
                if entry.file_type().is_file() {
                    let rel = entry.path().strip_prefix(&dir).unwrap_or(entry.path());
                    let bytes = fs::read(entry.path())
                        .map_err(|e| format!("{}: cannot read: {e}", entry.path().display()))?;
                    files.insert(rel.to_string_lossy().replace('\\', "/"), bytes);
                }
            }
        }
        Ok(files.into_iter().collect())
    }
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
