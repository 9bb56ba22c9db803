// Stakeholder view (view link): the incident's header, next updates and
// timeline, read-only and live. It has no controls that edit.

import { el, setText } from './dom.js';
import { describeChange } from './describe.js';
import { pageIncident, rememberCurrentPage } from './links.js';
import { createNotices } from './notices.js';
import { coalesce, revokedText, showFatal } from './page.js';
import { createTimelineRow, createUpdateRow, latestPosted, renderHeader, renderLatestUpdate } from './readonly.js';
import { createKeyedRows } from './keyedrows.js';
import { placeRows } from './rows.js';
import { loadSchema } from './schema.js';
import { openSession } from './session.js';
import { listRecords } from './state.js';
import { createStatusIndicator } from './status.js';
import { startTicker } from './ticker.js';
import { watchMoments } from './moments.js';
import { afterPaint } from './idle.js';

function section(list, title) {
  return el('section', { class: 'section', 'data-test': 'section', 'data-list': list, 'aria-labelledby': `h-${list}` },
    el('h2', { id: `h-${list}`, text: title }));
}

// showBody makes nodes the contents of a section after its heading, moving
// them only when they are not there yet.
function showBody(sectionEl, nodes) {
  const current = [...sectionEl.children].slice(1);
  if (current.length === nodes.length && current.every((node, i) => node === nodes[i])) return;
  sectionEl.replaceChildren(sectionEl.firstElementChild, ...nodes);
}

// isNewer reports whether next is another record than previous, or a
// later version of it.
function isNewer(previous, next) {
  if (!previous || !next) return previous !== next;
  return previous.id !== next.id || previous.seq !== next.seq || !(next.seq > 0);
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

  let painted = false;
  // The sections are built once, and each render changes only what its
  // records changed.
  const headerSection = section('header', 'Current status');
  const latestSection = section('latest', 'Latest update');
  const updatesSection = section('updates', 'Next updates');
  const timelineSection = section('timeline', 'Timeline');
  const updates = createKeyedRows(createUpdateRow);
  const timeline = createKeyedRows(createTimelineRow);
  const noUpdates = el('p', { class: 'empty', text: 'No next updates scheduled.' });
  const noEntries = el('p', { class: 'empty', text: 'No timeline entries yet.' });
  let renderedHeader = null;
  let renderedLatest = null;

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
    const start = performance.now();
    const view = session.store.view([], '');
    const visible = (list) => listRecords(view, list).filter((r) => !r.deleted);
    const header = view.get('header/header');
    const parts = [];
    if (header) {
      if (isNewer(renderedHeader, header)) {
        const f = header.fields;
        setText(title, `${id}: ${f.title}`);
        document.title = `${id} ${f.severity} ${f.status}: ${f.title} (sitrep)`;
        showBody(headerSection, [renderHeader(header, schema.severities)]);
      }
      parts.push(headerSection);
    }
    renderedHeader = header || null;

    const updateRecords = visible('updates');
    const latest = latestPosted(updateRecords);
    if (isNewer(renderedLatest, latest) && latest) showBody(latestSection, [renderLatestUpdate(latest)]);
    renderedLatest = latest;
    if (latest) parts.push(latestSection);
    updates.render(updateRecords);
    showBody(updatesSection, updateRecords.length ? [updates.list, updates.unbuiltSpace] : [noUpdates]);
    parts.push(updatesSection);

    const entries = visible('timeline');
    timeline.render(entries);
    showBody(timelineSection, entries.length ? [timeline.list, timeline.unbuiltSpace] : [noEntries]);
    parts.push(timelineSection);

    placeRows(content, parts);
    root.dataset.seq = String(session.store.seq);
    root.dataset.loaded = String(session.store.loaded);
    measureRender(start, session.store.seq);
    if (session.store.loaded && !painted) {
      painted = true;
      afterPaint(() => performance.mark('sitrep-first-paint'));
    }
  }
  startTicker(watchMoments());
}

// measureRender records how long the render that started at start took,
// as "sitrep-view-render" (the script) and "sitrep-view-update" (up to the
// frame that shows it), keeping only the latest of each. seq is the change
// it showed, and only the first render of each seq is measured.
// BenchmarkViewRemoteChange in e2e/ reads them.
let measuredSeq = -1;
function measureRender(start, seq) {
  if (seq === measuredSeq) return;
  measuredSeq = seq;
  performance.clearMeasures('sitrep-view-render');
  performance.measure('sitrep-view-render', { start, detail: { seq } });
  afterPaint(() => {
    performance.clearMeasures('sitrep-view-update');
    performance.measure('sitrep-view-update', { start, detail: { seq } });
  });
}

main().catch((err) => {
  console.error(err);
  showFatal(`The page failed to start: ${err.message}. Reload the page to try again.`);
});
