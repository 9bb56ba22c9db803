// Per-list behaviour on top of the generic section: which fields the add
// form contains, extra parts of a row, and how a row reads in labels.

import { el, setText } from './dom.js';
import { inputValue } from './time.js';
import { entryExtra, followUpExtra, updateExtra } from './rhythm.js';

const cut = (s, n = 60) => {
  const text = String(s || '');
  return text.length > n ? `${text.slice(0, n - 1)}…` : text;
};

// hypothesisExtra states a hypothesis's state in words, so "ruled out" does
// not rely on colour or strike-through alone.
function hypothesisExtra() {
  const badge = el('span', { class: 'badge', 'data-test': 'hypothesis-state' });
  const root = el('div', { class: 'field field-badge' }, badge);
  return {
    root,
    update: (record) => {
      const state = record.fields.state || 'open';
      setText(badge, state === 'ruled-out' ? 'ruled out' : state);
      badge.className = `badge badge-${state}`;
    },
  };
}

export const SECTION_HOOKS = {
  timeline: {
    addFields: ['text', 'at', 'kind'],
    values: { kind: ['note', 'alert'] },
    hiddenFields: ['kind'],
    rowExtra: entryExtra,
    emptyText: 'No timeline entries yet.',
    describe: (r) => `${inputValue(r.fields.at)} ${cut(r.fields.text)}`,
  },
  services: {
    emptyText: 'No services listed yet.',
    describe: (r) => cut(r.fields.name),
  },
  hypotheses: {
    movable: true,
    addFields: ['text', 'owner', 'state'],
    emptyText: 'No hypotheses yet.',
    rowExtra: hypothesisExtra,
    describe: (r) => cut(r.fields.text),
    rowState: (row, r) => row.classList.toggle('is-ruled-out', r.fields.state === 'ruled-out'),
  },
  actions: {
    addFields: ['action', 'owner', 'result', 'at'],
    emptyText: 'No actions taken yet.',
    describe: (r) => cut(r.fields.action),
  },
  roles: {
    emptyText: 'No roles yet.',
    describe: (r) => `${cut(r.fields.role)}${r.fields.person ? ` (${cut(r.fields.person)})` : ''}`,
  },
  updates: {
    emptyText: 'No next updates scheduled.',
    placeholders: { due: 'HH:MM, YYYY-MM-DD HH:MM or +30m' },
    addFields: ['name', 'audience', 'cadence', 'due'],
    rowExtra: updateExtra,
    describe: (r) => cut(r.fields.name),
  },
  actionItems: {
    emptyText: 'No action items yet.',
    describe: (r) => cut(r.fields.action),
  },
  checklist: {
    emptyText: 'The checklist is empty.',
    describe: (r) => cut(r.fields.label),
    rowState: (row, r) => row.classList.toggle('is-done', Boolean(r.fields.done)),
  },
  followUp: {
    emptyText: 'No follow-up items yet.',
    rowExtra: followUpExtra,
    describe: (r) => cut(r.fields.label),
    rowState: (row, r) => row.classList.toggle('is-done', Boolean(r.fields.done)),
  },
};
