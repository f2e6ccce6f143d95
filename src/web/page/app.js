// Blockpeer's web page: fills index.html from /api/* and keeps it live through
// /api/events. Every string comes from strangers on the network, so it only ever
// enters the page as text (textContent / append of strings), never as HTML.
'use strict';

/** Blocks per page of the chain. */
const PAGE = 100;
/** Least milliseconds between two refreshes of the peer table. */
const PEERS_EVERY = 2000;

const state = {
  status: null, // the latest /api/status
  page: null, // the /api/blocks answer shown
  from: null, // first height of the page shown; null: the newest blocks
  selected: null, // height of the block in the detail view
  following: true, // whether the detail shows the newest block (until one is chosen)
  request: 0, // number of the latest page request (older answers are dropped)
  peersAt: 0, // when the peers were last fetched
  firstPage: false, // whether a page of blocks has been shown yet
};

const $ = (id) => document.getElementById(id);

/** A new element with a class and children; strings become text nodes. */
function el(tag, className, ...children) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  node.append(...children.map((child) => (child instanceof Node ? child : String(child))));
  return node;
}

function setText(id, value) {
  $(id).textContent = value;
}

async function getJSON(url) {
  const response = await fetch(url, { headers: { Accept: 'application/json' } });
  const body = await response.json();
  if (!response.ok) throw new Error(body.error || `${response.status} ${response.statusText}`);
  return body;
}

function showError(error) {
  $('error').hidden = !error;
  setText('error', error ? `Could not load: ${error.message}` : '');
}

// ---- formatting

const number = (n) => Number(n).toLocaleString('en-US');
const shortHash = (hash) => (hash ? `${hash.slice(0, 8)}…${hash.slice(-8)}` : '—');

function ago(secs) {
  if (secs == null) return '—';
  if (secs < 1) return 'just now';
  if (secs < 60) return `${Math.round(secs)} s ago`;
  if (secs < 3600) return `${Math.floor(secs / 60)} min ago`;
  return `${Math.floor(secs / 3600)} h ago`;
}

/** How long ago a block mined at Unix second `timestamp` was: `3 min ago`. */
function minedAgo(timestamp) {
  const secs = Math.floor(Date.now() / 1000) - timestamp;
  if (secs < 0) return 'in the future';
  if (secs < 60) return `${secs} s ago`;
  if (secs < 3600) return `${Math.floor(secs / 60)} min ago`;
  if (secs < 86400) return `${Math.floor(secs / 3600)} h ago`;
  return `${number(Math.floor(secs / 86400))} days ago`;
}

/** Local time and how long ago; a timestamp no calendar holds, as is. */
function minedAt(timestamp) {
  const date = new Date(timestamp * 1000);
  if (Number.isNaN(date.getTime())) return `Unix time ${timestamp}`;
  return `${date.toLocaleString()} (${minedAgo(timestamp)})`;
}

function hashrate(perSecond) {
  const units = ['H/s', 'kH/s', 'MH/s', 'GH/s', 'TH/s'];
  let value = perSecond;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value.toFixed(value < 10 && unit > 0 ? 2 : 0)} ${units[unit]}`;
}

function consensus(status) {
  const mismatch = status.difficulty_mismatch;
  if (mismatch) {
    return ['difficulty mismatch', `the network's blocks meet ${mismatch.network}, this peer requires ${mismatch.required}`];
  }
  if (status.sync) {
    const { fetched, needed, target_height: height } = status.sync;
    const percent = needed ? Math.floor((100 * fetched) / needed) : 0;
    return ['syncing', `${percent} % of ${number(height)} blocks`];
  }
  const { running, last, last_secs: secs } = status.consensus;
  if (running) return ['round running', 'asking the peers'];
  if (!last) return ['waiting', 'no round yet'];
  const labels = { InSync: 'in sync', Ahead: 'ahead', NoReplies: 'no replies' };
  const failed = status.consensus.failed_sync;
  if (!labels[last.decision] && failed) return ['sync failed', `${failed.reason} · ${ago(failed.secs)}`];
  const label = labels[last.decision] || 'adopting a chain';
  return [label, `${last.replied}/${last.asked} replied · ${ago(secs)}`];
}

// ---- status header

function renderStatus(status) {
  state.status = status;
  document.title = `Blockpeer · ${status.name}`;
  setText('name', status.name);
  setText('address', status.address);
  setText('height', number(status.height));
  setText('height-sub', status.height === 1 ? 'block' : 'blocks');
  setText('tip', shortHash(status.tip));
  $('tip').title = status.tip || '';
  setText('difficulty', `difficulty ${status.difficulty} · ${status.protocol_label}`);
  document.body.dataset.protocol = status.protocol;
  setText('peer-count', number(status.peers));
  setText('peer-agree', status.peers ? `${status.peers_agreeing} agree with us` : 'none yet');
  const [label, detail] = consensus(status);
  setText('consensus', label);
  setText('consensus-sub', detail);
  $('consensus').dataset.warn = status.difficulty_mismatch ? 'yes' : '';
  setText('mining', status.mining ? hashrate(status.hashrate) : 'off');
  const threads = status.mining ? `${status.threads} threads · ` : '';
  setText('mining-sub', `${threads}${number(status.blocks_mined)} mined · ${status.pending_words} words waiting`);
  updateNext();
  chainMoved();
  if (state.following && status.height > 0 && state.selected !== status.height - 1) showBlock(status.height - 1);
}

