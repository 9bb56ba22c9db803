// Notices: remote changes announced politely to screen readers, and
// messages for the person (a rejected change, a replaced value) shown in a
// visible list they can dismiss.

import { el, setText } from './dom.js';

const MAX_VISIBLE = 6;
const ANNOUNCE_GAP_MS = 1500;

// createNotices wires the visible notice list and the aria-live region.
export function createNotices(list, liveRegion) {
  let queue = [];
  let flushTimer = 0;

  // announce reads out about a remote change. Bursts are joined
  // into one announcement so a busy call does not drown the reader.
  function announce(text) {
    queue.push(text);
    if (flushTimer) return;
    flushTimer = setTimeout(() => {
      flushTimer = 0;
      const message = queue.length > 3 ? `${queue.slice(-3).join('. ')}. And ${queue.length - 3} more changes.` : queue.join('. ');
      queue = [];
      setText(liveRegion, message);
    }, ANNOUNCE_GAP_MS);
  }

  // show adds a visible notice. kind is 'error' or 'info'; errors stay until
  // dismissed, info notices leave after a minute.
  function show(text, kind = 'info') {
    // The same notice again, such as a change retried and rejected once
    // more, replaces the earlier copy instead of stacking under it.
    for (const old of list.querySelectorAll('[data-test="notice"]')) {
      if (old.querySelector('.notice-text').textContent === text) old.remove();
    }
    const dismiss = el('button', { type: 'button', class: 'notice-dismiss', 'aria-label': 'Dismiss notice', text: '×' });
    const item = el('li', { class: `notice notice-${kind}`, 'data-test': 'notice', 'data-kind': kind },
      el('span', { class: 'notice-text', text }), dismiss);
    dismiss.addEventListener('click', () => item.remove());
    list.prepend(item);
    while (list.children.length > MAX_VISIBLE) list.lastElementChild.remove();
    if (kind !== 'error') setTimeout(() => item.remove(), 60000);
    announce(text);
  }

  return { announce, show };
}
