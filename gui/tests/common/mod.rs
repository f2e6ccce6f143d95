//! Helpers for the window's tests: real engines on 127.0.0.1 with fast timers, and a
//! window driven through egui_kittest that a test steps until a condition holds.

#![allow(dead_code, clippy::unwrap_used)] // Each test file uses a different subset.

use blockpeer_core::engine::{EngineConfig, EngineHandle, start};
use blockpeer_core::node::Config;
use blockpeer_gui::{BlockpeerApp, Launch, LaunchOptions, Running, View};
use egui_kittest::Harness;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, UdpSocket};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub type Window = Harness<'static, BlockpeerApp>;

pub fn free_udp_port() -> u16 {
    UdpSocket::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

pub fn free_tcp_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A peer on 127.0.0.1 with fast timers at difficulty 1.
pub fn peer_config(name: &str, port: u16, well_known: Option<SocketAddr>) -> Config {
    let mut config = Config::new(name, "127.0.0.1", port);
    config.difficulty = 1;
    config.well_known = well_known;
    config.flood_interval = Duration::from_millis(300);
    config.startup_delay = Duration::from_millis(100);
    config.stats_wait = Duration::from_millis(200);
    config.min_peers = 1;
    config
}

pub fn start_engine(config: &Config, dir: &Path) -> Arc<EngineHandle> {
    let bind = SocketAddr::from((Ipv4Addr::LOCALHOST, config.port));
    Arc::new(
        start(EngineConfig {
            node: config.clone(),
            bind,
            data_dir: dir.to_path_buf(),
            threads: 1,
            cuda: false,
            detect: false,
        })
        .unwrap(),
    )
}

pub fn window(launch: Launch) -> Window {
    Harness::builder()
        .with_size([1280.0, 800.0])
        .with_max_steps(200)
        .build_eframe(move |cc| BlockpeerApp::new(cc, launch))
}

pub fn running_window(config: &Config, dir: &Path, view: View) -> Window {
    let running = Running::new(start_engine(config, dir), config);
    window(Launch::Running { running, options: LaunchOptions { view: Some(view), ..Default::default() } })
}

/// Steps the window in real time until `done`, or fails after 60 s.
pub fn wait_for(window: &mut Window, what: &str, done: impl Fn(&Window) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !done(window) {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        window.step();
        std::thread::sleep(Duration::from_millis(20));
    }
}
