//! Proves the command line a user meets first: `--help` documents the seed's flags,
//! `--version` says what a bug report needs (version, commit, CPU kernel), completions
//! come from the same definition, mistakes get one clear line and a non-zero exit
//! (never a backtrace), `verify-chain` finds the first invalid block of a chain file,
//! and piped output is for people: no colour escapes, and none of the demo's other
//! peers' chatter.

#![allow(clippy::unwrap_used)] // Test helpers fail loudly on broken fixtures.

mod common;

use blockpeer_core::testing::chain_of;
use common::blockpeer;
use std::net::UdpSocket;
use std::process::Output;

fn run(args: &[&str]) -> Output {
    blockpeer().args(args).output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn assert_one_clear_error(output: &Output, needle: &str) {
    assert!(!output.status.success());
    let stderr = text(&output.stderr);
    assert!(stderr.contains(needle), "stderr: {stderr}");
    assert!(!stderr.contains("panicked") && !stderr.contains("backtrace"), "stderr: {stderr}");
}

#[test]
fn help_documents_the_seed_compatible_flags() {
    let help = text(&run(&["--help"]).stdout);
    for flag in [
        "-i, --init <WEB_PORT>",
        "-k, --known <HOST> <PORT>",
        "-p, --port <PORT>",
        "-m, --mine",
        "-c, --cuda",
        "--headless",
        "--difficulty",
        "--data-dir",
        "--web-port",
        "--web-bind",
        "--threads",
        "--host",
        "--flood-interval",
        "--peer-timeout",
        "--consensus-interval",
        "--min-peers",
        "--word-interval",
        "verify-chain",
    ] {
        assert!(help.contains(flag), "--help lacks {flag}:\n{help}");
    }
}

#[test]
fn version_names_the_commit_and_the_cpu_kernel() {
    for flag in ["--version", "-V"] {
        let output = run(&[flag]);
        assert!(output.status.success());
        let version = text(&output.stdout);
        let lines: Vec<&str> = version.lines().collect();
        assert_eq!(lines.first(), Some(&concat!("blockpeer ", env!("CARGO_PKG_VERSION"))), "{version}");
        assert!(lines.iter().any(|l| l.starts_with("commit: ")), "{version}");
        assert!(lines.iter().any(|l| l.starts_with("cpu kernel: ")), "{version}");
    }
}

#[test]
fn completions_offer_every_option() {
    for shell in ["bash", "zsh", "fish"] {
        let output = run(&["completions", shell]);
        assert!(output.status.success(), "{shell}");
        let script = text(&output.stdout);
        for option in ["flood-interval", "verify-chain", "protocol"] {
            assert!(script.contains(option), "{shell} completion lacks {option}");
        }
    }
    assert_one_clear_error(&run(&["completions", "tcsh"]), "invalid value 'tcsh'");
}

#[test]
fn mistakes_get_one_clear_line() {
    assert_one_clear_error(&run(&["-p", "0"]), "is not a port");
    assert_one_clear_error(&run(&["-i", "8001", "-k", "h", "1"]), "cannot be used with");
    assert_one_clear_error(
        &run(&["--headless", "-k", "no-such-host.invalid", "8999"]),
        "cannot resolve the well-known peer",
    );
    assert_one_clear_error(&run(&["--headless", "-k", "localhost", "http"]), "is not a port");

    let taken = UdpSocket::bind("0.0.0.0:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let dir = tempfile::tempdir().unwrap();
    let output = blockpeer().args(["--headless", "-p", &port, "--data-dir"]).arg(dir.path()).output().unwrap();
    assert_one_clear_error(&output, &format!("UDP port {port} is in use"));

    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let web = taken.local_addr().unwrap().port().to_string();
    let udp = common::free_port().to_string();
    let output = blockpeer()
        .args(["--headless", "-p", &udp, "--web-port", &web, "--data-dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_one_clear_error(&output, &format!("web port {web} is in use"));
    assert_eq!(text(&output.stderr).lines().count(), 1, "{}", text(&output.stderr));
}

#[test]
fn without_flags_or_display_it_says_how_to_run_headless() {
    let output = run(&[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("blockpeer --headless -i 8001 -p 8999 -m"));
}

#[test]
fn verify_chain_accepts_json_lines_and_arrays_and_finds_the_first_bad_block() {
    let dir = tempfile::tempdir().unwrap();
    let chain = chain_of(4, 2, "cli");
    let blocks: Vec<_> = chain.blocks().iter().map(|b| b.as_ref().clone()).collect();
    let lines_file = dir.path().join("chain.jsonl");
    let lines: Vec<String> = blocks.iter().map(|b| serde_json::to_string(b).unwrap()).collect();
    std::fs::write(&lines_file, lines.join("\n")).unwrap();
    let output = run(&["verify-chain", lines_file.to_str().unwrap(), "--difficulty", "2"]);
    assert!(output.status.success());
    assert!(text(&output.stdout).contains("valid: 4 blocks of the FLOOD (2022) generation at difficulty 2"));

    let mut tampered = blocks.clone();
    tampered[2].messages[0].push('!');
    let array_file = dir.path().join("chain.json");
    std::fs::write(&array_file, serde_json::to_string(&tampered).unwrap()).unwrap();
    let output = run(&["verify-chain", array_file.to_str().unwrap(), "--difficulty", "2"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stdout).contains("block 2 (entry 3) is invalid: hash mismatch"), "{}", text(&output.stdout));

    let output = run(&["verify-chain", lines_file.to_str().unwrap(), "--difficulty", "9"]);
    assert!(text(&output.stdout).contains("block 0 (entry 1) is invalid: hash ends in"));

    assert_one_clear_error(&run(&["verify-chain", "/no/such/file"]), "cannot read /no/such/file");
}

#[test]
fn piped_output_has_no_colour_and_no_demo_chatter() {
    let mut command = blockpeer();
    // As a person runs it: no NO_COLOR, no RUST_LOG — only the pipe.
    command.env_remove("NO_COLOR").env_remove("RUST_LOG");
    command.args(["--headless", "--demo", "2"]).stderr(std::process::Stdio::piped());
    let mut child = command.stdout(std::process::Stdio::null()).spawn().unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, lines) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    // This peer logs its start at INFO; wait for that, then a few seconds of the demo.
    let mut seen = Vec::new();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !seen.iter().any(|l: &String| l.contains("chain loaded")) {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        seen.push(lines.recv_timeout(left).expect("the peer logged its start"));
    }
    std::thread::sleep(std::time::Duration::from_secs(4));
    let _ = child.kill();
    let _ = child.wait();
    seen.extend(lines.try_iter());
    let text = seen.join("\n");
    assert!(!text.contains('\u{1b}'), "no escapes when piped: {text}");
    assert_eq!(text.matches("chain loaded").count(), 1, "the other peers keep quiet: {text}");
    assert!(!text.contains("companion"), "{text}");
}
