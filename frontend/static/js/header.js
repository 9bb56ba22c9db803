// Header section of the board page: the incident's title, severity and its
// meaning, status, declared time, customer impact, affected services and
// the status page text with when it was last posted. Every field is editable.

import { el, setText } from './dom.js';
import { renderChips } from './chips.js';
import { createEditor } from './editor.js';
import { fieldLabel } from './labels.js';

// createHeaderSection builds the section for the header list's schema.
export function createHeaderSection(listSchema, ctx, severities) {
  const editors = new Map();
  for (const field of listSchema.fields) {
    editors.set(field.name, createEditor({
      list: 'header', item: 'header', field, label: fieldLabel('header', field.name),
      getSeq: ctx.getSeq, nowMs: ctx.nowMs,
      commit: (fields, base) => ctx.session.submit({ op: 'update', list: 'header', item: 'header', fields }, base),
    }));
  }
  const part = (name) => (editors.get(name) ? editors.get(name).root : null);
  const meaning = el('p', { class: 'severity-meaning', 'data-test': 'severity-meaning' });
  const chips = el('ul', { class: 'chips', 'data-test': 'service-chips', 'aria-label': 'Affected services' });
  const posted = el('p', { class: 'posted', 'data-test': 'status-page-posted' });

  const root = el('section', { class: 'section section-header', 'data-test': 'section', 'data-list': 'header',
    'aria-labelledby': 'h-header' },
  el('h2', { id: 'h-header', text: 'Incident' }),
  el('div', { class: 'header-grid' },
    el('div', { class: 'header-cell header-title' }, part('title')),
    el('div', { class: 'header-cell' }, part('severity'), meaning),
    el('div', { class: 'header-cell' }, part('status')),
    el('div', { class: 'header-cell' }, part('declaredAt')),
    el('div', { class: 'header-cell header-wide' }, part('customerImpact')),
    el('div', { class: 'header-cell header-wide' }, part('affectedServices'), chips),
    el('div', { class: 'header-cell header-wide' }, part('statusPageText'), posted),
    el('div', { class: 'header-cell' }, part('statusPagePostedAt')),
    el('div', { class: 'header-cell' }, part('identifiedAt')),
    el('div', { class: 'header-cell' }, part('mitigatedAt')),
    el('div', { class: 'header-cell' }, part('resolvedAt')),
    el('div', { class: 'header-cell' }, part('closedAt')),
    el('div', { class: 'header-cell' }, part('postmortemAt'))));

  // render shows the header record; a missing record leaves the section empty.
  function render(record) {
    if (!record) return;
    for (const editor of editors.values()) editor.update(record);
    const severity = record.fields.severity;
    setText(meaning, severities[severity] || '');
    renderChips(chips, record.fields.affectedServices);
    setText(posted, record.fields.statusPagePostedAt ? '' : 'The status page text has not been posted yet.');
    root.classList.toggle('is-resolved', record.fields.status === 'resolved' || record.fields.status === 'closed');
  }

  return { root, render };
}
