//! Blockpeer: a desktop peer for the classroom blockchain network, in both its
//! generations (FLOOD and GOSSIP). This file only parses the command line, sets up
//! logging and hands over to the right mode: the window (the start/join dialog, or
//! straight onto a peer), headless, a demo network, or a tool (verify-chain, bench,
//! completions, man pages, --version).

mod bench;
mod cli;
mod demo;
mod headless;
mod help;
mod logging;
mod manual;
mod settings;
mod verify;
mod version;
mod web;
mod window;

use blockpeer_gui::{Launch, LogBuffer, Running};
use clap::Parser;
use cli::{Cli, PeerArgs, Tool};
use std::process::ExitCode;
use std::sync::Arc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    if cli.version {
        print!("{}", version::text());
        return ExitCode::SUCCESS;
    }
    // Benchmarks print a table; the peers they start should keep quiet. Warp logs a
    // browser closing its connection as an error: nothing a user can act on.
    let log = logging::init(if matches!(cli.command, Some(Tool::Bench(_))) {
        "warn,warp::server=off"
    } else {
        "warn,blockpeer=info,blockpeer_core=info,warp::server=off"
    });
    let result = match cli.command {
        Some(Tool::VerifyChain { file, difficulty }) => verify::verify_chain(&file, difficulty)
            .map(|valid| if valid { ExitCode::SUCCESS } else { ExitCode::FAILURE }),
        Some(Tool::Bench(bench)) => bench::run(bench).map(|()| ExitCode::SUCCESS),
        Some(Tool::Completions { shell }) => {
            manual::print_completions(shell);
            Ok(ExitCode::SUCCESS)
        }
        Some(Tool::ManPages { dir }) => manual::write_man_pages(&dir).map(|written| {
            for path in written {
                println!("{}", path.display());
            }
            ExitCode::SUCCESS
        }),
        None => run_peer(&cli.peer, log),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("blockpeer: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run_peer(args: &PeerArgs, log: LogBuffer) -> anyhow::Result<ExitCode> {
    let display = window::display_available();
    let windowed = !args.headless && display;
    if let Some(count) = args.demo {
        return run_demo(count, args, windowed, log);
    }
    let starts_a_peer = args.init.is_some() || args.known.is_some();
    if !args.headless && !starts_a_peer {
        if !display {
            eprintln!(
                "blockpeer: there is no display for the window (DISPLAY and WAYLAND_DISPLAY are unset).\n\
                 Start a new network without a window:  blockpeer --headless -i 8001 -p 8999 -m\n\
                 Join one:                             blockpeer --headless -k HOST PORT -p 8002\n\
                 Try a local demo network:             blockpeer --headless --demo 4\n\
                 See blockpeer --help for every option."
            );
            return Ok(ExitCode::from(2));
        }
        let options = window::options(args, log);
        window::run(Launch::Dialog { starter: window::starter(), options })?;
        return Ok(ExitCode::SUCCESS);
    }
    if !args.headless && !display {
        eprintln!("blockpeer: there is no display for the window; running without one");
    }
    let stop = if windowed { None } else { Some(headless::stop_signal()?) };
    let started = settings::start_peer(args)?;
    let (config, snapshot) = (&started.config, started.engine.snapshot());
    println!(
        "blockpeer {}: UDP {}:{}, {} blocks of the {} generation at difficulty {} in {}{}",
        config.node.name,
        config.node.host,
        args.port,
        snapshot.height,
        snapshot.protocol.label(),
        snapshot.difficulty,
        config.data_dir.display(),
        if args.mine { ", mining" } else { "" }
    );
    if let Some(detection) = started.engine.detection() {
        println!("protocol: {}, {}", detection.generation.label(), detection.how);
    }
    match stop {
        Some(stop) => headless::run(started.engine, started.web, stop)?,
        None => {
            let running = window::running(started, args.clone());
            window::run(Launch::Running { running, options: window::options(args, log) })?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn run_demo(count: u8, args: &PeerArgs, windowed: bool, log: LogBuffer) -> anyhow::Result<ExitCode> {
    let stop = if windowed { None } else { Some(headless::stop_signal()?) };
    let demo = demo::start_demo(count, args)?;
    let names = demo.others.names();
    println!(
        "blockpeer demo: this peer on UDP 127.0.0.1:{} and {count} more ({}), {} mining at difficulty {} \
         (this peer racing them now and then), {}",
        demo.config.port,
        names.join(", "),
        demo.others.miners().join(" and "),
        demo::DIFFICULTY,
        demo.config.generation.label()
    );
    let demo::Demo { own, others, config } = demo;
    let own = Arc::new(own);
    let web = demo_web_page(args)?.serve(own.clone())?;
    match stop {
        Some(stop) => {
            headless::run(own, Some(web), stop)?;
            drop(others);
        }
        None => {
            let running = Running::new(own, &config).with_web_url(Some(web.url())).with_companions(Box::new(others));
            window::run(Launch::Running { running, options: window::options(args, log) })?;
            drop(web);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The demo's web page: on `--web-port` if given, else on 8001, else on any free port.
fn demo_web_page(args: &PeerArgs) -> anyhow::Result<web::Bound> {
    let addr = |port| std::net::SocketAddr::new(args.web_bind, port);
    let bound = match args.web_port {
        Some(port) => web::bind(addr(port)),
        None => web::bind(addr(8001)).or_else(|_| web::bind(addr(0))),
    }?;
    Ok(bound.allow_hosts(&args.web_allow_host))
}
