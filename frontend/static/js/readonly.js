// Read-only renderings of the stakeholder lists: the header, next updates
// and the timeline. Text only, no controls.

import { append, el } from './dom.js';
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

// createUpdateRow builds a next update's row and returns {row,
// update(record)}. The row shows a live countdown and what the update's
// audience last received. The countdown
// element stays the same across updates, so the ticker and the moments of
// moments.js keep following it.
export function createUpdateRow(record) {
  const row = el('li', { class: 'ro-row', 'data-test': 'row', 'data-id': record.id });
  const countdown = el('span', { class: 'countdown', 'data-test': 'countdown', role: 'timer' });
  return {
    row,
    update: (current) => {
      const f = current.fields;
      showDeadline(countdown, current, Number(f.cadence) > 0 ? 'no due time' : 'no reminders');
      let due = 'no due time';
      if (f.stopped) due = 'stopped: the incident is resolved';
      else if (f.due) due = `due ${formatTime(f.due)}`;
      row.replaceChildren();
      append(row, [
        el('span', { class: 'ro-name', text: f.name }),
        el('span', { class: 'ro-time', text: due }),
        // A stopped update's time already reads "stopped", so its
        // countdown would only repeat it.
        f.stopped ? null : countdown,
        f.lastPostedAt ? el('span', { class: 'ro-text prewrap', 'data-test': 'last-posted',
          text: `Last posted ${formatTime(f.lastPostedAt)}: ${f.lastText || ''}` }) : null,
      ]);
    },
  };
}

// latestPosted returns the next update of any audience that was posted
// most recently, or null when nothing was posted yet.
export function latestPosted(records) {
  let latest = null;
  for (const record of records) {
    const at = record.fields.lastPostedAt || '';
    if (at && (!latest || at > latest.fields.lastPostedAt)) latest = record;
  }
  return latest;
}

// renderLatestUpdate returns what the next update record last posted.
export function renderLatestUpdate(record) {
  const f = record.fields;
  return el('div', { class: 'latest-update', 'data-test': 'latest-update' },
    el('p', { class: 'ro-time', text: `${f.name}, posted ${formatTime(f.lastPostedAt)}` }),
    el('p', { class: 'prewrap', 'data-test': 'latest-update-text', text: f.lastText || '' }));
}

function entryLabel(record) {
  const kind = record.fields.kind;
  if (kind === 'update') return `update${record.fields.audience ? ` to ${record.fields.audience}` : ''}`;
  return { auto: 'automatic', 'all-clear': 'all clear' }[kind] || kind;
}

// createTimelineRow builds a timeline entry's row and returns {row,
// update(record)}.
export function createTimelineRow(record) {
  const row = el('li', { class: 'ro-row', 'data-test': 'row', 'data-id': record.id });
  return {
    row,
    update: (current) => {
      const f = current.fields;
      row.replaceChildren();
      append(row, [
        el('time', { class: 'ro-time', datetime: f.at, text: formatTime(f.at) }),
        el('span', { class: 'ro-text prewrap', text: f.text }),
        f.kind && f.kind !== 'note' ? el('span', { class: `badge badge-entry-${f.kind}`, 'data-test': 'entry-kind', text: entryLabel(current) }) : null,
        current.createdBy ? el('span', { class: 'ro-by', text: `added by ${current.createdBy}` }) : null,
      ]);
    },
  };
}
