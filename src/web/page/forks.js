// Blockpeer's Forks card: draws /api/forks — our chain along the bottom and the side
// branches above it, laid out by the peer itself (the window draws the same layout) —
// as SVG, with history.js's chart of every peer's height below it, and keeps both live
// through app.js's feed. Like app.js it puts every string from the network in as text,
// never as markup, and uses app.js's helpers ($, el, setText, getJSON, number,
// shortHash, minedAt, ago).
'use strict';

const SVG_NS = 'http://www.w3.org/2000/svg';
/** Geometry of the branches, in SVG units (as the window draws them). */
const COLUMN = 80;
const GAP = 46;
const LANE = 46;
const BOX_W = 68;
const BOX_H = 34;
const MARK_ROW = 22;
const HEIGHT_ROW = 18;
/** Side blocks the page draws: the newest (the window draws all the record holds). */
const FORKS_SHOWN = 300;
/** Least milliseconds between two reloads of each. */
const FORKS_EVERY = 1000;
const HISTORY_EVERY = 2000;

const forks = {
  data: null, // the /api/forks answer drawn
  history: null, // the /api/history answer drawn
  selected: null, // hash of the side block shown in the detail
  span: 600, // seconds of history shown; 0: all
  loaded: { forks: 0, history: 0 },
  timers: { forks: null, history: null },
};

/** A new SVG element with attributes and children; strings become text nodes. */
function svg(tag, attributes, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, String(value));
  node.append(...children.map((child) => (child instanceof Node ? child : String(child))));
  return node;
}

/** `node` with a hover tooltip of `text`. */
function titled(node, text) {
  node.append(svg('title', {}, text));
  return node;
}

const clock = (at) => new Date(at * 1000).toLocaleTimeString();
const plural = (n, word) => `${number(n)} ${word}${n === 1 ? '' : 's'}`;

// ---- loading, at most once a second (forks) or every two seconds (history)

function schedule(what, every, load) {
  if (forks.timers[what]) return;
  const wait = Math.max(0, forks.loaded[what] + every - Date.now());
  forks.timers[what] = setTimeout(async () => {
    forks.timers[what] = null;
    forks.loaded[what] = Date.now();
    try {
      await load();
    } catch (error) {
      showError(error);
    }
  }, wait);
}

async function loadForks() {
  forks.data = await getJSON(`/api/forks?limit=${FORKS_SHOWN}`);
  drawForks(forks.data);
}

// ---- the branches

function fateText(side) {
  if (side.fate === 'reorganised') return 'replaced by a reorganisation: it was on our chain';
  if (side.from) return `lost at its height: announced by ${side.from} when we held another`;
  return 'lost at its height: our miner found it after the tip had moved';
}

function reorgText(reorg) {
  const lost = reorg.lost.map((b) => `block ${b.height} by ${b.mined_by}${b.ours ? ' (yours)' : ''}`);
  const more = reorg.depth - reorg.lost.length;
  return [
    `Reorganisation at height ${number(reorg.fork)}, ${clock(reorg.at)}: ${plural(reorg.depth, 'block')} replaced, ${number(reorg.added)} added`,
    `fetched from ${reorg.sources.join(', ')}${reorg.source_count > reorg.sources.length ? ` and ${reorg.source_count - reorg.sources.length} more` : ''}`,
    ...lost.map((line) => `lost ${line}`),
    ...(more > 0 ? [`… and ${number(more)} more`] : []),
  ].join('\n');
}

function blockBox(x, y, block, classes, label) {
  const group = svg('g', { class: `box ${classes}`, transform: `translate(${x - BOX_W / 2},${y - BOX_H / 2})`, tabindex: 0 });
  group.append(
    svg('rect', { width: BOX_W, height: BOX_H, rx: 5 }),
    svg('text', { x: BOX_W / 2, y: 14, class: 'hash-text' }, block.hash.slice(0, 7)),
    svg('text', { x: BOX_W / 2, y: 28, class: 'miner-text' }, block.minedBy.slice(0, 10)),
  );
  return titled(group, label);
}

