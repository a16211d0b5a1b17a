//! The Action's install script (action/install.sh), run with bash against a fake release
//! served from 127.0.0.1: archives built from this test's own toluu binary, and their
//! SHA-256 files in the format the release workflow uploads.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use flate2::Compression;
use flate2::write::GzEncoder;

use sha2::{Digest, Sha256};

use crate::server::{Route, TestServer};

const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Every release archive: (OS, CPU, target, extension).
const RELEASED: [(&str, &str, &str, &str); 5] = [
    ("linux", "x86_64", "x86_64-unknown-linux-musl", "tar.gz"),
    ("linux", "aarch64", "aarch64-unknown-linux-musl", "tar.gz"),
    ("macos", "x86_64", "x86_64-apple-darwin", "tar.gz"),
    ("macos", "aarch64", "aarch64-apple-darwin", "tar.gz"),
    ("windows", "x86_64", "x86_64-pc-windows-msvc", "zip"),
];

fn hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn run_ok(cmd: &mut Command) -> Vec<u8> {
    let out = cmd.output().expect("run");
    assert!(out.status.success(), "{cmd:?}: {:?}", out.status);
    out.stdout
}

/// This test's toluu binary as a release archive holds it: a `.tar.gz` with `toluu` (the
/// same bytes serve every unix target) and a `.zip` with `toluu.exe`, built once.
fn archives() -> &'static (Vec<u8>, Vec<u8>) {
    static ARCHIVES: OnceLock<(Vec<u8>, Vec<u8>)> = OnceLock::new();
    ARCHIVES.get_or_init(|| {
        let stage = tempfile::tempdir().unwrap();
        // Without its debug info (a fifth of the size), so the archives are quick to make.
        for exe in ["toluu", "toluu.exe"] {
            let to = stage.path().join(exe);
            run_ok(Command::new("strip").arg("-o").arg(to).arg(env!("CARGO_BIN_EXE_toluu")));
        }
        let tar = run_ok(Command::new("tar").args(["-cf", "-", "-C"]).arg(stage.path()).arg("toluu"));
        let mut gz = GzEncoder::new(Vec::new(), Compression::fast());
        gz.write_all(&tar).unwrap();
        let zip = stage.path().join("toluu.zip");
        let script = "import sys, zipfile\nwith zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED, compresslevel=1) as z: z.write('toluu.exe')";
        run_ok(Command::new("python3").args(["-c", script]).arg(&zip).current_dir(stage.path()));
        (gz.finish().unwrap(), fs::read(zip).unwrap())
    })
}

fn archive(ext: &str) -> Vec<u8> {
    let (tgz, zip) = archives();
    if ext == "zip" {
        zip.clone()
    } else {
        tgz.clone()
    }
}

/// A release of this version on a loopback server, every archive with its checksum file.
struct FakeRelease {
    server: TestServer,
    tmp: tempfile::TempDir,
}

impl FakeRelease {
    fn new() -> FakeRelease {
        let server = TestServer::start();
        let tmp = tempfile::tempdir().unwrap();
        for (_, _, target, ext) in RELEASED {
            let bytes = archive(ext);
            let sums = format!("{}  toluu-{target}.{ext}\n", hex(&bytes));
            server.route(
                &Self::path(target, ext),
                Route::ok("application/gzip", bytes),
            );
            server.route(&Self::path(target, "sha256"), Route::ok("text/plain", sums));
        }
        FakeRelease { server, tmp }
    }

    fn path(target: &str, ext: &str) -> String {
        let name = if ext == "sha256" {
            format!("toluu-{target}.sha256")
        } else {
            format!("toluu-{target}.{ext}")
        };
        format!("/releases/download/v{VERSION}/{name}")
    }

    fn root(&self, name: &str) -> PathBuf {
        self.tmp.path().join(name)
    }

