// The Forks card's history chart: draws /api/history — every peer's chain height over
// time, coloured by how it stood with our chain, our own over it, and the consensus
// rounds and reorganisations on the time axis — as SVG. Loaded before forks.js, which
// owns the card's state (`forks`), its loading schedule and its SVG helpers.
'use strict';

/** The history chart's size and margins. */
const CHART_H = 240;
const MARGIN = { left: 48, right: 12, top: 10, bottom: 44 };

/** The span shown, from the server (only that part of the record travels). */
async function loadHistory() {
  const since = forks.span ? Math.floor(Date.now() / 1000) - forks.span : 0;
  forks.history = await getJSON(`/api/history?since=${since}`);
  drawHistory(forks.history);
}

const STANDING = { agrees: 'agrees', behind: 'behind', ahead: 'ahead', other_chain: 'other_chain', unknown: 'unknown' };

/** The step lines of `points` from `since` to `end`, one run per standing. */
function runs(points, since, end, standingOf) {
  let first = points.findIndex((p) => p.at >= since);
  first = first < 0 ? points.length - 1 : Math.max(0, first - 1);
  const out = [];
  for (let i = first; i < points.length; i += 1) {
    const point = points[i];
    const start = Math.max(point.at, since);
    const stop = i + 1 < points.length ? points[i + 1].at : end;
    if (stop < since) continue;
    const standing = standingOf(point);
    const last = out[out.length - 1];
    if (last && last.standing === standing) last.points.push([start, point.height], [stop, point.height]);
    else {
      const joint = last ? last.points[last.points.length - 1] : [start, point.height];
      out.push({ standing, points: [joint, [start, point.height], [stop, point.height]] });
    }
  }
  return out;
}

function drawHistory(history) {
  const chart = $('history');
  const width = Math.max(320, chart.parentElement.clientWidth - 4);
  const now = Date.now() / 1000;
  const all = [...history.peers.flatMap((p) => p.points), ...history.own];
  const earliest = all.reduce((min, p) => Math.min(min, p.at), now);
  // A record younger than the span starts at its first point, not in the empty past.
  const since = forks.span ? Math.max(now - forks.span, earliest) : earliest;
  const lines = [];
  for (const peer of history.peers) {
    const last = peer.points[peer.points.length - 1];
    const end = peer.known ? now : last.at;
    const name = peer.name || peer.address;
    for (const run of runs(peer.points, since, end, (p) => STANDING[p.standing.state] || 'unknown')) {
      lines.push({ run, name, cls: `st-${run.standing}` });
    }
  }
  for (const run of runs(history.own, since, now, () => 'own')) lines.push({ run, name: 'you', cls: 'own' });
  const heights = lines.flatMap((l) => l.run.points.map((p) => p[1]));
  const low = heights.length ? Math.min(...heights) : 0;
  const high = heights.length ? Math.max(...heights) : 1;
  const spanY = Math.max(1, high - low);
  const x = (at) => MARGIN.left + ((at - since) / Math.max(1, now - since)) * (width - MARGIN.left - MARGIN.right);
  const y = (h) => MARGIN.top + (1 - (h - low) / spanY) * (CHART_H - MARGIN.top - MARGIN.bottom);
  const picture = svg('g', {});
  // Axes: heights on the left, clock times along the bottom.
  const yTicks = spanY <= 6 ? Array.from({ length: spanY + 1 }, (_, i) => low + i) : [low, Math.round((low + high) / 2), high];
  for (const h of yTicks) {
    picture.append(svg('line', { x1: MARGIN.left, x2: width - MARGIN.right, y1: y(h), y2: y(h), class: 'grid' }));
    picture.append(svg('text', { x: MARGIN.left - 6, y: y(h) + 4, class: 'axis-y' }, number(h)));
  }
  for (let i = 0; i <= 4; i += 1) {
    const at = since + ((now - since) * i) / 4;
    picture.append(svg('text', { x: x(at), y: CHART_H - MARGIN.bottom + 16, class: 'axis-x' }, clock(at)));
  }
  for (const { run, name, cls } of lines) {
    const path = run.points.map(([at, h]) => `${x(at).toFixed(1)},${y(h).toFixed(1)}`).join(' ');
    picture.append(titled(svg('polyline', { points: path, class: `series ${cls}` }), name));
  }
  // Rounds (◆) and reorganisations (▼ depth) on the time axis.
  const markY = CHART_H - 10;
  for (const round of history.rounds.filter((r) => r.at >= since)) {
    picture.append(svg('line', { x1: x(round.at), x2: x(round.at), y1: MARGIN.top, y2: CHART_H - MARGIN.bottom, class: 'round-line' }));
    const groups = round.groups.map((g) => `height ${number(g.height)} · ${g.hash.slice(0, 10)}… · ${plural(g.count, 'peer')}: ${g.peers.join(', ')}`);
    const decision = typeof round.decision === 'string' ? round.decision : `fetch the chain at height ${number(round.decision.Sync.height)}`;
    const text = [`Consensus round at ${clock(round.at)}: ${round.replied} of ${round.asked} peers answered`, ...groups, `decision: ${decision}`].join('\n');
    picture.append(titled(svg('text', { x: x(round.at), y: markY, class: 'mark-round' }, '◆'), text));
  }
  for (const reorg of history.reorgs.filter((r) => r.at >= since)) {
    picture.append(svg('line', { x1: x(reorg.at), x2: x(reorg.at), y1: MARGIN.top, y2: CHART_H - MARGIN.bottom, class: 'reorg-line' }));
    picture.append(titled(svg('text', { x: x(reorg.at), y: markY, class: 'mark-reorg' }, `▼${reorg.depth}`), reorgText(reorg)));
  }
  chart.setAttribute('viewBox', `0 0 ${width} ${CHART_H}`);
  chart.setAttribute('width', width);
  chart.setAttribute('height', CHART_H);
  chart.replaceChildren(picture);
  setText('history-note', lines.length ? `${plural(history.peers.length, 'peer')} · ${plural(history.rounds.length, 'round')} recorded` : 'No chain reported yet: heights appear as peers answer consensus rounds and announce blocks.');
  document.body.dataset.historyLines = lines.length;
}