function drawForks(data) {
  setText('forks-rule', data.protocol === 'gossip' ? 'GOSSIP (2023+): the longest chain wins' : "FLOOD (2022): the majority's chain wins");
  const { columns, placed, lanes } = data.branches;
  const side = data.side_blocks;
  const ours = side.filter((s) => s.ours).length;
  const lostOurs = data.reorgs.reduce((sum, r) => sum + r.ours_lost, 0);
  setText(
    'forks-summary',
    side.length || data.reorgs.length
      ? `${plural(side.length, 'block')} off our chain${ours ? ` (${number(ours)} of them ours)` : ''} · ${plural(data.reorgs.length, 'reorganisation')}${lostOurs ? ` · ${number(lostOurs)} of our blocks lost` : ''}`
      : 'No forks seen yet. When two miners find a block at the same height, or the network switches chains, the branches appear here.',
  );
  const centres = [];
  let x = 0;
  for (const column of columns) {
    const width = column.gap === undefined ? COLUMN : GAP;
    centres.push(x + width / 2);
    x += width;
  }
  const width = Math.max(x, 1);
  const height = MARK_ROW + HEIGHT_ROW + (lanes + 1) * LANE;
  const laneY = (lane) => MARK_ROW + HEIGHT_ROW + (lanes - lane) * LANE + LANE / 2;
  const main = new Map(data.main.map((block) => [block.height, block]));
  const picture = svg('g', {});
  // Heights, folds and the main line.
  let previous = null;
  columns.forEach((column, i) => {
    const label = column.gap === undefined ? number(column.height) : `⋯ ${number(column.gap)}`;
    picture.append(svg('text', { x: centres[i], y: MARK_ROW + 13, class: 'column-label' }, label));
    if (column.gap === undefined && main.has(column.height)) {
      if (previous !== null) {
        const folded = columns[i - 1].gap !== undefined;
        picture.append(svg('line', { x1: previous, y1: laneY(0), x2: centres[i], y2: laneY(0), class: folded ? 'main-line folded' : 'main-line' }));
      }
      previous = centres[i];
    }
  });
  // Edges from each side block to the block below it.
  const where = placed.map((p) => [centres[p.column], laneY(p.lane)]);
  placed.forEach((p, i) => {
    const [cx, cy] = where[i];
    if (p.parent === 'genesis') return;
    let from = null;
    if (p.parent.main !== undefined) from = [centres[p.parent.main], laneY(0)];
    else if (p.parent.side !== undefined) from = where[p.parent.side];
    // Without a parent we hold, a stub: it was mined on a block no longer held.
    const [sx, sy] = from ? [from[0] + BOX_W / 2, from[1]] : [cx - BOX_W * 0.75, cy];
    picture.append(svg('line', { x1: sx, y1: sy, x2: cx - BOX_W / 2, y2: cy, class: `edge ${side[p.side].fate}` }));
  });
  // Our blocks, then the side blocks.
  columns.forEach((column, i) => {
    const block = column.gap === undefined ? main.get(column.height) : undefined;
    if (block) picture.append(blockBox(centres[i], laneY(0), block, 'main', `Block ${block.height} on our chain, mined by ${block.minedBy}`));
  });
  placed.forEach((p, i) => {
    const s = side[p.side];
    const classes = `side ${s.fate}${s.ours ? ' ours' : ''}${s.block.hash === forks.selected ? ' selected' : ''}`;
    const label = `Block ${s.block.height} off our chain, mined by ${s.block.minedBy}${s.ours ? ' (you)' : ''}\n${fateText(s)}\nseen ${clock(s.seen_at)}`;
    const box = blockBox(where[i][0], where[i][1], s.block, classes, label);
    box.dataset.hash = s.block.hash;
    picture.append(box);
  });
  // Reorganisations above their fork points.
  const byFork = new Map();
  for (const reorg of data.reorgs) byFork.set(reorg.fork, [...(byFork.get(reorg.fork) || []), reorg]);
  columns.forEach((column, i) => {
    const reorgs = column.gap === undefined ? byFork.get(column.height) : undefined;
    if (!reorgs) return;
    const deepest = Math.max(...reorgs.map((r) => r.depth));
    const text = reorgs.length > 1 ? `⟲ ${deepest} ×${reorgs.length}` : `⟲ ${deepest}`;
    const mark = svg('g', { class: 'reorg-mark' });
    mark.append(svg('rect', { x: centres[i] - (COLUMN - 10) / 2, y: 2, width: COLUMN - 10, height: MARK_ROW - 4, rx: 8 }));
    mark.append(svg('text', { x: centres[i], y: MARK_ROW - 7 }, text));
    picture.append(titled(mark, reorgs.map(reorgText).join('\n\n')));
  });
  const branches = $('branches');
  const scroll = $('branches-scroll');
  const atEnd = scroll.scrollLeft + scroll.clientWidth >= scroll.scrollWidth - 4;
  const atBottom = scroll.scrollTop + scroll.clientHeight >= scroll.scrollHeight - 4;
  branches.setAttribute('viewBox', `0 0 ${width} ${height}`);
  branches.setAttribute('width', width);
  branches.setAttribute('height', height);
  branches.replaceChildren(picture);
  // Our chain and the newest heights (bottom right) stay in view unless the reader scrolled.
  if (atEnd || !forks.drawnOnce) scroll.scrollLeft = scroll.scrollWidth;
  if (atBottom || !forks.drawnOnce) scroll.scrollTop = scroll.scrollHeight;
  forks.drawnOnce = true;
  document.body.dataset.forksDrawn = placed.length;
  document.body.dataset.mainDrawn = main.size;
  if (forks.selected && !side.some((s) => s.block.hash === forks.selected)) showSide(null);
}

