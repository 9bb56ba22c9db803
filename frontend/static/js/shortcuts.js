// Keyboard shortcuts of the board and the "?" dialog that lists them. Single
// letters act only while focus is outside text fields, so typing is never
// taken over. Row shortcuts use Alt, so they also work inside a row's fields.

import { el } from './dom.js';

// Each shortcut as the help dialog lists it.
export const SHORTCUTS = [
  { keys: ['n', 't'], text: 'Quick entry: add a timeline entry' },
  { keys: ['h'], text: 'Quick entry: add a hypothesis' },
  { keys: ['a'], text: 'Quick entry: add an action taken' },
  { keys: ['i'], text: 'Quick entry: add an action item' },
  { keys: ['1 … 9'], text: 'Go to a section of the board, in page order' },
  { keys: ['j', 'k'], text: 'Go to the next or the previous row' },
  { keys: ['Alt+↑', 'Alt+↓'], text: 'Move the focused hypothesis up or down' },
  { keys: ['Alt+Backspace'], text: 'Delete the focused row' },
  { keys: ['Alt+R'], text: 'Restore the focused deleted row' },
  { keys: ['Alt+Y'], text: 'Open or close the history of the focused field' },
  { keys: ['Ctrl+Enter', '⌘+Enter'], text: 'Save a multi-line field without leaving it' },
  { keys: ['Esc'], text: 'Undo the typing in a field, or close a dialog' },
  { keys: ['?'], text: 'Show this list' },
];

const QUICK_KEYS = { n: 'timeline', t: 'timeline', h: 'hypotheses', a: 'actions', i: 'actionItems' };

// typing reports whether a key press belongs to a text control.
function typing(target) {
  if (!(target instanceof Element)) return false;
  if (target.isContentEditable) return true;
  if (target.tagName === 'TEXTAREA' || target.tagName === 'SELECT') return true;
  return target.tagName === 'INPUT' && !['checkbox', 'radio', 'button', 'submit'].includes(target.type);
}

// createHelpDialog builds the "?" dialog and appends it to the body.
function createHelpDialog() {
  const rows = SHORTCUTS.map((s) => el('tr', {},
    el('th', { scope: 'row' }, s.keys.flatMap((key, i) => [i ? ' or ' : null, el('kbd', { class: 'kbd', text: key })])),
    el('td', { text: s.text })));
  const close = el('button', { type: 'button', class: 'button', 'data-test': 'help-close', text: 'Close' });
  const dialog = el('dialog', { class: 'dialog help-dialog', 'data-test': 'help-dialog', 'aria-labelledby': 'help-title' },
    el('h2', { id: 'help-title', text: 'Keyboard shortcuts' }),
    el('p', { text: 'Every control can also be reached with Tab. Space ticks a checkbox, Enter presses a button or opens a history.' }),
    el('table', { class: 'help-table' },
      el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: 'Keys' }), el('th', { scope: 'col', text: 'What it does' }))),
      el('tbody', {}, rows)),
    el('p', { text: 'Quick entry text may start with t, ! (alert), h, a or i and a space to pick the type, then a UTC time: "a 14:42 Rolled back v2.14.1".' }),
    el('div', { class: 'form-actions' }, close));
  close.addEventListener('click', () => dialog.close());
  document.body.append(dialog);
  let returnFocus = null;
  dialog.addEventListener('close', () => {
    if (returnFocus && returnFocus.isConnected) returnFocus.focus();
  });
  return {
    open() {
      if (dialog.open) return;
      returnFocus = document.activeElement;
      dialog.showModal();
      close.focus();
    },
  };
}

// focusRow moves focus to the first control of the row step rows away
// from the focused one, among the rows of every section.
function focusRow(step) {
  const rows = [...document.querySelectorAll('[data-test="rows"] > [data-test="row"]')];
  const current = rows.findIndex((row) => row.contains(document.activeElement));
  const next = rows[current < 0 ? (step > 0 ? 0 : rows.length - 1) : current + step];
  const control = next && next.querySelector('input, select, textarea, button');
  if (control) control.focus();
}

