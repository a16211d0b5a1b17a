//! Problems in the site's files, located by file, line and column, so that `toluu check`
//! can list them all and `toluu build` can refuse to start with a clear message.

use std::fmt;
use std::path::{Path, PathBuf};

/// One problem in a site's files, located by file, line and column (both 1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file, relative to the site directory.
    pub file: PathBuf,
    /// 1-based line; 0 for a problem with a path as a whole (no line, no column).
    pub line: usize,
    /// 1-based column.
    pub col: usize,
    /// What is wrong and what is expected.
    pub message: String,
    /// The offending line of the file, when there is one.
    pub source_line: Option<String>,
}

impl Diagnostic {
    /// A diagnostic at the byte offset `offset` of `text`.
    pub fn at(file: &Path, text: &str, offset: usize, message: impl Into<String>) -> Self {
        let offset = offset.min(text.len());
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = text[line_start..offset].chars().count() + 1;
        let source_line = text[line_start..].lines().next().map(str::to_owned);
        Diagnostic {
            file: file.to_owned(),
            line,
            col,
            message: message.into(),
            source_line,
        }
    }

    /// A diagnostic about a whole file (line 1, column 1, no excerpt).
    pub fn file(file: &Path, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.to_owned(),
            line: 1,
            col: 1,
            message: message.into(),
            source_line: None,
        }
    }

    /// A problem with a path as a whole (a directory, a file that cannot be read): shown as
    /// `path: message`, with no line or column.
    pub fn path(path: &Path, message: impl Into<String>) -> Self {
        Diagnostic {
            file: path.to_owned(),
            line: 0,
            col: 0,
            message: message.into(),
            source_line: None,
        }
    }
}

/// The offset of the line of `text` that sets `key` (`key = …`, after any indentation).
pub fn key_offset(text: &str, key: &str) -> Option<usize> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix(key)
            && rest.trim_start().starts_with('=')
        {
            return Some(offset + (line.len() - trimmed.len()));
        }
        offset += line.len();
    }
    None
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            return write!(f, "{}: {}", self.file.display(), self.message);
        }
        write!(
            f,
            "{}:{}:{}: {}",
            self.file.display(),
            self.line,
            self.col,
            self.message
        )?;
        if let Some(src) = &self.source_line {
            let num = self.line.to_string();
            let pad = " ".repeat(num.len());
            let caret_pad: String = src
                .chars()
                .take(self.col.saturating_sub(1))
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            write!(f, "\n{pad} |\n{num} | {src}\n{pad} | {caret_pad}^")?;
        }
        Ok(())
    }
}
