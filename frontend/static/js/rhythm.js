// The incident's rhythm on the board: posting an update to an audience,
// each update's countdown (or "stopped" once resolved, "no reminders"
// without a cadence), follow-up clocks, and the marks on timeline entries
// that the server wrote or that were amended later.

import { el, setText } from './dom.js';
import { setDue } from './ticker.js';
import { formatTime, parseISO, utcDateTime } from './time.js';

// AMENDED_AFTER_MS is how much later than its time an entry may be entered
// before it counts as backdated.
const AMENDED_AFTER_MS = 60 * 1000;

// showDeadline points a countdown at a due time, or shows why none runs.
export function showDeadline(node, record, idle) {
  const stopped = Boolean(record.fields.stopped);
  setDue(node, stopped ? '' : record.fields.due || '');
  node.toggleAttribute('data-stopped', stopped);
  if (stopped) setText(node, 'stopped');
  else if (!record.fields.due) setText(node, idle);
}

// updateExtra shows a next update's countdown, what was last posted, and a
// form that posts the next update to the audience.
export function updateExtra(ctx) {
  const countdown = el('span', { class: 'countdown', 'data-test': 'countdown', role: 'timer', 'aria-live': 'off' });
  const last = el('p', { class: 'last-posted', 'data-test': 'last-posted' });
  const text = el('textarea', { class: 'control post-text', rows: '2', maxlength: '2000', 'data-test': 'post-text',
    placeholder: 'What to tell this audience now' });
  const error = el('span', { class: 'field-error', role: 'alert' });
  const button = el('button', { type: 'submit', class: 'button button-primary', 'data-test': 'post-submit', text: 'Post update' });
  const label = el('label', { class: 'field-label', text: 'Update text' });
  const form = el('form', { class: 'post-form', 'data-test': 'post-form', novalidate: true }, label, text, error, button);
  const root = el('div', { class: 'field field-rhythm' },
    el('div', { class: 'field field-countdown' }, el('span', { class: 'field-label', text: 'Countdown' }), countdown), last, form);
  let item = '';
  let name = '';

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const value = text.value.trim();
    if (!value) {
      setText(error, 'Enter the text of the update that went out.');
      text.focus();
      return;
    }
    setText(error, '');
    ctx.session.submit({ op: 'post', list: 'updates', item, fields: { text: value } });
    text.value = '';
  });

  return {
    root,
    update: (record) => {
      item = record.id;
      if (!label.htmlFor) {
        text.id = `post-${record.id}`;
        label.htmlFor = text.id;
      }
      if (name !== record.fields.name) {
        name = record.fields.name || '';
        button.setAttribute('aria-label', `Post update to ${name}`);
      }
      const idle = Number(record.fields.cadence) > 0 ? 'no due time' : 'no reminders';
      showDeadline(countdown, record, idle);
      const posted = record.fields.lastPostedAt;
      setText(last, posted ? `Last posted ${formatTime(posted)}: ${record.fields.lastText || ''}` : 'Nothing posted yet.');
      button.disabled = Boolean(record.deleted);
    },
  };
}

// followUpExtra shows a follow-up item's clock, such as the summary due two
// hours after resolving.
export function followUpExtra() {
  const countdown = el('span', { class: 'countdown', 'data-test': 'countdown', role: 'timer', 'aria-live': 'off' });
  const root = el('div', { class: 'field field-countdown' }, el('span', { class: 'field-label', text: 'Countdown' }), countdown);
  return {
    root,
    update: (record) => {
      const done = Boolean(record.fields.done);
      setDue(countdown, done ? '' : record.fields.due || '');
      if (done) setText(countdown, 'done');
      else if (!record.fields.due) setText(countdown, record.fields.clock ? 'starts when resolved' : 'no due time');
    },
  };
}

const KIND_LABELS = { alert: 'alert', update: 'update', auto: 'automatic', 'all-clear': 'all clear' };

// amendedText describes how an entry was amended, or returns '' when it was
// not: logged more than a minute after its time ("logged 01:59 UTC", with
// the date when it differs from the entry's), or edited after it was added.
// Backdating is routine, since a responder writes up what happened, so the
// note stays short and names no fault.
export function amendedText(record) {
  const parts = [];
  const at = parseISO(record.fields.at);
  const created = parseISO(record.createdAt);
  if (at && created && created.getTime() - at.getTime() > AMENDED_AFTER_MS) {
    const logged = utcDateTime(created);
    parts.push(`logged ${logged.slice(0, 10) === utcDateTime(at).slice(0, 10) ? logged.slice(11) : logged} UTC`);
  }
  const history = record.history || {};
  if ((history.text || []).length || (history.at || []).length) parts.push('edited since (see history)');
  return parts.join(', ');
}

// entryExtra shows what kind of entry a timeline row is and whether it was amended.
export function entryExtra() {
  const kind = el('span', { class: 'badge', 'data-test': 'entry-kind' });
  const amended = el('span', { class: 'amended', 'data-test': 'entry-amended' });
  const root = el('div', { class: 'field field-badge' }, kind, ' ', amended);
  return {
    root,
    update: (record) => {
      const value = record.fields.kind || 'note';
      const audience = record.fields.audience ? ` to ${record.fields.audience}` : '';
      setText(kind, value === 'note' ? '' : `${KIND_LABELS[value] || value}${value === 'update' ? audience : ''}`);
      kind.hidden = value === 'note';
      kind.className = `badge badge-entry-${value}`;
      kind.dataset.kind = value;
      const text = amendedText(record);
      setText(amended, text);
      amended.hidden = !text;
    },
  };
}