// rowAction presses the named button (data-test) of the focused row, when
// it has one that is shown and enabled.
function rowAction(test) {
  const row = document.activeElement && document.activeElement.closest('[data-test="row"]');
  const button = row && row.querySelector(`[data-test="${test}"]`);
  if (!button || button.hidden || button.disabled) return false;
  button.click();
  return true;
}

// deleteRow deletes the focused row and moves focus to the next row of its
// list (or the previous one), because the deleted row's fields are disabled
// and would drop the focus.
function deleteRow(announce) {
  const row = document.activeElement && document.activeElement.closest('[data-test="row"]');
  if (!row) return false;
  const neighbour = row.nextElementSibling || row.previousElementSibling;
  if (!rowAction('delete')) return false;
  const control = neighbour && neighbour.querySelector('input, select, textarea, button');
  if (control) control.focus();
  announce('Deleted. To restore it, tick "Show deleted" below the list and press its Restore button.');
  return true;
}

// toggleHistory opens or closes the history of the focused field.
function toggleHistory() {
  const field = document.activeElement && document.activeElement.closest('.field');
  const history = field && field.querySelector('[data-test="history"]');
  if (!history || history.hidden) return false;
  history.open = !history.open;
  history.querySelector('summary').focus();
  return true;
}

// installShortcuts listens for the board's shortcuts. quick is the quick
// entry (open(list)), sections the container of the board's sections.
export function installShortcuts({ quick, sections }) {
  const help = createHelpDialog();
  const status = el('div', { class: 'visually-hidden', role: 'status', 'data-test': 'shortcut-status' });
  document.body.append(status);
  const announce = (text) => {
    status.textContent = text;
  };
  for (const section of sections.querySelectorAll('[data-test="section"]')) section.setAttribute('tabindex', '-1');

  document.addEventListener('keydown', (event) => {
    if (event.defaultPrevented || event.isComposing || document.querySelector('dialog[open]')) return;
    if (event.altKey && !event.ctrlKey && !event.metaKey) {
      // event.code, because Alt with a letter types another character on macOS.
      const done = {
        ArrowUp: () => rowAction('move-up'),
        ArrowDown: () => rowAction('move-down'),
        Backspace: () => deleteRow(announce),
        KeyR: () => rowAction('restore'),
        KeyY: () => toggleHistory(),
      }[event.code];
      if (done && done()) event.preventDefault();
      return;
    }
    if (event.ctrlKey || event.metaKey || typing(event.target)) return;
    if (event.key === '?') {
      event.preventDefault();
      help.open();
    } else if (QUICK_KEYS[event.key]) {
      event.preventDefault();
      quick.open(QUICK_KEYS[event.key]);
    } else if (/^[1-9]$/.test(event.key)) {
      const target = sections.querySelectorAll('[data-test="section"]')[Number(event.key) - 1];
      if (target) {
        event.preventDefault();
        target.focus();
      }
    } else if (event.key === 'j' || event.key === 'k') {
      event.preventDefault();
      focusRow(event.key === 'j' ? 1 : -1);
    }
  });
  return { help };
}

// createBoardButtons returns the top bar's buttons for pointer and touch
// users: quick entry and the shortcut list, each naming its key.
export function createBoardButtons({ quick, help }) {
  const add = el('button', { type: 'button', class: 'button button-primary', 'data-test': 'quick-open',
    'aria-keyshortcuts': 'n' }, 'Add entry ', el('kbd', { class: 'kbd kbd-on-accent', 'aria-hidden': 'true', text: 'n' }));
  const keys = el('button', { type: 'button', class: 'button', 'data-test': 'help-open', 'aria-keyshortcuts': '?' },
    'Shortcuts ', el('kbd', { class: 'kbd', 'aria-hidden': 'true', text: '?' }));
  add.addEventListener('click', () => quick.open('timeline'));
  keys.addEventListener('click', () => help.open());
  return [add, keys];
}
