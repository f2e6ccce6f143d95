// Blockpeer's live feed, run as a worker by app.js: it holds the /api/events stream
// and passes each event on as {kind, data} (data: the event's JSON text). Keeping the
// stream out of the page lets the page's own loads finish, which is what scripted
// browsers wait for (headless Chromium's virtual clock stops while a load is open).
'use strict';

const KINDS = [
  'status',
  'block_added',
  'chain_synced',
  'peer_joined',
  'peer_left',
  'consensus_finished',
  'side_block',
  'sync_started',
  'sync_failed',
  'difficulty_mismatch',
  'stopped',
];

const source = new EventSource('/api/events');
source.addEventListener('open', () => postMessage({ kind: 'open' }));
source.addEventListener('error', () => postMessage({ kind: 'error' }));
for (const kind of KINDS) {
  source.addEventListener(kind, (event) => postMessage({ kind, data: event.data }));
}
