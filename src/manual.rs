//! The command line's documentation for the system, generated from its own definition
//! (cli.rs and help.rs) so that it cannot drift from what the program does: a man page
//! for `blockpeer` and one per visible subcommand (clap_mangen), and the shell
//! completion scripts (clap_complete). scripts/package.sh puts both in the package.

use crate::cli::Cli;
use crate::help;
use anyhow::Context;
use clap::{Command, CommandFactory};
use clap_mangen::Man;
use clap_mangen::roff::{Roff, bold, roman};
use std::path::{Path, PathBuf};

/// Prints the completion script for `shell` on stdout.
pub fn print_completions(shell: clap_complete::Shell) {
    clap_complete::generate(shell, &mut Cli::command(), "blockpeer", &mut std::io::stdout());
}

/// Writes `blockpeer.1` and `blockpeer-SUBCOMMAND.1` for each visible subcommand (and
/// theirs) into `dir`; returns the files written.
pub fn write_man_pages(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut root = Cli::command().disable_help_subcommand(true);
    root.build();
    let mut written = Vec::new();
    for (page, file) in pages(&root, None)? {
        let path = dir.join(file);
        std::fs::write(&path, page).with_context(|| format!("cannot write {}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}

/// `cmd`'s page and its visible subcommands' pages, each with its file name.
fn pages(cmd: &Command, parent: Option<&str>) -> std::io::Result<Vec<(Vec<u8>, String)>> {
    let name = page_name(cmd);
    let children: Vec<&Command> = cmd.get_subcommands().filter(|c| !c.is_hide_set()).collect();
    let mut all = vec![(render(cmd, parent, &children)?, format!("{name}.1"))];
    for child in children {
        all.extend(pages(child, Some(&name))?);
    }
    Ok(all)
}

/// The page's name: `blockpeer`, `blockpeer-verify-chain`, `blockpeer-bench-mine`, …
fn page_name(cmd: &Command) -> String {
    cmd.get_display_name().unwrap_or_else(|| cmd.get_name()).to_owned()
}

/// One man page: clap_mangen's sections, then — on the main page — the examples, files
/// and environment of help.rs, and the related pages.
fn render(cmd: &Command, parent: Option<&str>, children: &[&Command]) -> std::io::Result<Vec<u8>> {
    // Every page's footer names the program's version (subcommands have none of their own).
    let man = Man::new(cmd.clone())
        .date(crate::version::DATE)
        .source(format!("blockpeer {}", env!("CARGO_PKG_VERSION")))
        .manual("Blockpeer Manual");
    let mut page = Vec::new();
    man.render_title(&mut page)?;
    man.render_name_section(&mut page)?;
    man.render_synopsis_section(&mut page)?;
    man.render_description_section(&mut page)?;
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(&mut page)?;
    }
    if !children.is_empty() {
        man.render_subcommands_section(&mut page)?;
    }
    let mut roff = Roff::new();
    if parent.is_none() {
        list_section(&mut roff, "EXAMPLES", help::EXAMPLES);
        list_section(&mut roff, "FILES", help::FILES);
        list_section(&mut roff, "ENVIRONMENT", help::ENVIRONMENT);
    }
    let mut related: Vec<String> = parent.into_iter().map(str::to_owned).collect();
    related.extend(children.iter().map(|c| page_name(c)));
    if !related.is_empty() {
        roff.control("SH", ["SEE ALSO"]);
        let refs: Vec<String> = related.iter().map(|name| format!("{name}(1)")).collect();
        roff.text([roman(refs.join(", "))]);
    }
    roff.to_writer(&mut page)?;
    Ok(page)
}

/// A section of terms, each in bold, with its description below.
fn list_section(roff: &mut Roff, title: &str, entries: &[(&str, &str)]) {
    roff.control("SH", [title]);
    for (term, what) in entries {
        roff.control("TP", []);
        roff.text([bold(*term)]);
        roff.text([roman(*what)]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_for_the_program_and_each_visible_subcommand() {
        let dir = tempfile::tempdir().unwrap();
        let written = write_man_pages(dir.path()).unwrap();
        let names: Vec<String> =
            written.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
        for page in ["blockpeer.1", "blockpeer-verify-chain.1", "blockpeer-completions.1", "blockpeer-bench-mine.1"] {
            assert!(names.iter().any(|n| n == page), "{page} missing from {names:?}");
        }
        assert!(!names.iter().any(|n| n.contains("man-pages") || n.contains("child")), "hidden ones: {names:?}");
        let main = std::fs::read_to_string(dir.path().join("blockpeer.1")).unwrap();
        for needed in [".SH EXAMPLES", ".SH FILES", ".SH ENVIRONMENT", "blockpeer\\-verify\\-chain(1)", "GOSSIP"] {
            assert!(main.contains(needed), "{needed} missing from blockpeer.1");
        }
        let verify = std::fs::read_to_string(dir.path().join("blockpeer-verify-chain.1")).unwrap();
        assert!(verify.contains("blockpeer(1)"), "{verify}");
    }
}
