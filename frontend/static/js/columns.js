// Column heads of the compact board. On a wide enough section each row is
// one line of cells (see dense.css), so the field labels move out of the
// rows into one head above them. The head is hidden from screen readers,
// because every control keeps its own label.

import { el } from './dom.js';
import { fieldLabel } from './labels.js';

// Extra cells that sections.js appends after a list's fields.
const EXTRA_HEADS = { hypotheses: [''], updates: ['Countdown'] };

// addColumnHeads puts a head before the rows of every list section in
// container, in the order of the list's fields.
export function addColumnHeads(container, schema) {
  for (const list of schema.lists) {
    if (list.name === 'header') continue;
    const section = container.querySelector(`[data-test="section"][data-list="${list.name}"]`);
    const rows = section && section.querySelector('[data-test="rows"]');
    if (!rows) continue;
    const cells = list.fields.map((field) => el('span', { text: fieldLabel(list.name, field.name) }));
    for (const text of EXTRA_HEADS[list.name] || []) cells.push(el('span', { text }));
    const head = el('div', { class: 'row-head', 'aria-hidden': 'true' },
      el('div', { class: 'row-head-fields' }, cells), el('span', { class: 'row-head-meta', text: 'Added by' }));
    rows.before(head);
  }
}
