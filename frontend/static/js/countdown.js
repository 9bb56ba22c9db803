// Full-screen countdown (view or edit link): the incident's id, severity and
// status, and each next update's countdown in digits large enough to read
// across a room. An overdue update turns another colour and shows the word OVERDUE.

import { el, setText } from './dom.js';
import { pageIncident, rememberCurrentPage } from './links.js';
import { coalesce, revokedText, showFatal } from './page.js';
import { openSession } from './session.js';
import { listRecords } from './state.js';
import { createStatusIndicator } from './status.js';
import { setDue, startTicker } from './ticker.js';
import { formatTime } from './time.js';
import { valueLabel } from './labels.js';
import { watchMoments } from './moments.js';

// byDue orders updates soonest first, those without a due time last.
function byDue(a, b) {
  const da = a.fields.due || '9999';
  const db = b.fields.due || '9999';
  if (da === db) return 0;
  return da < db ? -1 : 1;
}

function main() {
  const { id, token } = pageIncident();
  if (!id || !token) {
    showFatal('This link has no key. Open the full link you were sent, including the part after #key=.');
    return;
  }
  rememberCurrentPage('countdownUrl');
  window.addEventListener('hashchange', () => window.location.reload());
  const root = document.getElementById('main');
  const list = document.getElementById('updates');
  const empty = document.getElementById('cd-empty');
  const indicator = createStatusIndicator();
  document.getElementById('status-slot').append(indicator.root);
  setText(document.getElementById('cd-id'), id);

  const fullscreen = document.getElementById('fullscreen');
  fullscreen.hidden = !document.fullscreenEnabled;
  fullscreen.addEventListener('click', () => {
    if (document.fullscreenElement) document.exitFullscreen();
    else root.requestFullscreen().catch((err) => console.warn(`sitrep: full screen request rejected: ${err.message}`));
  });

  const rows = new Map();
  const renderSoon = coalesce(render);
  const session = openSession({
    incidentId: id,
    token,
    role: 'view',
    getName: () => '',
    onRecords: renderSoon,
    onStatus: (status) => {
      indicator.update(status);
      if (status.revoked) showFatal(revokedText(status));
    },
  });

  function row(record) {
    let entry = rows.get(record.id);
    if (entry) return entry;
    const name = el('h3', { class: 'cd-name' });
    const due = el('p', { class: 'cd-due' });
    const flag = el('p', { class: 'cd-flag', 'data-test': 'countdown-overdue' });
    const digits = el('p', { class: 'cd-digits', 'data-test': 'countdown', 'data-format': 'digits' });
    const item = el('li', { class: 'cd-row', 'data-test': 'row', 'data-id': record.id }, name, due, flag, digits);
    entry = { item, name, due, flag, digits };
    rows.set(record.id, entry);
    return entry;
  }

  function render() {
    const view = session.store.view([], '');
    const header = view.get('header/header');
    if (header) {
      const f = header.fields;
      const severity = document.getElementById('cd-severity');
      setText(severity, f.severity);
      severity.className = `cd-severity sev-${f.severity}`;
      setText(document.getElementById('cd-status'), valueLabel(f.status || ''));
      // The title shows a room which incident the clocks belong to.
      setText(document.getElementById('cd-id'), f.title ? `${id}: ${f.title}` : id);
      document.title = `${id} countdown (sitrep)`;
    }
    const updates = listRecords(view, 'updates').filter((r) => !r.deleted).sort(byDue);
    const items = updates.map((record) => {
      const entry = row(record);
      setText(entry.name, record.fields.name);
      const stopped = Boolean(record.fields.stopped);
      entry.item.toggleAttribute('data-stopped', stopped);
      if (stopped) setText(entry.due, 'stopped: the incident is resolved');
      else setText(entry.due, record.fields.due ? `due ${formatTime(record.fields.due)}` : 'no due time');
      setDue(entry.digits, stopped ? '' : record.fields.due || '');
      return entry.item;
    });
    list.replaceChildren(...items);
    empty.hidden = items.length > 0;
    root.dataset.seq = String(session.store.seq);
    root.dataset.loaded = String(session.store.loaded);
    markOverdue();
  }

  // markOverdue writes the word OVERDUE beside every overdue countdown, so
  // it does not rely on colour alone.
  function markOverdue() {
    for (const entry of rows.values()) {
      const overdue = entry.digits.dataset.overdue === 'true';
      const stopped = entry.item.hasAttribute('data-stopped');
      // The digits read as a clock time beside the due time, so the flag
      // names their units.
      const units = entry.digits.textContent.split(':').length === 3 ? '(h:min:s)' : '(min:s)';
      let flag = `due in ${units}`;
      if (stopped) flag = 'stopped';
      else if (overdue) flag = `OVERDUE by ${units}`;
      setText(entry.flag, flag);
      entry.item.classList.toggle('is-overdue', overdue);
      // Hours make the digits wider ("1:02:03"), so they get a smaller size.
      entry.digits.classList.toggle('is-long', entry.digits.textContent.length > 5);
    }
  }
  const announce = watchMoments();
  startTicker((now, countdowns) => {
    markOverdue();
    announce(now, countdowns);
  });
}

main();
