//! Running with a window: on the start/join dialog — whose choices become command
//! lines, started exactly as `blockpeer -i …` / `-k …` would be — or straight onto a
//! running peer or demo network.

use crate::cli::{Cli, PeerArgs};
use crate::demo::{self, Demo};
use crate::settings::{self, StartedPeer};
use crate::web::WebServer;
use blockpeer_core::chain::Generation;
use blockpeer_gui::{Choice, Launch, LaunchOptions, LogBuffer, Running, Starter};
use clap::Parser;
use std::sync::Arc;

/// Whether a window can be opened (an X11 or Wayland display is set).
pub fn display_available() -> bool {
    ["DISPLAY", "WAYLAND_DISPLAY"].iter().any(|var| std::env::var_os(var).is_some_and(|v| !v.is_empty()))
}

/// Opens the window on `launch` and runs it until it closes.
pub fn run(launch: Launch) -> anyhow::Result<()> {
    blockpeer_gui::run(launch).map_err(|e| anyhow::anyhow!("cannot open the window: {e}"))
}

/// The window's options from the command line.
pub fn options(args: &PeerArgs, log: LogBuffer) -> LaunchOptions {
    LaunchOptions { log: Some(log), view: args.view, bench: None }
}

/// The dialog's starter: each choice is started like the equivalent command line.
pub fn starter() -> Starter {
    Box::new(|choice: &Choice| {
        if *choice == Choice::Demo {
            let args = Cli::try_parse_from(["blockpeer"]).map_err(|e| e.to_string())?.peer;
            return demo::start_demo(demo::DIALOG_PEERS, &args).map(running_demo).map_err(|e| format!("{e:#}"));
        }
        let cli = Cli::try_parse_from(command_line(choice)).map_err(|e| e.to_string())?;
        let started = settings::start_peer(&cli.peer).map_err(|e| format!("{e:#}"))?;
        tracing::info!(address = %started.engine.local_addr(), "started from the dialog");
        Ok(running(started, cli.peer))
    })
}

/// The window's view of a peer started from `args`: its web page lives as long as the
/// window, and "rejoin at another difficulty" starts the same command line again with
/// that `--difficulty`.
pub fn running(started: StartedPeer, args: PeerArgs) -> Running {
    let StartedPeer { engine, config, web } = started;
    let url = web.as_ref().map(WebServer::url);
    let mut peer = Running::new(engine, &config.node).with_web_url(url);
    if let Some(web) = web {
        peer = peer.with_companions(Box::new(web));
    }
    peer.with_restart(Box::new(move |difficulty| {
        let mut args = args.clone();
        args.difficulty = difficulty;
        let started = settings::start_peer(&args).map_err(|e| format!("{e:#}"))?;
        tracing::info!(difficulty, "started again");
        Ok(running(started, args))
    }))
}

/// The demo as the window's running peer; the other peers live as long as the window.
pub fn running_demo(demo: Demo) -> Running {
    Running::new(Arc::new(demo.own), &demo.config).with_companions(Box::new(demo.others))
}

/// The `blockpeer` command line equivalent to a dialog choice.
fn command_line(choice: &Choice) -> Vec<String> {
    let mut line: Vec<String> = vec!["blockpeer".into()];
    let mut push = |parts: &[&str]| line.extend(parts.iter().map(|p| (*p).to_owned()));
    let (name, mine, cuda) = match choice {
        Choice::Start(c) => {
            push(&["-i", &c.web_port.to_string(), "-p", &c.udp_port.to_string()]);
            push(&["--difficulty", &c.difficulty.to_string(), "--protocol", c.protocol.name()]);
            (&c.name, c.mine, c.cuda)
        }
        Choice::Join(c) => {
            push(&["-k", &c.host, &c.port.to_string(), "-p", &c.udp_port.to_string()]);
            if let Some(web) = c.web_port {
                push(&["--web-port", &web.to_string()]);
            }
            let protocol = c.protocol.map_or("auto", Generation::name);
            push(&["--difficulty", &c.difficulty.to_string(), "--protocol", protocol]);
            (&c.name, c.mine, c.cuda)
        }
        Choice::Demo => return line,
    };
    push(&["--name", name]);
    if mine {
        push(&["-m"]);
    }
    if cuda {
        push(&["-c"]);
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use blockpeer_gui::{JoinChoice, StartChoice};

    #[test]
    fn dialog_choices_become_command_lines() {
        let start = Choice::Start(StartChoice {
            udp_port: 9000,
            web_port: 8001,
            name: "ann".into(),
            difficulty: 6,
            protocol: Generation::Gossip,
            mine: true,
            cuda: false,
        });
        assert_eq!(
            command_line(&start).join(" "),
            "blockpeer -i 8001 -p 9000 --difficulty 6 --protocol gossip --name ann -m"
        );
        let join = Choice::Join(JoinChoice {
            host: "localhost".into(),
            port: 8999,
            udp_port: 8002,
            web_port: Some(8003),
            name: "bo b".into(),
            difficulty: 5,
            protocol: None,
            mine: false,
            cuda: false,
        });
        let cli = Cli::try_parse_from(command_line(&join)).unwrap();
        assert_eq!(cli.peer.known, Some(vec!["localhost".to_owned(), "8999".to_owned()]));
        assert_eq!((cli.peer.port, cli.peer.web_port, cli.peer.name.as_deref()), (8002, Some(8003), Some("bo b")));
        assert_eq!(cli.peer.difficulty, 5);
        assert_eq!(cli.peer.protocol, crate::cli::Protocol::Auto);
        assert!(!cli.peer.mine);
    }
}
