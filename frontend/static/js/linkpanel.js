// The board's "Links" area: copy the stakeholder and countdown links, and
// issue new stakeholder or edit links, which stop the old ones at once.
// Tokens never leave the URL fragment, localStorage or the Authorization
// header of the request that issues new links.

import { el, setText } from './dom.js';
import { knownLinks, rememberLinks } from './links.js';

// createLinkPanel fills container for incident id. getToken() returns the
// edit token the page uses now. onEditRotation(promise) is called when a new
// edit link is requested, with a promise of its token, so the connection can
// wait for it. onEditLink(url, token) is called once the new link exists.
export function createLinkPanel(container, { id, getToken, onEditRotation, onEditLink }) {
  const status = el('p', { class: 'links-status', role: 'status', 'data-test': 'links-status' });
  const linkRows = el('ul', { class: 'share-list' });
  const newView = el('button', { type: 'button', class: 'button', 'data-test': 'links-new-view', text: 'Issue new stakeholder link' });
  const newEdit = el('button', { type: 'button', class: 'button', 'data-test': 'links-new-edit', text: 'Issue new edit link…' });
  const confirmText = el('p', { id: 'links-confirm-text',
    text: 'Everyone using the current edit link is disconnected and needs the new link. This board switches to the new link.' });
  const confirm = el('button', { type: 'button', class: 'button button-primary', 'data-test': 'links-confirm-edit',
    'aria-describedby': 'links-confirm-text', text: 'Issue new edit link' });
  const cancel = el('button', { type: 'button', class: 'button button-quiet', 'data-test': 'links-cancel-edit', text: 'Cancel' });
  const confirmGroup = el('div', { class: 'links-confirm', role: 'group', 'aria-label': 'Confirm new edit link', hidden: true,
    'data-test': 'links-confirm' }, confirmText, confirm, ' ', cancel);

  function copyRow(label, url, test) {
    const absolute = new URL(url, window.location.origin).href;
    const input = el('input', { class: 'control links-url', type: 'text', readonly: true, value: absolute,
      'aria-label': `${label} link`, 'data-test': `${test}-url` });
    const copy = el('button', { type: 'button', class: 'button button-quiet', 'data-test': `${test}-copy`,
      text: `Copy ${label.toLowerCase()} link` });
    copy.addEventListener('click', async () => {
      try {
        await navigator.clipboard.writeText(absolute);
        setText(status, `${label} link copied.`);
      } catch {
        input.focus();
        input.select();
        setText(status, `Copying failed: the ${label.toLowerCase()} link is selected, press Ctrl+C or ⌘C to copy it.`);
      }
    });
    return el('li', { 'data-test': test }, el('span', { class: 'links-label', text: label }), ' ', input, ' ', copy);
  }

  function render() {
    const links = knownLinks()[id] || {};
    const rows = [];
    if (links.viewUrl) rows.push(copyRow('Stakeholder', links.viewUrl, 'share-view'));
    if (links.countdownUrl) rows.push(copyRow('Countdown', links.countdownUrl, 'share-countdown'));
    if (rows.length === 0) {
      rows.push(el('li', { 'data-test': 'links-none',
        text: 'This browser does not hold the stakeholder link. Issue a new one to share it; the old one then stops working.' }));
    }
    linkRows.replaceChildren(...rows);
  }

  // issue requests a new link of kind ('view' or 'edit') from the server.
  async function issue(kind) {
    const response = await fetch(`/api/incidents/${encodeURIComponent(id)}/tokens`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', Authorization: `Bearer ${getToken()}` },
      body: JSON.stringify({ kind }),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = data.error || {};
      throw new Error(error.message || `HTTP ${response.status}`);
    }
    return data;
  }

  newView.addEventListener('click', async () => {
    newView.disabled = true;
    setText(status, 'Issuing a new stakeholder link…');
    try {
      const data = await issue('view');
      rememberLinks(id, { viewUrl: data.viewUrl, countdownUrl: data.countdownUrl });
      render();
      setText(status, 'New stakeholder and countdown links issued. The old ones no longer work; share the new ones.');
    } catch (err) {
      setText(status, `Issuing a new stakeholder link failed: ${err.message}`);
    } finally {
      newView.disabled = false;
    }
  });

  function closeConfirm() {
    confirmGroup.hidden = true;
    newEdit.setAttribute('aria-expanded', 'false');
    newEdit.focus();
  }
  newEdit.setAttribute('aria-expanded', 'false');
  newEdit.addEventListener('click', () => {
    confirmGroup.hidden = false;
    newEdit.setAttribute('aria-expanded', 'true');
    confirm.focus();
  });
  cancel.addEventListener('click', closeConfirm);
  confirmGroup.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') closeConfirm();
  });
  confirm.addEventListener('click', async () => {
    confirm.disabled = true;
    setText(status, 'Issuing a new edit link…');
    const request = issue('edit');
    onEditRotation(request.then((data) => data.editToken));
    try {
      const data = await request;
      rememberLinks(id, { editUrl: data.editUrl });
      onEditLink(data.editUrl, data.editToken);
      setText(status, 'New edit link issued and this board switched to it. The old edit link no longer works; '
        + 'send the new one (the address of this page) to the other responders.');
      confirmGroup.hidden = true;
      newEdit.setAttribute('aria-expanded', 'false');
      newEdit.focus();
    } catch (err) {
      setText(status, `Issuing a new edit link failed: ${err.message}`);
    } finally {
      confirm.disabled = false;
    }
  });

  render();
  container.replaceChildren(el('details', { class: 'share', 'data-test': 'links' },
    el('summary', { text: 'Links' }), linkRows,
    el('p', { class: 'links-actions' }, newView, ' ', newEdit), confirmGroup, status));
}
