// The board's incident tools: key times, the picture of the incident, the
// handoff brief dialog and the downloads (Markdown, JSON, calendar file).

import { el, setText } from './dom.js';
import { downloadFile, fetchAuthorized } from './download.js';
import { keyTimes } from './keytimes.js';
import { drawPicture } from './picture.js';
import { listRecords } from './state.js';

// createTools builds the tools area. id is the incident id; getToken
// returns the current edit token.
export function createTools({ id, getToken, nowMs }) {
  const status = el('p', { class: 'tools-status', role: 'status', 'data-test': 'tools-status' });
  const times = el('dl', { class: 'key-times', 'data-test': 'key-times' });
  // The picture scrolls sideways on narrow screens, so keyboard users must
  // be able to focus it to scroll it.
  const picture = el('div', { class: 'picture-frame', 'data-test': 'picture-frame', tabindex: '0',
    role: 'region', 'aria-label': 'Incident picture, scrollable' });

  const button = (text, test) => el('button', { type: 'button', class: 'button', 'data-test': test, text });
  const handoff = button('Handoff brief', 'handoff-open');
  const downloads = [
    [button('Export Markdown', 'export-md'), 'export.md', `${id}-postmortem.md`],
    [button('Export JSON', 'export-json'), 'export.json', `${id}.json`],
    [button('Postmortem calendar (.ics)', 'export-ics'), 'postmortem.ics', `${id}-postmortem.ics`],
  ];
  for (const [node, name, filename] of downloads) {
    node.addEventListener('click', async () => {
      setText(status, `Preparing ${filename}…`);
      try {
        await downloadFile(id, name, getToken(), filename);
        setText(status, `${filename} downloaded.`);
      } catch (err) {
        setText(status, `Downloading ${filename} failed: ${err.message}`);
      }
    });
  }

  const text = el('textarea', { class: 'control handoff-text', readonly: true, rows: '18', 'data-test': 'handoff-text',
    'aria-label': 'Handoff brief' });
  const copy = el('button', { type: 'button', class: 'button button-primary', 'data-test': 'handoff-copy', text: 'Copy' });
  const close = el('button', { type: 'button', class: 'button button-quiet', 'data-test': 'handoff-close', text: 'Close' });
  const dialogStatus = el('p', { class: 'tools-status', role: 'status', 'data-test': 'handoff-status' });
  const dialog = el('dialog', { class: 'dialog handoff-dialog', 'data-test': 'handoff-dialog', 'aria-labelledby': 'handoff-title' },
    el('h2', { id: 'handoff-title', text: 'Handoff brief' }), text, dialogStatus, el('div', { class: 'form-actions' }, copy, ' ', close));

  handoff.addEventListener('click', async () => {
    text.value = 'Loading…';
    setText(dialogStatus, '');
    dialog.showModal();
    try {
      const response = await fetchAuthorized(id, 'handoff.txt', getToken());
      text.value = await response.text();
      dialog.dataset.loaded = 'true';
    } catch (err) {
      text.value = '';
      setText(dialogStatus, `Loading the brief failed: ${err.message}`);
    }
  });
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(text.value);
      setText(dialogStatus, 'Copied. Paste it into the chat.');
    } catch {
      text.focus();
      text.select();
      setText(dialogStatus, 'Copying failed: the brief is selected, press Ctrl+C or ⌘C to copy it.');
    }
  });
  close.addEventListener('click', () => {
    dialog.close();
    delete dialog.dataset.loaded;
    handoff.focus();
  });

  const root = el('section', { class: 'section section-tools', 'data-test': 'tools', 'aria-labelledby': 'h-tools' },
    el('h2', { id: 'h-tools', text: 'Key times and picture' }), times, picture,
    el('p', { class: 'tools-actions' }, handoff, ...downloads.flatMap(([node]) => [' ', node])), status, dialog);

  let lastSignature = '';
  // render shows key times and redraws the picture when its records changed.
  function render(view) {
    const header = view.get('header/header');
    if (!header) return;
    const entries = listRecords(view, 'timeline').filter((r) => !r.deleted);
    const actions = listRecords(view, 'actions').filter((r) => !r.deleted);
    times.replaceChildren(...keyTimes(header, entries).flatMap(({ name, text: value }) => [
      el('dt', { text: name }), el('dd', { 'data-test': 'key-time', 'data-name': name, text: value })]));
    // The picture's right edge follows the clock. A render in the same
    // minute with the same records skips the redraw.
    const minute = Math.floor(nowMs() / 60000);
    const width = picture.clientWidth;
    const signature = JSON.stringify([header.seq, header.fields, entries.map((r) => [r.id, r.seq, r.fields.at]),
      actions.map((r) => [r.id, r.seq, r.fields.at]), header.fields.resolvedAt ? 0 : minute, width]);
    if (signature === lastSignature) return;
    lastSignature = signature;
    picture.replaceChildren(drawPicture(header, entries, actions, nowMs(), width));
  }

  return { root, render };
}
