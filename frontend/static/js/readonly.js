// Read-only renderings of the stakeholder lists: the header, next updates
// and the timeline. Text only, no controls.

import { el } from './dom.js';
import { renderChips } from './chips.js';
import { valueLabel } from './labels.js';
import { setDue } from './ticker.js';
import { formatTime } from './time.js';

function fact(label, value, test) {
  return el('div', { class: 'fact' }, el('dt', { text: label }), el('dd', { 'data-test': test }, value));
}

// renderHeader returns the header's facts as a description list.
export function renderHeader(record, severities) {
  const f = record.fields;
  const chips = el('ul', { class: 'chips', 'data-test': 'service-chips', 'aria-label': 'Affected services' });
  renderChips(chips, f.affectedServices);
  const severity = el('span', {}, el('strong', { class: `sev sev-${f.severity}`, text: f.severity }),
    severities[f.severity] ? ` ${severities[f.severity]}` : '');
  const posted = f.statusPagePostedAt ? `last posted ${formatTime(f.statusPagePostedAt)}` : 'not posted yet';
  return el('dl', { class: 'facts', 'data-test': 'header-facts' },
    fact('Severity', severity, 'severity'),
    fact('Status', el('strong', { class: `status-value status-${f.status}`, text: valueLabel(f.status || '') }), 'status'),
    fact('Declared', formatTime(f.declaredAt), 'declared-at'),
    fact('Customer impact', f.customerImpact || 'Not described yet.', 'customer-impact'),
    fact('Affected services', chips.hidden ? 'None listed yet.' : chips, 'affected-services'),
    fact('Status page', el('span', {}, el('span', { class: 'prewrap', text: f.statusPageText || 'No status page text yet.' }),
      el('span', { class: 'posted', 'data-test': 'status-page-posted', text: ` (${posted})` })), 'status-page'));
}

// renderUpdates returns the next updates with live countdowns.
export function renderUpdates(records) {
  const list = el('ol', { class: 'ro-list', 'data-test': 'rows' });
  for (const record of records) {
    const countdown = el('span', { class: 'countdown', 'data-test': 'countdown', role: 'timer' });
    setDue(countdown, record.fields.due || '');
    list.append(el('li', { class: 'ro-row', 'data-test': 'row', 'data-id': record.id },
      el('span', { class: 'ro-name', text: record.fields.name }),
      el('span', { class: 'ro-time', text: record.fields.due ? `due ${formatTime(record.fields.due)}` : 'no due time' }),
      countdown));
  }
  return list;
}

// renderTimeline returns the timeline entries, oldest first.
export function renderTimeline(records) {
  const list = el('ol', { class: 'ro-list', 'data-test': 'rows' });
  for (const record of records) {
    list.append(el('li', { class: 'ro-row', 'data-test': 'row', 'data-id': record.id },
      el('time', { class: 'ro-time', datetime: record.fields.at, text: formatTime(record.fields.at) }),
      el('span', { class: 'ro-text prewrap', text: record.fields.text }),
      record.createdBy ? el('span', { class: 'ro-by', text: `added by ${record.createdBy}` }) : null));
  }
  return list;
}
