// Keyed read-only rows for the stakeholder view. Each record's row is built
// once, updated only when the record's seq changes, moved only when the
// order changes and removed when the record leaves the list, so a change
// to one timeline entry touches one row, not thousands.

import { el } from './dom.js';
import { placeRows } from './rows.js';
import { afterPaint, whenIdle } from './idle.js';

// A render builds at most the rows of a screen, so that a timeline of
// thousands of entries does not hold the first paint back. A row is at
// least MIN_ROW_PX high, so that many fill the window whatever its height.
const MIN_ROW_PX = 24;
const MIN_FIRST_ROWS = 20;
// The other rows are built after the first paint, for up to SLICE_MS in
// each idle period, off the page, and put on it all at once, so the page
// lays the list out once instead of once per slice.
const SLICE_MS = 40;

// changed reports whether next differs from previous, the record a row
// last showed. The server gives every change to a record a new seq, so an
// equal seq means equal contents even when a reconnect delivered a new object.
function changed(previous, next) {
  if (previous === next) return false;
  return !(next.seq > 0 && previous.seq === next.seq && Boolean(previous.deleted) === Boolean(next.deleted));
}

// createKeyedRows builds an empty keyed list and returns {list,
// unbuiltSpace, render}. list is the <ol> of rows, and unbuiltSpace is a
// placeholder to put after it that takes the height of the rows not built yet. render(records) shows the records in the
// given order. createRow(record) returns {row, update(record)}, where row
// carries data-id and update fills it in.
export function createKeyedRows(createRow) {
  const list = el('ol', { class: 'ro-list', 'data-test': 'rows' });
  const unbuiltSpace = el('div', { class: 'rows-unbuilt', 'aria-hidden': 'true', hidden: true });
  // Every row built so far, on the page or not, with the record it shows.
  const rows = new Map();
  const firstRows = Math.max(MIN_FIRST_ROWS, Math.ceil(window.innerHeight / MIN_ROW_PX));
  let records = [];
  let growthScheduled = false;

  // A printout shows every row, so the rest are built before printing.
  window.addEventListener('beforeprint', buildAll);
  window.matchMedia('print').addEventListener('change', (event) => {
    if (event.matches) buildAll();
  });

  function build(record, onPage) {
    const entry = createRow(record);
    entry.update(record);
    entry.record = record;
    entry.onPage = onPage;
    rows.set(record.id, entry);
    return entry;
  }

  // arrange brings the built rows up to date with records, builds up to
  // limit rows that are missing, in order, and puts the rows that may be on
  // the page in order there.
  function arrange(limit) {
    const placed = [];
    const seen = new Set();
    let built = 0;
    let unbuilt = 0;
    for (const record of records) {
      seen.add(record.id);
      let entry = rows.get(record.id);
      if (!entry && built < limit) {
        entry = build(record, true);
        built++;
      } else if (entry && changed(entry.record, record)) {
        entry.update(record);
        entry.record = record;
      }
      if (entry && entry.onPage) placed.push(entry.row);
      else unbuilt++;
    }
    for (const [id, entry] of rows) {
      if (seen.has(id)) continue;
      entry.row.remove();
      rows.delete(id);
    }
    placeRows(list, placed);
    unbuiltSpace.hidden = unbuilt === 0;
    unbuiltSpace.style.setProperty('--unbuilt-rows', String(unbuilt));
    if (unbuilt > 0) scheduleGrowth();
  }

  // scheduleGrowth starts building the missing rows in the first idle
  // period after the next frame, so the first rows are on screen first.
  function scheduleGrowth() {
    if (growthScheduled) return;
    growthScheduled = true;
    afterPaint(() => whenIdle(grow));
  }

  // grow builds missing rows off the page, in order, for up to SLICE_MS,
  // and continues in the next idle period. Once every record has a row it
  // puts them all on the page.
  function grow() {
    const start = performance.now();
    for (const record of records) {
      if (rows.has(record.id)) continue;
      if (performance.now() - start >= SLICE_MS) {
        whenIdle(grow);
        return;
      }
      build(record, false);
    }
    growthScheduled = false;
    buildAll();
  }

  // buildAll builds every missing row at once and puts all rows on the page.
  function buildAll() {
    for (const entry of rows.values()) entry.onPage = true;
    arrange(Infinity);
  }

  function render(next) {
    records = next;
    arrange(firstRows);
  }

  return { list, unbuiltSpace, render };
}
