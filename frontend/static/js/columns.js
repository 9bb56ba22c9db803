// Column heads of the compact board. On a wide enough section each row is
// one line of cells (see dense.css), so the field labels move out of the
// rows into one head above them. The head is hidden from screen readers,
// because every control keeps its own label.

import { el } from './dom.js';
import { fieldLabel } from './labels.js';
import { shownFields } from './section.js';
import { SECTION_HOOKS } from './sections.js';

// Heads of the extra cell that a list's rowExtra hook appends after its
// fields: a badge without a head, or a countdown.
const EXTRA_HEADS = { timeline: '', hypotheses: '', updates: 'Countdown', followUp: 'Countdown' };

// Shorter heads where a field's label is too long for its column; the
// control keeps the full label.
const HEAD_LABELS = { updates: { cadence: 'Every (min)' } };

// addColumnHeads puts a head before the rows of every list section in
// container, one per cell of a row.
export function addColumnHeads(container, schema) {
  for (const list of schema.lists) {
    if (list.name === 'header') continue;
    const section = container.querySelector(`[data-test="section"][data-list="${list.name}"]`);
    const rows = section && section.querySelector('[data-test="rows"]');
    if (!rows) continue;
    const cells = shownFields(list, SECTION_HOOKS[list.name]).map((field) => el('span', {
      text: (HEAD_LABELS[list.name] || {})[field.name] || fieldLabel(list.name, field.name),
    }));
    if (list.name in EXTRA_HEADS) cells.push(el('span', { class: 'row-head-extra', text: EXTRA_HEADS[list.name] }));
    const head = el('div', { class: 'row-head', 'aria-hidden': 'true' },
      el('div', { class: 'row-head-fields' }, cells), el('span', { class: 'row-head-meta', text: 'Added by' }));
    rows.before(head);
  }
}
