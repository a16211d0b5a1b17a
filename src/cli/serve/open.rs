//! `serve --open`: the site in the user's browser, once it is built.

use std::process::{Command, Stdio};

/// Opens `url` with `$BROWSER` when it is set (the convention of xdg-utils and Python's
/// `webbrowser`), else the system's opener; a browser that cannot be started is a warning, and
/// the server keeps running.
pub(super) fn in_browser(url: &str) {
    let browser = std::env::var("BROWSER")
        .ok()
        .filter(|b| !b.trim().is_empty());
    let mut command = match &browser {
        Some(browser) => Command::new(browser),
        None if cfg!(target_os = "macos") => Command::new("open"),
        None if cfg!(windows) => {
            let mut c = Command::new("cmd");
            c.args(["/C", "start", ""]);
            c
        }
        None => Command::new("xdg-open"),
    };
    let started = command
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    match started {
        // Reaped when it ends, so no zombie stays behind.
        Ok(mut child) => {
            std::thread::spawn(move || child.wait());
        }
        Err(e) => {
            let program = command.get_program().to_string_lossy().into_owned();
            eprintln!("warning: --open: cannot start {program}: {e}; open {url} yourself");
        }
    }
}
