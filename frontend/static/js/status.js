// Connection indicator and presence list.

import { el, setText } from './dom.js';

// createStatusIndicator returns {root, update(status)}. The element carries
// data-state (live, connecting or offline) for styling and tests.
export function createStatusIndicator() {
  const dot = el('span', { class: 'status-dot', 'aria-hidden': 'true' });
  const label = el('span', { class: 'status-text' });
  const root = el('p', { class: 'status', 'data-test': 'connection', 'data-state': 'connecting', role: 'status' }, dot, label);
  setText(label, 'connecting…');
  return {
    root,
    update(status) {
      root.dataset.state = status.state;
      root.dataset.pendingCount = String(status.pending || 0);
      if (status.revoked) root.dataset.reason = 'revoked';
      else delete root.dataset.reason;
      setText(label, status.text);
    },
  };
}

// createPresence returns {root, update(msg, ownConn)} listing the editors by
// name and counting viewers.
export function createPresence() {
  const editors = el('ul', { class: 'presence-list', 'data-test': 'presence-editors', 'aria-label': 'Editors on the board' });
  const viewers = el('span', { class: 'presence-viewers', 'data-test': 'presence-viewers' });
  const root = el('div', { class: 'presence', 'data-test': 'presence' }, el('span', { class: 'presence-title', text: 'On the board:' }), editors, viewers);
  return {
    root,
    update(msg, ownConn) {
      const list = Array.isArray(msg.editors) ? msg.editors : [];
      editors.replaceChildren(...list.map((editor) => el('li', {
        class: `presence-editor${editor.conn === ownConn ? ' is-self' : ''}`, 'data-test': 'presence-editor',
        'data-conn': editor.conn, text: editor.conn === ownConn ? `${editor.name} (you)` : editor.name,
      })));
      const count = Number(msg.viewers) || 0;
      setText(viewers, `${count} ${count === 1 ? 'viewer' : 'viewers'}`);
      viewers.dataset.count = String(count);
    },
  };
}
