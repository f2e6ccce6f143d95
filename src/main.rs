//! Blockpeer: a desktop peer for the classroom FLOOD blockchain network. This file
//! only parses the command line, sets up logging and hands over to the right mode.

mod bench;
mod cli;
mod headless;
mod settings;
mod verify;
mod web;

use clap::Parser;
use cli::{Cli, PeerArgs, Tool};
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Benchmarks print a table; the peers they start should keep quiet. Warp logs a
    // browser closing its connection as an error: nothing a user can act on.
    init_logging(if matches!(cli.command, Some(Tool::Bench(_))) {
        "warn,warp::server=off"
    } else {
        "warn,blockpeer=info,blockpeer_core=info,warp::server=off"
    });
    let result = match cli.command {
        Some(Tool::VerifyChain { file, difficulty }) => verify::verify_chain(&file, difficulty)
            .map(|valid| if valid { ExitCode::SUCCESS } else { ExitCode::FAILURE }),
        Some(Tool::Bench(bench)) => bench::run(bench).map(|()| ExitCode::SUCCESS),
        None => run_peer(&cli.peer),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("blockpeer: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run_peer(args: &PeerArgs) -> anyhow::Result<ExitCode> {
    if !args.headless && args.init.is_none() && args.known.is_none() {
        eprintln!(
            "blockpeer: the desktop window is not part of this build yet.\n\
             Start a new network without a window:  blockpeer --headless -i 8001 -p 8999 -m\n\
             Join one:                             blockpeer --headless -k HOST PORT -p 8002\n\
             See blockpeer --help for every option."
        );
        return Ok(ExitCode::from(2));
    }
    // Bound before the chain is opened, so that a port in use is the only thing said.
    let bound = args.init.or(args.web_port).map(|port| web::bind(SocketAddr::new(args.web_bind, port))).transpose()?;
    let config = settings::engine_config(args)?;
    let (data_dir, name, host, port) =
        (config.data_dir.clone(), config.node.name.clone(), config.node.host.clone(), args.port);
    let engine = blockpeer_core::engine::start(config).map_err(|e| match e {
        blockpeer_core::engine::StartError::Bind { source, .. } if source.kind() == std::io::ErrorKind::AddrInUse => {
            anyhow::anyhow!("UDP port {port} is in use (another peer?): choose another with -p PORT")
        }
        other => other.into(),
    })?;
    // Shared with the web thread, which ends before the engine is shut down.
    let engine = Arc::new(engine);
    let web = bound.map(|bound| bound.serve(engine.clone())).transpose()?;
    if web.is_some() && !args.web_bind.is_loopback() {
        eprintln!(
            "blockpeer: the web page listens on {}: anyone who can reach it sees the chain and the peers",
            args.web_bind
        );
    }
    let snapshot = engine.snapshot();
    println!(
        "blockpeer {name}: UDP {host}:{port}, {} blocks at difficulty {} in {}{}",
        snapshot.height,
        snapshot.difficulty,
        data_dir.display(),
        if args.mine { ", mining" } else { "" }
    );
    headless::run(engine, web)?;
    Ok(ExitCode::SUCCESS)
}

/// Logs to stderr; `RUST_LOG` overrides `default`.
fn init_logging(default: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
}
