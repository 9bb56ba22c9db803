// Generic list section of the board: rows of editable records, an add form,
// delete and restore, and a "show deleted" area. Per-list behaviour (extra
// columns, badges, moving) comes from the hooks in sections.js.

import { el, setText } from './dom.js';
import { createEditor } from './editor.js';
import { createAddForm } from './addform.js';
import { ITEM_NAMES, LIST_TITLES, fieldLabel } from './labels.js';
import { holdsFocus, placeRows } from './rows.js';
import { afterPaint, whenIdle } from './idle.js';

// A render builds at most the rows of a screen, so that a timeline of
// thousands of entries does not hold the first paint back. A row is at
// least MIN_ROW_PX high, so that many fill the window whatever its height.
const MIN_ROW_PX = 24;
const MIN_FIRST_ROWS = 20;
// The other rows are built after the first paint, for up to SLICE_MS in
// each idle period, off the page, and put on it all at once. Chromium's
// autofill scans every form control of the page about 100 ms after controls
// are inserted, so inserting slice by slice would repeat that scan. In a
// Chromium 148 trace a scan took 200 to 670 ms at 2,000 to 5,000 rows.
const SLICE_MS = 40;

// shownFields returns the fields a row of the list edits, in order: those
// clients may set, less the ones the list's hooks hide. The column heads
// (columns.js) use it too, so that each head sits above its cells.
export function shownFields(listSchema, hooks = {}) {
  return listSchema.fields.filter((field) => !field.serverOnly && !(hooks.hiddenFields || []).includes(field.name));
}