    /// Runs the script with this OS and CPU, installing into `root`; returns (ok, output).
    fn install(&self, os: &str, arch: &str, root: &Path, env: &[(&str, &str)]) -> (bool, String) {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("action/install.sh");
        let out = Command::new("bash")
            .arg(script)
            .env("TOLUU_RELEASES", self.server.url("/releases"))
            .env("TOLUU_OS", os)
            .env("TOLUU_ARCH", arch)
            .env("TOLUU_ROOT", root)
            .env("GITHUB_PATH", root.with_extension("path"))
            .env_remove("TOLUU_VERSION")
            .envs(env.iter().copied())
            .output()
            .expect("run bash");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.success(), text)
    }

    fn requested(&self) -> Vec<String> {
        let seen = self.server.seen().into_iter().map(|s| s.path).collect();
        self.server.reset();
        seen
    }
}

fn version_of(bin: &Path) -> String {
    let out = Command::new(bin)
        .arg("--version")
        .output()
        .expect("run installed toluu");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

#[test]
fn installs_the_archive_for_each_os_and_cpu_and_checks_it() {
    let release = FakeRelease::new();
    // The runner's own spellings (RUNNER_OS, RUNNER_ARCH) and uname's pick the same archive.
    let spellings = [
        ("Linux", "X64"),
        ("Linux", "ARM64"),
        ("macOS", "X64"),
        ("Darwin", "arm64"),
        ("Windows", "X64"),
    ];
    for ((os, arch, target, ext), (os2, arch2)) in RELEASED.into_iter().zip(spellings) {
        for (i, (os, arch)) in [(os, arch), (os2, arch2)].into_iter().enumerate() {
            let root = release.root(&format!("{target}-{i}"));
            let (ok, out) = release.install(os, arch, &root, &[]);
            assert!(ok, "{os}/{arch}: {out}");
            assert_eq!(
                release.requested(),
                [
                    FakeRelease::path(target, ext),
                    FakeRelease::path(target, "sha256")
                ],
                "{os}/{arch} downloads its archive and checksum, nothing else"
            );
            let exe = if ext == "zip" { "toluu.exe" } else { "toluu" };
            let bin = root.join("bin").join(exe);
            assert_eq!(version_of(&bin), format!("toluu {VERSION}"));
            assert!(out.contains("SHA-256 checked"), "{out}");
            let path = fs::read_to_string(root.with_extension("path")).unwrap();
            assert_eq!(path, format!("{}\n", root.join("bin").display()));
        }
    }
}

#[test]
fn a_second_install_uses_the_binary_already_there() {
    let release = FakeRelease::new();
    let root = release.root("cached");
    assert!(release.install("linux", "x86_64", &root, &[]).0);
    release.requested();
    let (ok, out) = release.install("linux", "x86_64", &root, &[]);
    assert!(ok, "{out}");
    assert!(out.contains("already installed"), "{out}");
    assert_eq!(release.requested(), Vec::<String>::new(), "no download");
}

#[test]
fn refuses_an_archive_whose_checksum_does_not_match() {
    let release = FakeRelease::new();
    let target = "x86_64-unknown-linux-musl";
    let wrong = format!("{}  toluu-{target}.tar.gz\n", hex(b"something else"));
    release.server.route(
        &FakeRelease::path(target, "sha256"),
        Route::ok("text/plain", wrong),
    );
    let root = release.root("refused");
    let (ok, out) = release.install("linux", "x86_64", &root, &[]);
    assert!(!ok, "{out}");
    assert!(out.contains("checksum mismatch"), "{out}");
    assert!(
        out.contains(&release.server.url(&FakeRelease::path(target, "tar.gz"))),
        "{out}"
    );
    assert!(out.contains("nothing was installed"), "{out}");
    assert!(!root.join("bin/toluu").exists());

    // No checksum file, or one that does not name the archive: refused too.
    for (route, why) in [
        (Route::status(404), "cannot download the checksum"),
        (
            Route::ok("text/plain", "0123  other.tar.gz\n"),
            "no checksum for",
        ),
    ] {
        release
            .server
            .route(&FakeRelease::path(target, "sha256"), route);
        let (ok, out) = release.install("linux", "x86_64", &root, &[]);
        assert!(!ok && out.contains(why), "{out}");
        assert!(
            out.contains("refusing to install an unchecked binary"),
            "{out}"
        );
        assert!(!root.join("bin/toluu").exists());
    }
}

/// A stand-in for cargo that records its arguments and installs this test's binary where
/// `cargo install --root ROOT` would.
fn fake_cargo(dir: &Path) -> PathBuf {
    let cargo = dir.join("fake-cargo");
    let script = format!(
        "#!/usr/bin/env bash\necho \"$@\" > \"{log}\"\nwhile [ \"$1\" != --root ]; do shift; done\nmkdir -p \"$2/bin\" && cp \"{bin}\" \"$2/bin/toluu\"\n",
        log = dir.join("cargo-args").display(),
        bin = env!("CARGO_BIN_EXE_toluu"),
    );
    fs::write(&cargo, script).unwrap();
    run_ok(Command::new("chmod").arg("+x").arg(&cargo));
    cargo
}

#[test]
fn an_unreleased_revision_is_built_from_the_actions_source() {
    let release = FakeRelease::new();
    let cargo = fake_cargo(release.tmp.path());
    let cargo = cargo.to_str().unwrap();
    let source = env!("CARGO_MANIFEST_DIR");
    // No archive for this version yet (404), and a CPU with no release binary at all.
    release.server.route(
        &FakeRelease::path("x86_64-unknown-linux-musl", "tar.gz"),
        Route::status(404),
    );
    for (arch, why) in [
        ("x86_64", "no release archive at"),
        ("riscv64", "no release binary for linux/riscv64"),
    ] {
        let root = release.root(&format!("built-{arch}"));
        let (ok, out) = release.install("linux", arch, &root, &[("CARGO", cargo)]);
        assert!(ok, "{out}");
        assert!(
            out.contains(why) && out.contains("built from source"),
            "{out}"
        );
        let args = fs::read_to_string(release.tmp.path().join("cargo-args")).unwrap();
        assert_eq!(
            args.trim(),
            format!(
                "install --locked --path {source} --root {} --force",
                root.display()
            )
        );
        assert_eq!(
            version_of(&root.join("bin/toluu")),
            format!("toluu {VERSION}")
        );
    }

    // A version the source is not, with no release: refused, saying what to give instead.
    let root = release.root("other");
    let env = [("CARGO", cargo), ("TOLUU_VERSION", "v9.9.9")];
    let (ok, out) = release.install("linux", "aarch64", &root, &env);
    assert!(!ok, "{out}");
    assert!(out.contains("toluu 9.9.9: no release archive at"), "{out}");
    assert!(out.contains("give a released version"), "{out}");
}

#[test]
fn the_plan_names_the_version_target_and_a_cache_key_per_source() {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("action/install.sh");
    let plan = |source: &Path| {
        let out = Command::new("bash")
            .arg(&script)
            .arg("plan")
            .env("TOLUU_SOURCE", source)
            .env("TOLUU_OS", "macOS")
            .env("TOLUU_ARCH", "ARM64")
            .env_remove("TOLUU_VERSION")
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path();
    for file in ["Cargo.toml", "Cargo.lock"] {
        fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR")).join(file),
            copy.join(file),
        )
        .unwrap();
    }
    fs::create_dir(copy.join("src")).unwrap();
    fs::write(copy.join("src/main.rs"), "fn main() {}\n").unwrap();
    let first = plan(copy);
    let lines: Vec<&str> = first.lines().collect();
    assert_eq!(
        lines[..2],
        [
            format!("version={VERSION}"),
            "target=aarch64-apple-darwin".into()
        ]
    );
    assert!(
        lines[2].starts_with(&format!("key=toluu-macos-aarch64-{VERSION}-")),
        "{first}"
    );
    assert_eq!(plan(copy), first, "the same source, the same key");
    fs::write(copy.join("src/main.rs"), "fn main() { println!() }\n").unwrap();
    assert_ne!(plan(copy), first, "another revision, another key");
}
