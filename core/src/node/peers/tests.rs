//! The peer table's bounds, expiry and liveness rules.

use super::*;

fn addr(port: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], port))
}

#[test]
fn names_cannot_fill_the_table() {
    let now = Instant::now();
    let mut table = PeerTable::new(2);
    table.upsert(addr(1), "named", Learned::ForwardedBy(addr(9)), now, false);
    table.upsert(addr(2), "real", Learned::Flood, now, true);
    assert_eq!(table.upsert(addr(3), "new", Learned::Flood, now, true), Upsert::New, "the named-only one made room");
    assert!(!table.contains(&addr(1)) && table.contains(&addr(2)));
    assert_eq!(table.upsert(addr(4), "named", Learned::ForwardedBy(addr(9)), now, false), Upsert::Refused);
    table.refresh(addr(2), now + Duration::from_secs(5));
    assert_eq!(table.peers[&addr(2)].last_seen, now + Duration::from_secs(5));
}

#[test]
fn full_table_refuses_and_counts() {
    let now = Instant::now();
    let mut table = PeerTable::new(2);
    assert_eq!(table.upsert(addr(1), "a", Learned::Flood, now, true), Upsert::New);
    assert_eq!(table.upsert(addr(2), "b", Learned::Flood, now, true), Upsert::New);
    assert_eq!(table.upsert(addr(3), "c", Learned::Flood, now, true), Upsert::Refused);
    assert_eq!(table.upsert(addr(1), "", Learned::Flood, now, true), Upsert::Refreshed);
    assert_eq!(table.get(&addr(1)).unwrap().name, "a");
    assert_eq!((table.len(), table.refused()), (2, 1));
}

#[test]
fn silent_peers_expire_with_their_links() {
    let start = Instant::now();
    let mut table = PeerTable::new(8);
    table.upsert(addr(1), "a", Learned::Flood, start, true);
    table.upsert(addr(2), "b", Learned::ForwardedBy(addr(1)), start, true);
    table.add_link(addr(1), addr(2));
    table.heard_from(addr(1), start + Duration::from_secs(30), "STATS", 16);
    assert_eq!(table.next_expiry(Duration::from_secs(60)), Some(start + Duration::from_secs(60)));
    let gone = table.expire(start + Duration::from_secs(61), Duration::from_secs(60));
    assert_eq!(gone, vec![addr(2)]);
    assert_eq!(table.links().count(), 0);
    assert_eq!(table.iter().map(|(a, _)| *a).collect::<Vec<_>>(), vec![addr(1)]);
}

#[test]
fn naming_a_peer_again_does_not_keep_it_alive_but_its_own_word_does() {
    let start = Instant::now();
    let timeout = Duration::from_secs(60);
    let mut table = PeerTable::new(8);
    let later = start + Duration::from_secs(50);
    table.upsert(addr(1), "named", Learned::ForwardedBy(addr(9)), start, false);
    table.upsert(addr(1), "named", Learned::ForwardedBy(addr(9)), later, false);
    assert_eq!(table.next_expiry(timeout), Some(start + timeout), "a stranger's naming is no sign of life");
    table.upsert(addr(1), "named", Learned::Flood, later, true);
    assert_eq!(table.next_expiry(timeout), Some(later + timeout), "its own FLOOD is");
    let latest = later + Duration::from_secs(10);
    table.upsert(addr(1), "named", Learned::ForwardedBy(addr(9)), latest, false);
    assert_eq!(table.next_expiry(timeout), Some(latest + timeout), "and a verified peer lives on others' word");
}

#[test]
fn the_next_expiry_follows_every_change_of_the_earliest_peer() {
    let start = Instant::now();
    let timeout = Duration::from_secs(60);
    let at = |secs| start + Duration::from_secs(secs);
    let mut table = PeerTable::new(8);
    assert_eq!(table.next_expiry(timeout), None);
    table.upsert(addr(1), "a", Learned::Flood, at(10), true);
    table.upsert(addr(2), "b", Learned::Flood, at(20), true);
    assert_eq!(table.next_expiry(timeout), Some(at(70)));
    table.upsert(addr(3), "c", Learned::Flood, at(5), true); // an older time comes in
    assert_eq!(table.next_expiry(timeout), Some(at(65)));
    table.heard_from(addr(3), at(30), "STATS", 16); // the earliest peer moves on
    assert_eq!(table.next_expiry(timeout), Some(at(70)));
    table.refresh(addr(1), at(40));
    table.upsert(addr(2), "b", Learned::Flood, at(45), true);
    assert_eq!(table.next_expiry(timeout), Some(at(90)), "addr 3 at 30 s is now the earliest");
    assert!(table.expire(at(89), timeout).is_empty());
    assert_eq!(table.expire(at(90), timeout), vec![addr(3)]);
    assert_eq!(table.next_expiry(timeout), Some(at(100)));
    assert_eq!(table.expire(at(200), timeout), vec![addr(1), addr(2)]);
    assert_eq!(table.next_expiry(timeout), None);
}

#[test]
fn only_live_verified_peers_are_drawn() {
    let start = Instant::now();
    let mut table = PeerTable::new(8);
    table.upsert(addr(1), "a", Learned::Flood, start, true);
    table.upsert(addr(2), "named", Learned::ForwardedBy(addr(1)), start, false);
    table.upsert(addr(3), "b", Learned::FloodReply, start, false);
    table.heard_from(addr(3), start + Duration::from_secs(40), "STATS", 16);
    let mut rng = fastrand::Rng::with_seed(1);
    let drawn = |table: &PeerTable, rng: &mut fastrand::Rng| {
        let mut drawn = table.sample_verified(rng, 8, &[]);
        drawn.sort();
        drawn
    };
    assert_eq!(drawn(&table, &mut rng), vec![addr(1), addr(3)], "named-only peers are never drawn");
    assert_eq!(table.sample_verified(&mut rng, 8, &[addr(3)]), vec![addr(1)]);
    assert_eq!(table.expire(start + Duration::from_secs(61), Duration::from_secs(60)), vec![addr(1), addr(2)]);
    assert_eq!(drawn(&table, &mut rng), vec![addr(3)], "expired peers are not drawn");
}
