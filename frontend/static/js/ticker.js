// Live countdowns. An element given to setDue is updated twice a second
// from the server clock while it is on the page and has data-due (an RFC
// 3339 time) or data-format="digits": its text, data-overdue and a class.
// data-format="digits" shows "03:10" for the big countdown page; otherwise
// it reads "due in 3m 10s" or "overdue by 3m 10s". A tick visits only these
// elements, so its cost does not grow with the rows of the timeline.

import { serverNow } from './clock.js';
import { clockDigits, countdownText, parseISO } from './time.js';
import { setText } from './dom.js';

const TICK_MS = 500;

// Every element given to setDue, held weakly, so that a countdown removed
// from the page and dropped by its row is garbage collected and then
// leaves the set at the next tick.
const countdowns = new Set();
const registered = new WeakSet();

// setDue points a countdown element at a due time; "" shows no countdown.
export function setDue(node, iso) {
  if (!registered.has(node)) {
    registered.add(node);
    countdowns.add(new WeakRef(node));
  }
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

// liveCountdowns returns the elements given to setDue that are on the page,
// in no particular order. A countdown taken off the page and put back,
// such as a row built before it is placed, is returned again once back.
export function liveCountdowns() {
  const out = [];
  for (const ref of countdowns) {
    const node = ref.deref();
    if (!node) countdowns.delete(ref);
    else if (node.isConnected) out.push(node);
  }
  return out;
}

let running = 0;
let tickHandler = null;

// startTicker begins updating every countdown on the page. onTick(now,
// nodes) runs after each tick with the server time in milliseconds and the
// countdowns on the page.
export function startTicker(onTick) {
  if (running) return;
  tickHandler = onTick || null;
  running = setInterval(tick, TICK_MS);
}

// tick updates every countdown on the page once, then runs the onTick of
// startTicker. BenchmarkCountdownTick in e2e/ calls it to time a tick.
export function tick() {
  const now = serverNow();
  const nodes = liveCountdowns();
  for (const node of nodes) {
    if (node.dataset.due || node.dataset.format === 'digits') tickOne(node, now);
  }
  if (tickHandler) tickHandler(now, nodes);
}