// createSection builds one list's section. ctx contains the page's shared
// parts: schema list, session, getSeq, nowMs. hooks: see sections.js.
export function createSection(listSchema, ctx, hooks = {}) {
  const list = listSchema.name;
  const title = LIST_TITLES[list] || list;
  const itemName = ITEM_NAMES[list] || 'item';
  const headingId = `h-${list}`;
  const count = el('span', { class: 'count', 'data-test': 'section-count' });
  const heading = el('h2', { id: headingId }, title, ' ', count);
  const rowsEl = el('ol', { class: 'rows', 'data-test': 'rows', 'aria-labelledby': headingId });
  const empty = el('p', { class: 'empty', text: hooks.emptyText || `No ${itemName} entries yet.` });
  const deletedRows = el('ol', { class: 'rows rows-deleted', 'data-test': 'deleted-rows', 'aria-label': `Deleted ${title}` });
  const toggle = el('input', { type: 'checkbox', id: `show-deleted-${list}`, 'data-test': 'show-deleted' });
  const toggleLabel = el('label', { for: `show-deleted-${list}`, class: 'toggle-label' });
  const deletedArea = el('div', { class: 'deleted-area', hidden: true }, el('div', { class: 'toggle' }, toggle, toggleLabel), deletedRows);
  // The space the rows not built yet will take, so that the sections below
  // do not move while they are built.
  const unbuiltSpace = el('div', { class: 'rows-unbuilt', 'data-test': 'rows-unbuilt', 'aria-hidden': 'true', hidden: true });
  const addForm = createAddForm(listSchema, ctx, hooks);
  const root = el('section', { class: `section section-${list}`, 'data-test': 'section', 'data-list': list,
    'aria-labelledby': headingId }, heading, rowsEl, unbuiltSpace, empty, addForm.root, deletedArea);

  const rows = new Map();
  let lastRecords = [];
  let refocusPending = false;
  // A render builds at most firstRows new rows, in board order, and leaves
  // the rest to grow, which keeps them in offPage until all are built.
  const firstRows = Math.max(MIN_FIRST_ROWS, Math.ceil(window.innerHeight / MIN_ROW_PX));
  const offPage = new Map();
  let growthScheduled = false;

  toggle.addEventListener('change', () => render(lastRecords));
  // A printout shows every row, so the rest are built before printing.
  window.addEventListener('beforeprint', buildAll);
  window.matchMedia('print').addEventListener('change', (event) => {
    if (event.matches) buildAll();
  });

  function createRow(record) {
    const fieldsEl = el('div', { class: 'row-fields' });
    const meta = el('div', { class: 'row-meta' });
    const pendingMark = el('span', { class: 'pending-mark', 'data-test': 'pending', hidden: true, text: 'pending' });
    const deletedMark = el('span', { class: 'deleted-mark', hidden: true, text: 'deleted' });
    const createdBy = el('span', { class: 'created-by' });
    meta.append(createdBy, pendingMark, deletedMark);
    const actions = el('div', { class: 'row-actions' });
    const row = el('li', { class: 'row', 'data-test': 'row', 'data-id': record.id, 'data-list': list }, fieldsEl, meta, actions);
    const editors = shownFields(listSchema, hooks)
      .map((field) => createEditor({
        list, item: record.id, field, label: fieldLabel(list, field.name), getSeq: ctx.getSeq, nowMs: ctx.nowMs,
        commit: (fields, base) => ctx.session.submit({ op: 'update', list, item: record.id, fields }, base),
      }));
    for (const editor of editors) fieldsEl.append(editor.root);
    const extra = hooks.rowExtra ? hooks.rowExtra(ctx) : null;
    if (extra) fieldsEl.append(extra.root);

    const move = hooks.movable ? createMoveButtons(record.id) : null;
    if (move) actions.append(move.up, move.down);
    const remove = el('button', { type: 'button', class: 'button button-quiet', 'data-test': 'delete', text: 'Delete' });
    const restore = el('button', { type: 'button', class: 'button', 'data-test': 'restore', text: 'Restore', hidden: true });
    remove.addEventListener('click', () => ctx.session.submit({ op: 'delete', list, item: record.id }));
    restore.addEventListener('click', () => ctx.session.submit({ op: 'restore', list, item: record.id }));
    actions.append(remove, restore);

    function update(current) {
      for (const editor of editors) {
        editor.update(current);
        editor.control.disabled = Boolean(current.deleted);
      }
      if (extra) extra.update(current);
      const summary = hooks.describe ? hooks.describe(current) : '';
      remove.hidden = Boolean(current.deleted);
      // A deleted row has no place in the ranking, so it cannot move.
      if (move) move.up.hidden = move.down.hidden = Boolean(current.deleted);
      restore.hidden = !current.deleted;
      remove.setAttribute('aria-label', `Delete ${itemName}${summary ? `: ${summary}` : ''}`);
      restore.setAttribute('aria-label', `Restore ${itemName}${summary ? `: ${summary}` : ''}`);
      if (move) {
        move.up.setAttribute('aria-label', `Move ${itemName} up${summary ? `: ${summary}` : ''}`);
        move.down.setAttribute('aria-label', `Move ${itemName} down${summary ? `: ${summary}` : ''}`);
      }
      pendingMark.hidden = !current.pending;
      setText(pendingMark, current.pendingAdd ? 'pending: adding' : 'pending');
      deletedMark.hidden = !current.deleted;
      setText(createdBy, current.createdBy ? `added by ${current.createdBy}` : '');
      row.toggleAttribute('data-pending', Boolean(current.pending));
      row.toggleAttribute('data-deleted', Boolean(current.deleted));
      row.classList.toggle('is-pending', Boolean(current.pending));
      row.classList.toggle('is-deleted', Boolean(current.deleted));
      if (hooks.rowState) hooks.rowState(row, current);
    }
    return { row, update, move };
  }

  // createMoveButtons builds the up and down buttons of a ranked row. They
  // send "move" with the id of the row to place this one before.
  function createMoveButtons(id) {
    const up = el('button', { type: 'button', class: 'button button-quiet', 'data-test': 'move-up', text: '↑ Up' });
    const down = el('button', { type: 'button', class: 'button button-quiet', 'data-test': 'move-down', text: '↓ Down' });
    const visible = () => lastRecords.filter((r) => !r.deleted).map((r) => r.id);
    up.addEventListener('click', () => {
      const order = visible();
      const at = order.indexOf(id);
      if (at > 0) ctx.session.submit({ op: 'move', list, item: id, before: order[at - 1] });
    });
    down.addEventListener('click', () => {
      const order = visible();
      const at = order.indexOf(id);
      if (at < 0 || at >= order.length - 1) return;
      ctx.session.submit({ op: 'move', list, item: id, before: at + 2 < order.length ? order[at + 2] : '' });
    });
    return { up, down };
  }

  // render shows the section's records, given in board order.
  function render(records) {
    lastRecords = records;
    for (const record of records) {
      const entry = rows.get(record.id) || offPage.get(record.id);
      if (entry) entry.update(record);
    }
    arrange((built) => built < firstRows);
  }

  // arrange builds the rows of records that have none, in board order, while
  // mayBuild(rows built so far) returns true, and puts every row of rows in
  // its place, in the order of lastRecords. Rows already built must be up
  // to date with lastRecords.
  function arrange(mayBuild) {
    const records = lastRecords;
    const active = [];
    const deleted = [];
    const seen = new Set();
    let built = 0;
    let unbuiltActive = 0;
    let unbuiltDeleted = 0;
    for (const record of records) {
      seen.add(record.id);
      let entry = rows.get(record.id);
      if (!entry && (offPage.has(record.id) || !mayBuild(built))) {
        if (record.deleted) unbuiltDeleted++;
        else unbuiltActive++;
        continue;
      }
      if (!entry) {
        entry = createRow(record);
        rows.set(record.id, entry);
        entry.update(record);
        built++;
      }
      // A row being edited stays where it is until the person leaves it.
      const inDeleted = entry.row.parentNode === deletedRows;
      const wantDeleted = Boolean(record.deleted);
      if (inDeleted !== wantDeleted && holdsFocus(entry.row)) {
        (inDeleted ? deleted : active).push(entry.row);
        deferUntilBlur(entry.row);
      } else {
        (wantDeleted ? deleted : active).push(entry.row);
      }
    }
    for (const [id, entry] of rows) {
      if (!seen.has(id) && !holdsFocus(entry.row)) {
        entry.row.remove();
        rows.delete(id);
      }
    }
    for (const id of offPage.keys()) {
      if (!seen.has(id)) offPage.delete(id);
    }
    placeRows(rowsEl, active);
    placeRows(deletedRows, deleted);
    active.forEach((row, index) => {
      const entry = rows.get(row.dataset.id);
      if (entry && entry.move) {
        entry.move.up.disabled = index === 0;
        entry.move.down.disabled = index === active.length - 1 && unbuiltActive === 0;
      }
    });
    const activeCount = records.filter((r) => !r.deleted).length;
    const deletedCount = deleted.length + unbuiltDeleted;
    setText(count, `(${activeCount})`);
    empty.hidden = activeCount > 0;
    unbuiltSpace.hidden = unbuiltActive === 0;
    unbuiltSpace.style.setProperty('--unbuilt-rows', String(unbuiltActive));
    deletedArea.hidden = deletedCount === 0;
    setText(toggleLabel, `Show deleted (${deletedCount})`);
    deletedRows.hidden = !toggle.checked;
    if (unbuiltActive + unbuiltDeleted > 0) scheduleGrowth();
  }

  // scheduleGrowth starts building the missing rows in the first idle
  // period after the next frame, so the first rows are on screen first.
  function scheduleGrowth() {
    if (growthScheduled) return;
    growthScheduled = true;
    afterPaint(() => whenIdle(grow));
  }

  // grow builds missing rows into offPage, in board order, for up to
  // SLICE_MS, and continues in the next idle period. Once every record has
  // a row it puts them all on the page.
  function grow() {
    const start = performance.now();
    for (const record of lastRecords) {
      if (rows.has(record.id) || offPage.has(record.id)) continue;
      if (performance.now() - start >= SLICE_MS) {
        whenIdle(grow);
        return;
      }
      const entry = createRow(record);
      entry.update(record);
      offPage.set(record.id, entry);
    }
    growthScheduled = false;
    placeOffPage();
  }

  // placeOffPage moves the rows built off the page into rows and places
  // them, building any row still missing.
  function placeOffPage() {
    for (const [id, entry] of offPage) rows.set(id, entry);
    offPage.clear();
    arrange(() => true);
  }

  // buildAll builds every missing row at once and places it.
  function buildAll() {
    placeOffPage();
  }

  function deferUntilBlur(row) {
    if (refocusPending) return;
    refocusPending = true;
    row.addEventListener('focusout', () => {
      refocusPending = false;
      setTimeout(() => render(lastRecords), 0);
    }, { once: true });
  }

  return { root, render, list };
}
