// Display name: chosen once per browser, kept in localStorage, shown to
// others on the board and sent in hello and "name" messages.

import { el, setText } from './dom.js';

const NAME_KEY = 'sitrep.name';
export const MAX_NAME_LENGTH = 60;

// storedName returns the saved display name, or "".
export function storedName() {
  try {
    return (localStorage.getItem(NAME_KEY) || '').trim().slice(0, MAX_NAME_LENGTH);
  } catch {
    return '';
  }
}

function storeName(name) {
  try {
    localStorage.setItem(NAME_KEY, name);
  } catch {
    console.warn('sitrep: could not keep the display name in localStorage');
  }
}

// checkName returns why a display name is not allowed, or "".
export function checkName(name) {
  if (name.length === 0) return 'Enter a name of 1 to 60 characters.';
  if ([...name].length > MAX_NAME_LENGTH) return `The name is ${[...name].length} characters long, the maximum is ${MAX_NAME_LENGTH}.`;
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'The name must not contain control characters.';
  return '';
}

// createNameDialog builds the display name dialog and appends it to the
// body. ask(required) opens it and resolves with the chosen name; when
// required, it cannot be dismissed without a name.
export function createNameDialog() {
  const input = el('input', { id: 'display-name', type: 'text', class: 'control', autocomplete: 'nickname',
    maxlength: MAX_NAME_LENGTH, 'data-test': 'name-input', 'aria-describedby': 'display-name-help display-name-error' });
  const error = el('p', { id: 'display-name-error', class: 'field-error', role: 'alert' });
  const cancel = el('button', { type: 'button', class: 'button', 'data-test': 'name-cancel', text: 'Cancel' });
  const save = el('button', { type: 'submit', class: 'button button-primary', 'data-test': 'name-save', text: 'Save name' });
  const form = el('form', { method: 'dialog', class: 'name-form' },
    el('h2', { id: 'display-name-title', text: 'Your display name' }),
    el('p', { id: 'display-name-help', text: 'Others on the board see this name beside your edits. It stays in this browser.' }),
    el('label', { for: 'display-name', class: 'field-label', text: 'Display name' }), input, error,
    el('div', { class: 'form-actions' }, cancel, save));
  const dialog = el('dialog', { class: 'dialog', 'data-test': 'name-dialog', 'aria-labelledby': 'display-name-title' }, form);
  document.body.append(dialog);

  let resolve = null;
  let required = false;

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const name = input.value.trim();
    const problem = checkName(name);
    setText(error, problem);
    if (problem) {
      input.focus();
      return;
    }
    storeName(name);
    dialog.close();
    if (resolve) resolve(name);
    resolve = null;
  });
  cancel.addEventListener('click', () => {
    if (!required) dialog.close();
  });
  dialog.addEventListener('cancel', (event) => {
    if (required) event.preventDefault();
  });

  function ask(mustChoose) {
    required = mustChoose;
    cancel.hidden = mustChoose;
    input.value = storedName();
    setText(error, '');
    dialog.showModal();
    input.focus();
    return new Promise((done) => {
      resolve = done;
    });
  }

  return { ask };
}