/** The chain differs from the page shown: refresh the newest page, or offer to. */
function chainMoved() {
  const { status, page } = state;
  if (!status || !page || (page.height === status.height && page.tip === status.tip)) return;
  if (state.from === null) {
    loadPage(null);
    return;
  }
  const more = status.height - page.height;
  $('new-blocks').hidden = false;
  setText('show-newest', more > 0 ? `${number(more)} new blocks · show the newest` : 'The chain changed · show the newest');
}

// ---- the chain, a page at a time

async function loadPage(from) {
  const request = ++state.request;
  const query = new URLSearchParams({ limit: PAGE });
  if (from !== null) query.set('from', from);
  try {
    const page = await getJSON(`/api/blocks?${query}`);
    if (request !== state.request) return;
    state.page = page;
    state.from = from;
    renderPage(page);
    showError(null);
  } catch (error) {
    showError(error);
  }
}

function renderPage(page) {
  const rows = page.blocks.map((block) => {
    const row = el(
      'tr',
      block.height === state.selected ? 'selected' : '',
      el('td', 'num', number(block.height)),
      el('td', 'mono', block.hash.slice(0, 8), el('span', 'tail', `…${block.hash.slice(-8)}`)),
      el('td', 'literal clip', block.minedBy),
      el('td', 'literal clip col-msg', block.messages.join(' · ')),
      el('td', 'col-time', block.timestamp == null ? '—' : minedAgo(block.timestamp)),
    );
    row.tabIndex = 0;
    row.dataset.height = block.height;
    return row;
  });
  $('blocks').replaceChildren(...rows);
  $('blocks-empty').hidden = rows.length > 0;
  $('new-blocks').hidden = true;
  const top = rows.length ? page.blocks[0].height : null;
  const bottom = rows.length ? page.blocks[rows.length - 1].height : null;
  setText('range', rows.length ? `${number(bottom)}–${number(top)} of ${number(page.height)}` : '');
  $('newest').disabled = $('newer').disabled = !rows.length || top >= page.height - 1;
  $('older').disabled = $('oldest').disabled = !rows.length || bottom === 0;
  document.body.dataset.blocksShown = rows.length;
  if (!state.firstPage && rows.length) {
    state.firstPage = true;
    // How long the first page took to appear, read by `blockpeer bench web`.
    document.body.dataset.firstPageMs = performance.now().toFixed(1);
  }
}

function pageFrom(where) {
  const { page } = state;
  if (!page || !page.blocks.length) return null;
  const top = page.blocks[0].height;
  const bottom = page.blocks[page.blocks.length - 1].height;
  const last = page.height - 1;
  const targets = { newest: null, newer: top + PAGE >= last ? null : top + PAGE, older: bottom - 1, oldest: PAGE - 1 };
  return targets[where] === null ? null : Math.min(targets[where], last);
}

// ---- one block

function select(height) {
  location.hash = `#block-${height}`;
}

async function showBlock(height) {
  state.selected = height;
  for (const row of $('blocks').children) row.classList.toggle('selected', Number(row.dataset.height) === height);
  try {
    const [block, previous] = await Promise.all([
      getJSON(`/api/blocks/${height}`),
      height > 0 ? getJSON(`/api/blocks/${height - 1}`) : null,
    ]);
    if (state.selected !== height) return;
    const newest = state.following ? ' · newest' : '';
    setText('detail-title', `Block ${number(block.height)}${newest}`);
    setText('d-height', number(block.height));
    setText('d-hash', block.hash);
    setText('d-prev', previous ? previous.hash : '— (genesis)');
    setText('d-miner', block.minedBy);
    setText('d-nonce', block.nonce);
    setText('d-time', block.timestamp == null ? '— (the FLOOD generation keeps no time)' : minedAt(block.timestamp));
    $('d-messages').replaceChildren(...block.messages.map((message) => el('li', 'literal', message)));
    $('detail-fields').hidden = false;
    $('detail-empty').hidden = true;
    $('prev').disabled = height === 0;
    updateNext();
    showError(null);
  } catch (error) {
    setText('detail-title', 'Block');
    $('detail-fields').hidden = true;
    $('detail-empty').hidden = false;
    setText('detail-empty', error.message);
  }
}

function updateNext() {
  const height = state.status ? state.status.height : state.page ? state.page.height : 0;
  $('next').disabled = state.selected === null || state.selected >= height - 1;
}

function followHash() {
  const match = /^#block-(\d+)$/.exec(location.hash);
  if (match) {
    state.following = false;
    showBlock(Number(match[1]));
  }
}

