//! Tells the binary which commit it was built from, and when, for `blockpeer --version`
//! and the man pages' date. The commit: `BLOCKPEER_COMMIT` when set (a distribution
//! building from a source tarball can name it), else git's short hash of HEAD when this
//! folder is the top of a git checkout, else "unknown". The date: `SOURCE_DATE_EPOCH`'s
//! when set (reproducible builds), else the git commit's, else "unknown". A build
//! outside git never fails over either.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The environment variable that names the commit instead of git.
const OVERRIDE: &str = "BLOCKPEER_COMMIT";
/// The environment variable of reproducible builds: the build's date, in Unix seconds.
const SOURCE_DATE: &str = "SOURCE_DATE_EPOCH";

fn main() {
    println!("cargo:rerun-if-env-changed={OVERRIDE}");
    println!("cargo:rerun-if-env-changed={SOURCE_DATE}");
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let git = git_head(&manifest_dir);
    let commit = env(OVERRIDE).or_else(|| git.as_ref().map(|(hash, _)| hash.clone()));
    let date = env(SOURCE_DATE).and_then(|epoch| date_of(&epoch)).or_else(|| git.map(|(_, date)| date));
    println!("cargo:rustc-env=BLOCKPEER_COMMIT={}", commit.as_deref().unwrap_or("unknown"));
    println!("cargo:rustc-env=BLOCKPEER_DATE={}", date.as_deref().unwrap_or("unknown"));
}

/// The variable's value, unless unset or blank.
fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

/// `YYYY-MM-DD` of a Unix time, in UTC.
fn date_of(epoch: &str) -> Option<String> {
    let time = chrono::DateTime::from_timestamp(epoch.parse().ok()?, 0)?;
    Some(time.format("%Y-%m-%d").to_string())
}

/// HEAD's short hash and commit date, if `dir` is the top of a git work tree (not merely
/// inside one: a source tarball unpacked inside some other repository must not take its
/// commit). Asks cargo to build again when HEAD moves.
fn git_head(dir: &Path) -> Option<(String, String)> {
    let top = git(dir, &["rev-parse", "--show-toplevel"])?;
    if Path::new(&top).canonicalize().ok()? != dir.canonicalize().ok()? {
        return None;
    }
    let git_dir = PathBuf::from(git(dir, &["rev-parse", "--absolute-git-dir"])?);
    let common_dir = git(dir, &["rev-parse", "--path-format=absolute", "--git-common-dir"]).map(PathBuf::from);
    let mut watched = vec![git_dir.join("HEAD")];
    if let Some(branch) = git(dir, &["symbolic-ref", "-q", "HEAD"]) {
        let refs = common_dir.unwrap_or_else(|| git_dir.clone());
        watched.push(refs.join(&branch));
        watched.push(refs.join("packed-refs"));
    }
    // A path that does not exist would make cargo run this script on every build.
    for path in watched.iter().filter(|p| p.exists()) {
        println!("cargo:rerun-if-changed={}", path.display());
    }
    let hash = git(dir, &["rev-parse", "--short=12", "HEAD"])?;
    let date = git(dir, &["show", "-s", "--format=%cs", "HEAD"])?;
    Some((hash, date))
}

/// What `git ARGS` prints in `dir`, trimmed; `None` if git is missing or fails.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let output = Command::new("git").arg("-C").arg(dir).args(args).output().ok()?;
    let text = String::from_utf8(output.stdout).ok()?.trim().to_owned();
    (output.status.success() && !text.is_empty()).then_some(text)
}
