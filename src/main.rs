//! Blockpeer: a desktop peer for the classroom FLOOD blockchain network.

fn main() {}
