//! Proves the scale scenario measures what it claims (SimNet, virtual time, fixed seed):
//! on 20 peers for 2 minutes every peer learns the network, every block reaches 99 % of
//! the peers, a joining peer learns the network and fetches the chain, and the traffic
//! figures are positive and add up to exactly what the nodes' own counters say.

#![allow(clippy::unwrap_used)]

use blockpeer_core::node::Traffic;
use blockpeer_core::testing::scale::{ScaleParams, ScaleRun};

const PEERS: u16 = 20;
const MINUTES: u32 = 2;

#[test]
fn twenty_peers_for_two_minutes_measure_sanely() {
    let mut params = ScaleParams::campus(PEERS, MINUTES, 7);
    params.chain_blocks = 200;
    let mut run = ScaleRun::new(params);
    let report = run.run();

    assert!(report.finished);
    assert_eq!(report.peers, usize::from(PEERS));
    assert!((report.measured_minutes - f64::from(MINUTES)).abs() < 1e-9, "{}", report.measured_minutes);
    assert!(report.fewest_known >= usize::from(PEERS) - 1, "every peer learned the network: {}", report.fewest_known);

    assert!(report.blocks_mined >= 5, "the miner mined: {}", report.blocks_mined);
    assert_eq!(report.blocks_unspread, 0, "every block older than a minute reached 99 % of the peers");
    let median = report.spread_median_s.unwrap();
    assert!(median > 0.0 && median < 0.1, "a block spreads in one hop: {median} s");

    let learn = report.learn_s.unwrap();
    assert!(learn > 0.0 && learn < 1.0, "the joining peer learns the network from the replies: {learn} s");
    let sync = report.sync_s.unwrap();
    assert!(sync > learn && sync < 10.0, "and fetches the chain after its join round: {sync} s");
    assert_eq!(report.sync_blocks, 200);

    let rates = report.per_peer.unwrap();
    for figure in [rates.datagrams_in, rates.datagrams_out, rates.bytes_in, rates.bytes_out] {
        assert!(figure > 0.0, "{rates:?}");
    }
    assert!(rates.bytes_in > 20.0 * rates.datagrams_in, "a datagram is tens of bytes or more: {rates:?}");
    let flood = report.by_kind["FLOOD"];
    let kinds_in: f64 = report.by_kind.values().map(|r| r.datagrams_in).sum();
    assert!((kinds_in - rates.datagrams_in).abs() < 1e-6, "the types add up to the total");
    assert!(flood.datagrams_in > 0.5 * rates.datagrams_in, "FLOOD forwarding dominates: {flood:?} of {rates:?}");
    // Everything sent is lost (1 %) or delivered, and the network's peers received
    // nearly what they sent (the joining peer aside).
    assert!(report.busiest_peer.unwrap() >= rates.datagrams_in + rates.datagrams_out);
    let ratio = rates.datagrams_in / rates.datagrams_out;
    assert!((0.95..1.0).contains(&ratio), "received ≈ sent less 1 % loss: {ratio}");

    // The accounting is the nodes' own: every node's counters equal SimNet's book of it.
    let sim = run.sim();
    let mut addrs: Vec<_> = run.peers().collect();
    addrs.push(blockpeer_core::testing::SimNet::addr(PEERS));
    for addr in addrs {
        let counters = sim.node(addr).snapshot(sim.now()).counters;
        let book: Traffic = sim.traffic(addr).values().sum();
        let mine = (book.msgs_in, book.bytes_in, book.msgs_out, book.bytes_out);
        assert_eq!(mine, (counters.datagrams_in, counters.bytes_in, counters.datagrams_out, counters.bytes_out));
    }
    let stats = sim.stats();
    assert_eq!(stats.sent, report.datagrams_sent);
    let in_flight = stats.sent - stats.delivered - stats.lost - stats.undeliverable;
    assert!(in_flight < 1000, "what is not lost arrives: {stats:?}");
    let loss = stats.lost as f64 / stats.sent as f64;
    assert!((0.007..0.013).contains(&loss), "1 % of the datagrams are lost: {loss}");
}

#[test]
fn a_run_is_the_same_for_the_same_seed() {
    let small = || {
        let mut params = ScaleParams::campus(8, 1, 3);
        params.chain_blocks = 20;
        ScaleRun::new(params).run()
    };
    assert_eq!(small(), small());
}
