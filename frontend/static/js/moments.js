// Countdown moments for screen readers. The digits change every second and
// are not announced. Instead one polite live region announces when a next update
// comes within 5 minutes, within 1 minute, and when it is overdue.

import { el, setText } from './dom.js';
import { parseISO } from './time.js';

const STAGES = [
  { name: 'overdue', below: 0, text: (name) => `${name} is overdue.` },
  { name: 'one', below: 60 * 1000, text: (name) => `${name} is due in less than 1 minute.` },
  { name: 'five', below: 5 * 60 * 1000, text: (name) => `${name} is due in less than 5 minutes.` },
];
const RANK = { none: 0, far: 1, five: 2, one: 3, overdue: 4 };

// stageOf returns the stage of a countdown: none without a due time, far
// above 5 minutes, then five, one and overdue.
export function stageOf(dueMs, nowMs) {
  if (!Number.isFinite(dueMs)) return 'none';
  const left = dueMs - nowMs;
  for (const stage of STAGES) {
    if (left < stage.below) return stage.name;
  }
  return 'far';
}

// nameOf returns the name of the next update a countdown belongs to.
function nameOf(node) {
  const row = node.closest('[data-test="row"]');
  if (!row) return 'A next update';
  const input = row.querySelector('[data-field="name"]');
  if (input && input.value) return input.value;
  const heading = row.querySelector('.cd-name, .ro-name');
  return (heading && heading.textContent) || 'A next update';
}

// inPageOrder compares two nodes by their place in the document.
function inPageOrder(a, b) {
  return a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
}

// watchMoments creates the live region and returns the function to call
// on every tick with the server time and the countdowns on the page, as
// startTicker passes them. A countdown seen for the first time is not
// announced, so opening a page with an overdue update stays quiet.
export function watchMoments() {
  const region = el('div', { class: 'visually-hidden', 'aria-live': 'polite', 'data-test': 'countdown-announcer' });
  document.body.append(region);
  const seen = new WeakMap();
  return (nowMs, countdowns) => {
    const reached = [];
    for (const node of countdowns) {
      if (node.dataset.test !== 'countdown') continue;
      const due = parseISO(node.dataset.due || '');
      const stage = stageOf(due ? due.getTime() : NaN, nowMs);
      const before = seen.get(node);
      seen.set(node, stage);
      if (before === undefined || RANK[stage] <= RANK[before]) continue;
      const found = STAGES.find((s) => s.name === stage);
      if (found) reached.push({ node, found });
    }
    if (reached.length === 0) return;
    // Several countdowns that reach a stage in the same tick are announced
    // in the order they appear on the page.
    reached.sort((a, b) => inPageOrder(a.node, b.node));
    setText(region, reached.map(({ node, found }) => found.text(nameOf(node))).join(' '));
  };
}
