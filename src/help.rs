//! The words around the options — examples, the files Blockpeer keeps and the
//! environment it reads — written once here and shown twice: by `blockpeer --help` and
//! in the man page (see `manual.rs`).

/// What a person runs first: each example's command line and what it does.
pub const EXAMPLES: &[(&str, &str)] = &[
    ("blockpeer", "open the window on the start/join dialog"),
    ("blockpeer -i 8001 -p 8999 -m --headless", "start a new network (web page on :8001), mine"),
    ("blockpeer -k localhost 8999 -p 8002 --headless", "join it through the peer on port 8999"),
    ("blockpeer -k silicon.cs.umanitoba.ca 8999 -p 8002", "join the course network, either generation"),
    ("blockpeer --demo 4", "a local demo network of 5 peers, two of them mining and now and then forking"),
    ("blockpeer verify-chain chain.jsonl", "check a chain file block by block"),
];

/// The files Blockpeer keeps: where, and what they hold.
pub const FILES: &[(&str, &str)] = &[
    (
        "$XDG_DATA_HOME/blockpeer/PORT/ (default ~/.local/share/blockpeer/PORT/)",
        "The data directory of the peer on UDP port PORT (--data-dir chooses another): chain.jsonl, \
         the chain, one block per line; generation, the protocol generation it holds; \
         chain.jsonl.corrupt-SECONDS, what a start had to cut from a damaged chain file.",
    ),
    (
        "$XDG_DATA_HOME/blockpeer/app.ron",
        "What the window remembers: the theme, the zoom, the window's size and the dialog's last choices.",
    ),
];

/// The environment variables Blockpeer reads.
pub const ENVIRONMENT: &[(&str, &str)] = &[
    (
        "DISPLAY, WAYLAND_DISPLAY",
        "The display the window opens on (X11 or Wayland). Without either, blockpeer says how to run \
         headless, and a peer started with -i, -k or --demo runs without a window.",
    ),
    ("XDG_DATA_HOME", "Where the data directories and the window's settings live (default ~/.local/share)."),
    (
        "RUST_LOG",
        "Replaces the terminal log's filter (default: warnings, and Blockpeer's own information lines), \
         e.g. RUST_LOG=blockpeer=debug.",
    ),
    ("NO_COLOR", "Set to anything: no colours in the terminal log."),
    (
        "BLOCKPEER_NVRTC, CUDA_HOME",
        "Where -c finds NVRTC, CUDA's run-time compiler: the library or its folder; else \
         $CUDA_HOME/lib64, /usr/local/cuda*/lib64 and the system's loader path.",
    ),
];

/// `--help`'s closing text (`-h` shows the examples only).
pub fn after_help() -> String {
    section("Examples", EXAMPLES, true)
}

/// `--help`'s closing text in full: the examples, the files and the environment.
pub fn after_long_help() -> String {
    [section("Examples", EXAMPLES, true), section("Files", FILES, false), section("Environment", ENVIRONMENT, false)]
        .join("\n")
}

/// A titled list: each entry on one line beside its term (`aligned`), or below it.
fn section(title: &str, entries: &[(&str, &str)], aligned: bool) -> String {
    let width = entries.iter().map(|(term, _)| term.chars().count()).max().unwrap_or(0);
    let mut text = format!("{title}:\n");
    for (term, what) in entries {
        if aligned {
            text.push_str(&format!("  {term:<width$}  {what}\n"));
        } else {
            text.push_str(&format!("  {term}\n"));
            for line in wrap(what, WRAP_AT - INDENT.len()) {
                text.push_str(&format!("{INDENT}{line}\n"));
            }
        }
    }
    text
}

/// The column `--help`'s descriptions below a term end before.
const WRAP_AT: usize = 90;
/// How far they are indented.
const INDENT: &str = "          ";

/// `text`'s words in lines of at most `width` characters (a longer word stands alone).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let (mut lines, mut line) = (Vec::new(), String::new());
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_section_lists_its_entries() {
        let long = after_long_help();
        for (term, _) in EXAMPLES.iter().chain(FILES).chain(ENVIRONMENT) {
            assert!(long.contains(term), "{term} is missing from --help");
        }
        assert!(after_help().starts_with("Examples:\n  blockpeer "));
        assert!(!after_help().contains("Files:"));
        let described = section("Files", FILES, false) + &section("Environment", ENVIRONMENT, false);
        assert!(described.lines().all(|line| line.chars().count() <= WRAP_AT), "{described}");
    }

    #[test]
    fn wrapping_keeps_every_word_in_order() {
        let text = "one two three four five six seven";
        let lines = wrap(text, 9);
        assert_eq!(lines, ["one two", "three", "four five", "six seven"]);
        assert_eq!(wrap("unbreakable-word x", 4), ["unbreakable-word", "x"]);
    }
}