async function copyHash() {
  const hash = $('d-hash').textContent;
  try {
    await navigator.clipboard.writeText(hash);
    setText('copy', 'Copied');
  } catch {
    // No clipboard outside a secure context: select the hash for Ctrl+C instead.
    const range = document.createRange();
    range.selectNodeContents($('d-hash'));
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    setText('copy', 'Selected: press Ctrl+C');
  }
  setTimeout(() => setText('copy', 'Copy hash'), 2000);
}

// ---- peers

/** The badge class and words for a peer's standing with our chain. */
function standing(s) {
  switch (s.state) {
    case 'agrees': return ['yes', 'agrees'];
    case 'behind': return ['behind', `behind by ${number(s.by)}`];
    case 'ahead': return ['ahead', `ahead by ${number(s.by)}`];
    case 'other_chain': return ['no', 'other chain'];
    default: return ['', 'not told yet'];
  }
}

async function loadPeers() {
  state.peersAt = Date.now();
  try {
    const peers = await getJSON('/api/peers');
    const rows = peers.map((peer) => {
      const known = peer.height !== null;
      const [badge, text] = standing(peer.standing);
      const agrees = el('span', `badge ${badge}`, text);
      return el(
        'tr',
        '',
        el('td', 'mono', peer.address),
        el('td', 'literal clip', peer.name || '—'),
        el('td', '', ago(peer.last_seen_secs)),
        el('td', 'num', peer.rtt_ms === null ? '—' : `${peer.rtt_ms.toFixed(1)} ms`),
        el('td', 'num', known ? number(peer.height) : '—'),
        el('td', '', agrees),
      );
    });
    $('peers').replaceChildren(...rows);
    $('peers-empty').hidden = rows.length > 0;
    setText('peers-note', rows.length ? `${rows.length} known` : '');
    document.body.dataset.peersShown = rows.length;
  } catch (error) {
    showError(error);
  }
}

// ---- live updates

function activity(message) {
  setText('activity', `${new Date().toLocaleTimeString()} · ${message}`);
}

function setLive(text, stateName) {
  setText('live', text);
  $('live').dataset.state = stateName;
}

/** Other parts of the page (forks.js) that follow the live feed: each gets (kind, data). */
const liveHooks = [];

/** What each message of the live feed (events.js) does. */
const LIVE = {
  open: () => setLive('live', 'live'),
  error: () => setLive('reconnecting…', 'down'),
  status: (status) => {
    renderStatus(status);
    if (Date.now() - state.peersAt > PEERS_EVERY) loadPeers();
  },
  block_added: (e) => activity(`block ${number(e.height)} ${e.ours ? 'mined here' : `from ${e.mined_by}`}`),
  chain_synced: (e) => {
    activity(e.removed ? `switched chains: ${e.removed} blocks replaced, ${e.added} added` : `synced ${e.added} blocks`);
    if (state.from !== null) loadPage(state.from);
  },
  peer_joined: (e) => {
    activity(`peer joined: ${e.addr} ${e.name}`);
    loadPeers();
  },
  peer_left: (e) => {
    activity(`peer left: ${e.addr}`);
    loadPeers();
  },
  sync_failed: (e) => activity(`sync failed: ${e.reason}`),
  side_block: (e) =>
    activity(`fork at height ${number(e.height)}: ${e.ours ? 'our' : `${e.mined_by}'s`} block lost to the one we hold`),
  difficulty_mismatch: (e) =>
    activity(`difficulty mismatch: the network's blocks meet ${e.network}, this peer requires ${e.required}`),
  stopped: (e) => {
    activity(`the peer stopped: ${e.reason}`);
    setLive('peer stopped', 'down');
  },
};

function listen() {
  const feed = new Worker('/events.js');
  feed.addEventListener('message', ({ data: message }) => {
    const data = message.data === undefined ? undefined : JSON.parse(message.data);
    const handle = LIVE[message.kind];
    if (handle) handle(data);
    for (const hook of liveHooks) hook(message.kind, data);
  });
}

// ---- start

function start() {
  for (const where of ['newest', 'newer', 'older', 'oldest']) {
    $(where).addEventListener('click', () => loadPage(pageFrom(where)));
  }
  $('show-newest').addEventListener('click', () => loadPage(null));
  $('goto').addEventListener('submit', (event) => {
    event.preventDefault();
    const height = Number($('goto-height').value);
    if (Number.isInteger(height) && height >= 0) {
      loadPage(height + Math.floor(PAGE / 2));
      select(height);
    }
  });
  $('blocks').addEventListener('click', (event) => {
    const row = event.target.closest('tr');
    if (row) select(Number(row.dataset.height));
  });
  $('blocks').addEventListener('keydown', (event) => {
    const row = event.target.closest('tr');
    if (row && (event.key === 'Enter' || event.key === ' ')) {
      event.preventDefault();
      select(Number(row.dataset.height));
    }
  });
  $('prev').addEventListener('click', () => select(state.selected - 1));
  $('next').addEventListener('click', () => select(state.selected + 1));
  $('copy').addEventListener('click', copyHash);
  window.addEventListener('hashchange', followHash);
  getJSON('/api/status').then(renderStatus, showError);
  loadPage(null);
  loadPeers();
  followHash();
  listen();
}

start();
