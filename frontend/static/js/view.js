// Stakeholder view (view link): the incident's header, next updates and
// timeline, read-only and live. It has no controls that edit.

import { el, setText } from './dom.js';
import { describeChange } from './describe.js';
import { pageIncident, rememberCurrentPage } from './links.js';
import { createNotices } from './notices.js';
import { coalesce, revokedText, showFatal } from './page.js';
import { renderHeader, renderLatestUpdate, renderTimeline, renderUpdates } from './readonly.js';
import { loadSchema } from './schema.js';
import { openSession } from './session.js';
import { listRecords } from './state.js';
import { createStatusIndicator } from './status.js';
import { startTicker } from './ticker.js';
import { watchMoments } from './moments.js';

function section(list, title, body) {
  return el('section', { class: 'section', 'data-test': 'section', 'data-list': list, 'aria-labelledby': `h-${list}` },
    el('h2', { id: `h-${list}`, text: title }), body);
}

async function main() {
  const { id, token } = pageIncident();
  if (!id || !token) {
    showFatal('This link has no key. Open the full link you were sent, including the part after #key=.');
    return;
  }
  rememberCurrentPage('viewUrl');
  window.addEventListener('hashchange', () => window.location.reload());
  const root = document.getElementById('main');
  const content = document.getElementById('content');
  const title = document.getElementById('title');
  const indicator = createStatusIndicator();
  document.getElementById('status-slot').append(indicator.root);
  const notices = createNotices(el('ul'), document.getElementById('live'));
  setText(title, id);
  const schema = await loadSchema();

  const renderSoon = coalesce(render);
  const session = openSession({
    incidentId: id,
    token,
    role: 'view',
    getName: () => '',
    onRecords: renderSoon,
    onChange: (change) => {
      if ((change.records || []).length > 0) notices.announce(describeChange(change));
    },
    onStatus: (status) => {
      indicator.update(status);
      if (status.revoked) showFatal(revokedText(status));
    },
  });

  function render() {
    const view = session.store.view([], '');
    const visible = (list) => listRecords(view, list).filter((r) => !r.deleted);
    const header = view.get('header/header');
    const parts = [];
    if (header) {
      const f = header.fields;
      setText(title, `${id}: ${f.title}`);
      document.title = `${id} ${f.severity} ${f.status}: ${f.title} (sitrep)`;
      parts.push(section('header', 'Current status', renderHeader(header, schema.severities)));
    }
    const updates = visible('updates');
    const latest = renderLatestUpdate(updates);
    if (latest) parts.push(section('latest', 'Latest update', latest));
    parts.push(section('updates', 'Next updates', updates.length ? renderUpdates(updates) : el('p', { class: 'empty', text: 'No next updates scheduled.' })));
    const timeline = visible('timeline');
    parts.push(section('timeline', 'Timeline', timeline.length ? renderTimeline(timeline) : el('p', { class: 'empty', text: 'No timeline entries yet.' })));
    content.replaceChildren(...parts);
    root.dataset.seq = String(session.store.seq);
    root.dataset.loaded = String(session.store.loaded);
  }
  startTicker(watchMoments());
}

main().catch((err) => {
  console.error(err);
  showFatal(`The page failed to start: ${err.message}. Reload the page to try again.`);
});
