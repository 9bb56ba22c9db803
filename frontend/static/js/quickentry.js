// Quick entry: one dialog that adds a timeline entry, an alert, a
// hypothesis, an action taken or an action item from anywhere on the board.
// The text may start with a type prefix ("t ", "! ", "h ", "a ", "i ") and
// a UTC time ("14:42 "), so one line such as "a 14:42 Rolled back v2.14.1"
// is a whole entry.

import { byteLength, el, newId, setText } from './dom.js';
import { parseTimeInput } from './time.js';

// Each type: its id (the list's name, or "alert"), the list it adds to, the
// field the text goes to, the entry kind it sets, whether it takes a time,
// and its prefix.
export const ENTRY_TYPES = [
  { id: 'timeline', list: 'timeline', textField: 'text', timed: true, prefix: 't', label: 'Timeline entry' },
  { id: 'alert', list: 'timeline', textField: 'text', kind: 'alert', timed: true, prefix: '!', label: 'Alert (timeline)' },
  { id: 'hypotheses', list: 'hypotheses', textField: 'text', timed: false, prefix: 'h', label: 'Hypothesis' },
  { id: 'actions', list: 'actions', textField: 'action', timed: true, prefix: 'a', label: 'Action taken' },
  { id: 'actionItems', list: 'actionItems', textField: 'action', timed: false, prefix: 'i', label: 'Action item' },
];
const MAX_TEXT_BYTES = 2000;

// splitEntry reads a typed line into {type, time, text}: a leading type
// prefix picks the type, then a leading HH:MM (or HH:MM:SS) is the time.
// Without them the type stays the one whose id is fallbackId and the time
// is empty.
export function splitEntry(line, fallbackId) {
  let rest = line.trim();
  let type = ENTRY_TYPES.find((t) => t.id === fallbackId) || ENTRY_TYPES[0];
  const prefixed = /^([thai!])\s+(.*)$/is.exec(rest);
  if (prefixed) {
    type = ENTRY_TYPES.find((t) => t.prefix === prefixed[1].toLowerCase());
    rest = prefixed[2];
  }
  let time = '';
  const timed = /^(\d{1,2}:\d{2}(?::\d{2})?)\s+(.*)$/s.exec(rest);
  if (timed && type.timed) {
    time = timed[1];
    rest = timed[2];
  }
  return { type, time, text: rest.trim() };
}

// createQuickEntry builds the dialog and appends it to the body. ctx is the
// board's context (session, nowMs). open(list) shows it with that type.
export function createQuickEntry(ctx) {
  const typeSelect = el('select', { id: 'qe-type', class: 'control', 'data-test': 'quick-type' },
    ENTRY_TYPES.map((t) => el('option', { value: t.id, text: `${t.label} (${t.prefix})` })));
  const time = el('input', { id: 'qe-time', class: 'control control-time', type: 'text', autocomplete: 'off', spellcheck: 'false',
    placeholder: 'now, or HH:MM', 'aria-describedby': 'qe-time-help qe-time-error', 'data-test': 'quick-time' });
  const text = el('input', { id: 'qe-text', class: 'control', type: 'text', autocomplete: 'off',
    'aria-describedby': 'qe-text-help qe-text-error', 'data-test': 'quick-text' });
  const timeError = el('span', { id: 'qe-time-error', class: 'field-error', role: 'alert' });
  const textError = el('span', { id: 'qe-text-error', class: 'field-error', role: 'alert' });
  const cancel = el('button', { type: 'button', class: 'button', 'data-test': 'quick-cancel', text: 'Cancel' });
  const submit = el('button', { type: 'submit', class: 'button button-primary', 'data-test': 'quick-submit', text: 'Add' });
  const timeField = el('div', { class: 'field' },
    el('label', { for: 'qe-time', class: 'field-label', text: 'Time (UTC)' }), time,
    el('span', { id: 'qe-time-help', class: 'field-note', text: 'Empty means now. HH:MM means the nearest such UTC time, which may be yesterday.' }),
    timeError);
  const form = el('form', { class: 'quick-form', novalidate: true },
    el('h2', { id: 'qe-title', text: 'Quick entry' }),
    el('div', { class: 'quick-grid' },
      el('div', { class: 'field' }, el('label', { for: 'qe-type', class: 'field-label', text: 'Type' }), typeSelect),
      timeField),
    el('div', { class: 'field' }, el('label', { for: 'qe-text', class: 'field-label', text: 'Text' }), text,
      el('span', { id: 'qe-text-help', class: 'field-note',
        text: 'Start with t, ! (alert), h, a or i and a space to pick the type, then optionally a time: "a 14:42 Rolled back v2.14.1".' }),
      textError),
    el('div', { class: 'form-actions' }, submit, cancel));
  const dialog = el('dialog', { class: 'dialog quick-dialog', 'data-test': 'quick-entry', 'aria-labelledby': 'qe-title' }, form);
  const status = el('div', { class: 'visually-hidden', role: 'status', 'data-test': 'quick-status' });
  document.body.append(dialog, status);

  let returnFocus = null;

  // The time field shows only for types that take a time, and follows a
  // prefix typed into the text.
  function showType(id) {
    const type = ENTRY_TYPES.find((t) => t.id === id) || ENTRY_TYPES[0];
    typeSelect.value = type.id;
    timeField.hidden = !type.timed;
  }
  typeSelect.addEventListener('change', () => showType(typeSelect.value));
  text.addEventListener('input', () => {
    const { type } = splitEntry(text.value, typeSelect.value);
    if (/^[thai!]\s/i.test(text.value.trimStart()) && type.id !== typeSelect.value) showType(type.id);
  });

  function fail(control, error, message) {
    setText(error, message);
    control.setAttribute('aria-invalid', 'true');
    control.focus();
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    for (const [control, error] of [[time, timeError], [text, textError]]) {
      setText(error, '');
      control.removeAttribute('aria-invalid');
    }
    const entry = splitEntry(text.value, typeSelect.value);
    if (entry.text === '') {
      fail(text, textError, 'Enter the text of the entry.');
      return;
    }
    if (byteLength(entry.text) > MAX_TEXT_BYTES) {
      fail(text, textError, `The text is ${byteLength(entry.text)} bytes long, the maximum is ${MAX_TEXT_BYTES}.`);
      return;
    }
    const fields = { [entry.type.textField]: entry.text };
    if (entry.type.kind) fields.kind = entry.type.kind;
    const typedTime = entry.time || (entry.type.timed ? time.value : '');
    if (typedTime.trim() !== '' && typedTime.trim().toLowerCase() !== 'now') {
      const parsed = parseTimeInput(typedTime, ctx.nowMs());
      if (parsed.error) {
        fail(time, timeError, parsed.error);
        return;
      }
      fields.at = parsed.iso;
    }
    ctx.session.submit({ op: 'add', list: entry.type.list, item: newId(), fields });
    setText(status, `${entry.type.label} added: ${entry.text}`);
    dialog.close();
  });
  cancel.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => {
    if (returnFocus && returnFocus.isConnected) returnFocus.focus();
    returnFocus = null;
  });

  function open(list = 'timeline') {
    if (dialog.open) return;
    returnFocus = document.activeElement;
    showType(list);
    time.value = '';
    text.value = '';
    for (const error of [timeError, textError]) setText(error, '');
    dialog.showModal();
    text.focus();
  }

  return { open };
}
