// The results page of one job: a gallery of its rows (thumbnails through the API, top labels, scores, captions),
// its error rows with their reasons, a label / minimum-score filter, and paging by the rows API's cursor.
// Everything is rendered with textContent: a caption, label or URI is never markup.
'use strict';

const pageSize = 48;
const $ = (id) => document.getElementById(id);
const state = { next: null, errorsNext: null, labels: new Set() };

// The signed link was for this first visit; the cookie it set carries on. Keep it out of the history.
if (location.search.includes('link=')) history.replaceState(null, '', location.pathname);

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function fileName(uri) {
  const path = uri.split('?')[0];
  return decodeURIComponent(path.substring(path.lastIndexOf('/') + 1));
}

function duration(ms) {
  const s = Math.round(ms / 1000);
  return s < 90 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

async function getJson(url) {
  const response = await fetch(url, { credentials: 'same-origin' });
  if (!response.ok) {
    let detail = `${response.status} ${response.statusText}`;
    try { const problem = await response.json(); detail = problem.detail || problem.title || detail; } catch { /* not JSON */ }
    throw new Error(detail);
  }
  return response.json();
}

async function loadStatus() {
  const s = await getJson('page/status');
  $('title').textContent = `Fleet results: ${s.jobId}`;
  document.title = `Fleet results: ${s.jobId}`;
  const started = s.startedAt ? new Date(s.startedAt) : null;
  const finished = s.finishedAt ? new Date(s.finishedAt) : null;
  const facts = [
    ['state', s.state],
    ['images', s.imagesTotal],
    ['labeled', s.imagesSucceeded],
    ['errors', s.imagesFailed],
    ['shards', `${s.shardsDone}/${s.shardsTotal}`],
    ['format', s.spec && s.spec.format],
    ['started', started && started.toLocaleString()],
    ['finished', finished && finished.toLocaleString()],
    ['took', started && finished && duration(finished - started)],
    ['rate', s.imagesPerSecond ? `${s.imagesPerSecond.toFixed(1)} img/s` : null],
  ];
  const summary = $('summary');
  summary.replaceChildren();
  for (const [name, value] of facts) {
    if (value === null || value === undefined || value === '') continue;
    const item = el('span', null, `${name}: ${value}`);
    item.dataset.fact = name;
    summary.append(item);
  }
  if (s.reason) summary.append(el('span', 'reason', `reason: ${s.reason}`));
}

function rowCard(row) {
  const card = el('div', 'card');
  card.dataset.label = row.label || '';
  card.dataset.score = row.score ?? '';
  const img = el('img');
  img.loading = 'lazy';
  img.alt = row.label || fileName(row.uri);
  img.src = `thumbnail?row=${encodeURIComponent(row.ref)}`;
  const body = el('div', 'body');
  const top = el('div');
  top.append(el('span', 'top', row.label), document.createTextNode(' '), el('span', 'score', row.score.toFixed(3)));
  body.append(top);
  const others = (row.labels || []).slice(1, 3).map((l) => `${l.label} ${l.score.toFixed(2)}`).join(', ');
  if (others) body.append(el('div', 'others', others));
  if (row.caption) body.append(el('div', 'caption', row.caption));
  body.append(el('div', 'uri', fileName(row.uri)));
  card.append(img, body);
  return card;
}

function errorCard(row) {
  const card = el('div', 'card error');
  card.dataset.error = row.error;
  const body = el('div', 'body');
  body.append(el('div', 'uri', fileName(row.uri)), el('div', 'reason', row.error));
  card.append(body);
  return card;
}

function query(extra) {
  const params = new URLSearchParams({ limit: String(pageSize) });
  const label = $('label').value.trim();
  const minScore = $('minScore').value.trim();
  if (label) params.set('label', label);
  if (minScore) params.set('minScore', minScore);
  for (const [k, v] of Object.entries(extra)) if (v !== null && v !== undefined) params.set(k, v);
  return params;
}

// One page of data rows; a short page with a cursor (a rare label over a big job) goes on by itself a few times.
async function loadRows(reset) {
  const grid = $('rows');
  if (reset) { grid.replaceChildren(); state.next = null; }
  $('status').textContent = 'Loading…';
  let shown = 0;
  let scanned = 0;
  let cursor = reset ? null : state.next;
  for (let hop = 0; hop < 10; hop++) {
    const page = await getJson(`rows?${query({ cursor })}`);
    for (const row of page.rows) {
      if (row.error) continue;
      grid.append(rowCard(row));
      if (row.label && !state.labels.has(row.label)) {
        state.labels.add(row.label);
        $('labels').append(Object.assign(document.createElement('option'), { value: row.label }));
      }
      shown++;
    }
    scanned += page.scanned;
    cursor = page.next;
    if (!cursor || shown >= pageSize) break;
  }
  state.next = cursor;
  $('more').hidden = !cursor;
  const total = grid.children.length;
  $('status').textContent = total === 0 ? 'No rows match.' : `${total} row${total === 1 ? '' : 's'} shown${cursor ? '' : ' (all)'}.`;
  document.body.dataset.loaded = String(Number(document.body.dataset.loaded || 0) + 1);
  return scanned;
}

async function loadErrors(reset) {
  const grid = $('errors');
  if (reset) { grid.replaceChildren(); state.errorsNext = null; }
  const params = new URLSearchParams({ limit: String(pageSize), errors: 'true' });
  if (!reset && state.errorsNext) params.set('cursor', state.errorsNext);
  const page = await getJson(`rows?${params}`);
  for (const row of page.rows) grid.append(errorCard(row));
  state.errorsNext = page.next;
  $('moreErrors').hidden = !page.next;
  $('errorsTitle').hidden = grid.children.length === 0;
}

async function refresh() {
  try {
    await loadRows(true);
    // Error rows have no label: they are listed only when no filter is set.
    const filtered = $('label').value.trim() || $('minScore').value.trim();
    if (filtered) { $('errors').replaceChildren(); $('errorsTitle').hidden = true; $('moreErrors').hidden = true; }
    else await loadErrors(true);
  } catch (e) {
    $('status').textContent = `Cannot load the rows: ${e.message}`;
  }
}

$('filter').addEventListener('submit', (event) => { event.preventDefault(); refresh(); });
$('clear').addEventListener('click', () => { $('label').value = ''; $('minScore').value = ''; refresh(); });
$('more').addEventListener('click', () => loadRows(false).catch((e) => { $('status').textContent = e.message; }));
$('moreErrors').addEventListener('click', () => loadErrors(false).catch((e) => { $('status').textContent = e.message; }));

loadStatus().catch((e) => { $('summary').textContent = `Cannot load the job: ${e.message}`; });
refresh();
