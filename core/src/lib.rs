//! Blockpeer's core: the wire protocol, the chain, the sans-IO peer node, the miners
//! and the threads that drive them. It knows no window, no web server and no tokio.

pub mod chain;
pub mod engine;
pub mod miner;
pub mod node;
pub mod protocol;
#[cfg(feature = "testing")]
pub mod testing;
