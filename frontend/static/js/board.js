// Board page (edit link): renders every section from the records, sends
// edits, and keeps them pending until the server confirms them.

import { setText } from './dom.js';
import { describeChange, describeRejected, describeReplaced } from './describe.js';
import { createHeaderSection } from './header.js';
import { pageIncident, rememberCurrentPage } from './links.js';
import { createNameDialog, storedName } from './name.js';
import { createNotices } from './notices.js';
import { loadSchema } from './schema.js';
import { createSection } from './section.js';
import { SECTION_HOOKS } from './sections.js';
import { openSession } from './session.js';
import { listRecords } from './state.js';
import { createPresence, createStatusIndicator } from './status.js';
import { serverNow } from './clock.js';
import { startTicker } from './ticker.js';
import { watchMoments } from './moments.js';
import { toRFC3339 } from './time.js';
import { createLinkPanel } from './linkpanel.js';
import { createTools } from './tools.js';
import { createNotify } from './notify.js';
import { addColumnHeads } from './columns.js';
import { createQuickEntry } from './quickentry.js';
import { createSectionNav } from './sectionnav.js';
import { createBoardButtons, installShortcuts } from './shortcuts.js';
import { coalesce, revokedText, showFatal } from './page.js';
import { afterPaint } from './idle.js';

async function main() {
  const { id, token } = pageIncident();
  const board = document.getElementById('main');
  if (!id || !token) {
    showFatal('This board link has no key. Open the full link the incident commander shared, including the part after #key=.');
    return;
  }
  rememberCurrentPage('editUrl');
  window.addEventListener('hashchange', () => window.location.reload());

  const indicator = createStatusIndicator();
  const presence = createPresence();
  document.getElementById('status-slot').append(indicator.root);
  document.getElementById('presence-slot').append(presence.root);
  const notices = createNotices(document.getElementById('notices'), document.getElementById('live'));
  const title = document.getElementById('title');
  setText(title, id);

  const schema = await loadSchema();
  const dialog = createNameDialog();
  // The board connects once the name is known, so until then the status
  // names what it waits for.
  if (!storedName()) indicator.update({ state: 'connecting', text: 'waiting for your name' });
  let name = storedName() || (await dialog.ask(true));
  const nameButton = document.getElementById('name-button');
  setText(nameButton, `You: ${name}`);

  let session = null;
  let ownConn = '';
  const ctx = {
    getSeq: () => (session ? session.store.seq : 0),
    nowMs: serverNow,
    get session() {
      return session;
    },
  };

  const sectionsEl = document.getElementById('sections');
  const headerSchema = schema.lists.find((l) => l.name === 'header');
  const header = createHeaderSection(headerSchema, ctx, schema.severities);
  sectionsEl.append(header.root);
  const tools = createTools({ id, getToken: () => session.token(), nowMs: serverNow });
  sectionsEl.append(tools.root);
  const notify = createNotify({ id, getToken: () => session.token() });
  document.getElementById('share').after(notify.root);
  // System lists, such as the webhook's state, have panels of their own.
  const sections = schema.lists.filter((l) => l.name !== 'header' && !l.system).map((l) => createSection(l, ctx, SECTION_HOOKS[l.name]));
  for (const section of sections) sectionsEl.append(section.root);
  addColumnHeads(sectionsEl, schema);
  notify.root.after(createSectionNav(sectionsEl));
  const quick = createQuickEntry(ctx);
  const { help } = installShortcuts({ quick, sections: sectionsEl });
  nameButton.before(...createBoardButtons({ quick, help }));

  let painted = false;
  function render() {
    const view = session.store.view(session.pending(), toRFC3339(serverNow()));
    const headerRecord = view.get('header/header');
    header.render(headerRecord);
    for (const section of sections) section.render(listRecords(view, section.list));
    tools.render(view);
    notify.render(view.get('webhook/webhook'));
    board.dataset.seq = String(session.store.seq);
    board.dataset.loaded = String(session.store.loaded);
    if (session.store.loaded && !painted) {
      // The board, with the rows of the first screen, shows in the frame
      // after the first full render, so the mark goes after that frame's
      // style, layout and paint. BenchmarkFirstPaint in e2e/ reads it.
      painted = true;
      afterPaint(() => performance.mark('sitrep-first-paint'));
    }
    if (headerRecord) {
      const f = headerRecord.fields;
      setText(title, `${id}: ${f.title || ''}`);
      document.title = `${id} ${f.severity} ${f.status}: ${f.title} (sitrep)`;
    }
  }
  const renderSoon = coalesce(render);

  // markRejectedField shows a rejection's reason under the field it names
  // too, because the notice sits at the top of the page, out of sight of a
  // responder scrolled down to the field. The editor clears it on the next
  // edit of the field.
  function markRejectedField(change, error) {
    const name = (error.field || '').startsWith('fields.') ? error.field.slice('fields.'.length) : '';
    if (!name || !change) return;
    const scope = change.list === 'header'
      ? sectionsEl.querySelector('.section-header')
      : sectionsEl.querySelector(`[data-test="row"][data-list="${CSS.escape(change.list)}"][data-id="${CSS.escape(change.item || '')}"]`);
    const field = scope && scope.querySelector(`.field[data-field="${CSS.escape(name)}"]`);
    if (!field) return;
    setText(field.querySelector('.field-error'), error.message || error.code || 'rejected');
    const control = field.querySelector('[data-test="field"]');
    if (control) control.setAttribute('aria-invalid', 'true');
  }

  session = openSession({
    incidentId: id,
    token,
    role: 'edit',
    getName: () => name,
    onRecords: renderSoon,
    onWelcome: (msg) => {
      if (msg.role && msg.role !== 'edit') {
        session.stop('view link');
        window.location.replace(`/incidents/${encodeURIComponent(id)}/view#key=${encodeURIComponent(session.token())}`);
        return;
      }
      ownConn = msg.conn;
    },
    onChange: (change, mine) => {
      if (!mine) notices.announce(describeChange(change));
    },
    onReplaced: (entry, change) => notices.show(describeReplaced(entry, change), 'info'),
    onReject: (change, error) => {
      notices.show(describeRejected(change, error), 'error');
      markRejectedField(change, error);
    },
    onError: (error) => notices.show(`The server reported an error: ${error.field ? `${error.field}: ` : ''}${error.message || error.code}`, 'error'),
    onPresence: (msg) => presence.update(msg, ownConn),
    onStatus: (status) => {
      indicator.update(status);
      if (status.revoked) showFatal(revokedText(status));
    },
  });

  nameButton.addEventListener('click', async () => {
    name = await dialog.ask(false);
    setText(nameButton, `You: ${name}`);
    session.rename(name);
  });
  createLinkPanel(document.getElementById('share'), {
    id,
    getToken: () => session.token(),
    onEditRotation: (promise) => session.rotateToken(promise),
    onEditLink: (url) => {
      // replaceState changes the address without a hashchange event, which
      // would reload the page, so the board stays as it is.
      const next = new URL(url, window.location.origin);
      window.history.replaceState(null, '', next.pathname + next.hash);
    },
  });
  startTicker(watchMoments());
  renderSoon();
}

main().catch((err) => {
  console.error(err);
  showFatal(`The board failed to start: ${err.message}. Reload the page to try again.`);
});
