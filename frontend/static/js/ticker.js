// Live countdowns. Any element with data-due (an RFC 3339 time) is updated
// twice a second from the server clock: its text, data-overdue and a class.
// data-format="digits" shows "03:10" for the big countdown page; otherwise
// it reads "due in 3m 10s" or "overdue by 3m 10s".

import { serverNow } from './clock.js';
import { clockDigits, countdownText, parseISO } from './time.js';
import { setText } from './dom.js';

const TICK_MS = 500;

// setDue points a countdown element at a due time; "" shows no countdown.
export function setDue(node, iso) {
  if ((node.dataset.due || '') === (iso || '')) return;
  if (iso) node.dataset.due = iso;
  else delete node.dataset.due;
  tickOne(node, serverNow());
}

function tickOne(node, now) {
  const due = parseISO(node.dataset.due);
  if (!due) {
    setText(node, node.dataset.format === 'digits' ? '--:--' : 'no due time');
    node.dataset.overdue = 'false';
    node.classList.remove('is-overdue');
    delete node.dataset.text;
    return;
  }
  const { overdue, text } = countdownText(due.getTime(), now);
  setText(node, node.dataset.format === 'digits' ? clockDigits(due.getTime() - now) : text);
  node.dataset.overdue = String(overdue);
  node.classList.toggle('is-overdue', overdue);
  // The long form is kept for tests and tools; screen readers hear the
  // moments of moments.js instead of a label changing every tick.
  node.dataset.text = text;
}

let running = 0;

// startTicker begins updating every countdown on the page.
export function startTicker(onTick) {
  if (running) return;
  running = setInterval(() => {
    const now = serverNow();
    for (const node of document.querySelectorAll('[data-due], [data-format="digits"]')) tickOne(node, now);
    if (onTick) onTick(now);
  }, TICK_MS);
}
