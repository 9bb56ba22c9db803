// Read-only renderings of the stakeholder lists: the header, next updates
// and the timeline. Text only, no controls.

import { el } from './dom.js';
import { renderChips } from './chips.js';
import { valueLabel } from './labels.js';
import { showDeadline } from './rhythm.js';
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

// renderUpdates returns the next updates with live countdowns and what
// each audience last received.
export function renderUpdates(records) {
  const list = el('ol', { class: 'ro-list', 'data-test': 'rows' });
  for (const record of records) {
    const countdown = el('span', { class: 'countdown', 'data-test': 'countdown', role: 'timer' });
    showDeadline(countdown, record, Number(record.fields.cadence) > 0 ? 'no due time' : 'no reminders');
    const f = record.fields;
    const due = f.stopped ? 'stopped: the incident is resolved' : f.due ? `due ${formatTime(f.due)}` : 'no due time';
    list.append(el('li', { class: 'ro-row', 'data-test': 'row', 'data-id': record.id },
      el('span', { class: 'ro-name', text: f.name }),
      el('span', { class: 'ro-time', text: due }),
      countdown,
      f.lastPostedAt ? el('span', { class: 'ro-text prewrap', 'data-test': 'last-posted',
        text: `Last posted ${formatTime(f.lastPostedAt)}: ${f.lastText || ''}` }) : null));
  }
  return list;
}

// renderLatestUpdate returns the most recently posted update of any
// audience, or null when nothing was posted yet.
export function renderLatestUpdate(records) {
  let latest = null;
  for (const record of records) {
    const at = record.fields.lastPostedAt || '';
    if (at && (!latest || at > latest.fields.lastPostedAt)) latest = record;
  }
  if (!latest) return null;
  const f = latest.fields;
  return el('div', { class: 'latest-update', 'data-test': 'latest-update' },
    el('p', { class: 'ro-time', text: `${f.name}, posted ${formatTime(f.lastPostedAt)}` }),
    el('p', { class: 'prewrap', 'data-test': 'latest-update-text', text: f.lastText || '' }));
}

function entryLabel(record) {
  const kind = record.fields.kind;
  if (kind === 'update') return `update${record.fields.audience ? ` to ${record.fields.audience}` : ''}`;
  return { auto: 'automatic', 'all-clear': 'all clear' }[kind] || kind;
}

// renderTimeline returns the timeline entries, oldest first.
export function renderTimeline(records) {
  const list = el('ol', { class: 'ro-list', 'data-test': 'rows' });
  for (const record of records) {
    list.append(el('li', { class: 'ro-row', 'data-test': 'row', 'data-id': record.id },
      el('time', { class: 'ro-time', datetime: record.fields.at, text: formatTime(record.fields.at) }),
      el('span', { class: 'ro-text prewrap', text: record.fields.text }),
      record.fields.kind && record.fields.kind !== 'note'
        ? el('span', { class: `badge badge-entry-${record.fields.kind}`, 'data-test': 'entry-kind', text: entryLabel(record) }) : null,
      record.createdBy ? el('span', { class: 'ro-by', text: `added by ${record.createdBy}` }) : null));
  }
  return list;
}