function parentHash(side) {
  return side.parent || '— (genesis)';
}

function showSide(hash) {
  forks.selected = hash;
  const side = hash && forks.data ? forks.data.side_blocks.find((s) => s.block.hash === hash) : null;
  $('fork-detail').hidden = !side;
  for (const box of $('branches').querySelectorAll('.box.side')) box.classList.toggle('selected', box.dataset.hash === hash);
  if (!side) return;
  const { block } = side;
  setText('fork-detail-title', `Block ${number(block.height)}, off our chain${side.ours ? ' · yours' : ''}`);
  setText('fork-fate', `${fateText(side)} · seen ${clock(side.seen_at)}`);
  setText('f-hash', block.hash);
  setText('f-prev', parentHash(side));
  setText('f-miner', block.minedBy);
  setText('f-time', block.timestamp == null ? '—' : minedAt(block.timestamp));
  setText('f-nonce', block.nonce);
  $('f-messages').replaceChildren(...block.messages.map((message) => el('li', 'literal', message)));
}

// ---- start

function startForks() {
  $('branches').addEventListener('click', (event) => {
    const box = event.target.closest('.box.side');
    if (box) showSide(box.dataset.hash);
  });
  $('branches').addEventListener('keydown', (event) => {
    const box = event.target.closest('.box.side');
    if (box && (event.key === 'Enter' || event.key === ' ')) {
      event.preventDefault();
      showSide(box.dataset.hash);
    }
  });
  $('fork-detail-close').addEventListener('click', () => showSide(null));
  for (const button of document.querySelectorAll('.span-pick button')) {
    button.addEventListener('click', () => {
      forks.span = Number(button.dataset.span);
      for (const other of document.querySelectorAll('.span-pick button')) other.setAttribute('aria-pressed', String(other === button));
      forks.loaded.history = 0;
      schedule('history', 0, loadHistory);
    });
  }
  liveHooks.push((kind) => {
    if (kind === 'side_block' || kind === 'chain_synced' || kind === 'block_added') schedule('forks', FORKS_EVERY, loadForks);
    if (kind === 'status' || kind === 'consensus_finished') schedule('history', HISTORY_EVERY, loadHistory);
  });
  schedule('forks', 0, loadForks);
  schedule('history', 0, loadHistory);
}

startForks();
