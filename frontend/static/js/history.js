// Field history: a small disclosure listing the values a field held before,
// who set each and when, newest first.

import { clear, el, setText } from './dom.js';
import { shortValue } from './labels.js';
import { formatTime, inputValue } from './time.js';

// createHistory returns {update(entries)}. It adds the disclosure to
// container, as its last child, only once the field first has history:
// most fields never do, and a 5,000-entry board would otherwise build
// 30,000 hidden elements before its first paint. The disclosure is hidden
// while the field has no history. kind is the field's kind, so times show
// in the board's format.
export function createHistory(label, kind, container) {
  let summary = null;
  let list = null;
  let root = null;
  let shown = '[]';

  function describe(value) {
    if (kind === 'time') return value ? inputValue(value) + ' UTC' : '(empty)';
    const text = shortValue(value);
    return text === '' ? '(empty)' : `"${text}"`;
  }

  function build() {
    summary = el('summary', { class: 'history-summary' });
    list = el('ol', { class: 'history-list', reversed: true });
    root = el('details', { class: 'history', 'data-test': 'history', hidden: true }, summary, list);
    container.append(root);
  }

  function update(entries) {
    const past = Array.isArray(entries) ? entries : [];
    const signature = JSON.stringify(past);
    if (signature === shown) return;
    shown = signature;
    if (!root) build();
    root.hidden = past.length === 0;
    setText(summary, `history (${past.length})`);
    summary.setAttribute('aria-label', `History of ${label}: ${past.length} earlier values`);
    clear(list);
    for (const entry of [...past].reverse()) {
      const who = entry.by ? ` set by ${entry.by}` : '';
      const when = entry.at ? `, ${formatTime(entry.at)}` : '';
      list.append(el('li', { class: 'history-entry', 'data-test': 'history-entry', text: `${describe(entry.value)}${who}${when}` }));
    }
  }

  return { update };
}
