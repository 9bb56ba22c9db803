// Field editors. An editor shows one field of one record and sends an
// update when the person commits a new value. A remote change never
// overwrites a field while the person has it focused or has unsaved typing
// in it. The editor marks it "changed by ..." and applies it on leaving.

import { byteLength, el, safeLink, setText } from './dom.js';
import { createHistory } from './history.js';
import { shortValue, valueLabel } from './labels.js';
import { formatTime, inputValue, localClock, parseISO, parseTimeInput } from './time.js';

let nextId = 0;

// createEditor builds the editor of one field. options:
//   list, field (schema field), label, record id
//   getSeq(): the sequence number the screen shows
//   nowMs(): the server clock
//   commit(fields, base): sends {field: value}; base is the seq at edit start
export function createEditor({ list, item, field, label, getSeq, nowMs, commit }) {
  const id = `f${++nextId}`;
  const control = makeControl(field, id);
  control.setAttribute('data-field', field.name);
  control.setAttribute('data-test', 'field');
  const note = el('span', { class: 'field-note', id: `${id}-note` });
  const status = el('span', { class: 'field-status', 'aria-live': 'off' });
  const error = el('span', { class: 'field-error', id: `${id}-error`, role: 'alert' });
  const labelEl = el('label', { for: id, class: 'field-label', text: label });
  const root = el('div', { class: `field field-${field.kind}`, 'data-field': field.name },
    field.kind === 'bool' ? [control, labelEl] : [labelEl, control], note, status, error);
  const history = createHistory(label, field.kind, root);
  control.setAttribute('aria-describedby', `${id}-note ${id}-error`);

  let serverValue;
  let shownText = '';
  let base = 0;
  let remote = null;

  const toText = (value) => {
    if (field.kind === 'time') return inputValue(value);
    if (field.kind === 'bool') return value ? 'true' : 'false';
    return value === undefined || value === null ? '' : String(value);
  };
  const readText = () => (field.kind === 'bool' ? String(control.checked) : control.value);
  const busy = () => document.activeElement === control && field.kind !== 'bool';
  const dirty = () => readText() !== shownText;

  function show(value) {
    shownText = toText(value);
    if (field.kind === 'bool') control.checked = Boolean(value);
    else if (control.value !== shownText) control.value = shownText;
    remote = null;
    setText(status, '');
    status.removeAttribute('data-test');
  }

  function showNote(value, record) {
    if (field.kind === 'time') {
      const date = parseISO(value);
      setText(note, date ? `UTC (${localClock(date)})` : 'UTC');
    } else if (field.kind === 'url') {
      note.replaceChildren();
      const link = value ? safeLink(value, 'open link') : null;
      if (link) note.append(link);
    } else if (field.kind === 'bool') {
      const by = record.fields[`${field.name}By`];
      const at = record.fields[`${field.name}At`];
      setText(note, value && by ? `ticked by ${by}${at ? `, ${formatTime(at)}` : ''}` : '');
    }
  }

  // update shows a record's current value, unless the person is editing.
  function update(record) {
    const value = record.fields[field.name];
    const meta = (record.meta && record.meta[field.name]) || {};
    const pending = (record.pendingFields || []).includes(field.name);
    root.classList.toggle('is-pending', pending);
    if (pending) root.setAttribute('data-pending', 'true');
    else root.removeAttribute('data-pending');
    history.update(record.history && record.history[field.name]);
    showNote(value, record);
    const text = toText(value);
    if (serverValue === undefined || !(busy() || dirty())) {
      serverValue = value;
      show(value);
      return;
    }
    serverValue = value;
    if (text !== shownText) {
      remote = value;
      const shown = field.kind === 'time' ? inputValue(value) : shortValue(value);
      setText(status, `changed by ${meta.by || 'someone'} to "${shown}" while you were editing`);
      status.setAttribute('data-test', 'changed-by');
    }
  }

  function fail(message) {
    setText(error, message);
    control.setAttribute('aria-invalid', 'true');
  }

  function clearError() {
    setText(error, '');
    control.removeAttribute('aria-invalid');
  }

  // parse turns the control's text into the value to send, or reports why not.
  function parse() {
    const raw = readText();
    if (field.kind === 'bool') return { value: control.checked };
    if (field.kind === 'time') {
      const parsed = parseTimeInput(raw, nowMs());
      if (parsed.error) return parsed;
      if (parsed.iso === '' && field.required) return { error: `${label} is required` };
      return { value: parsed.iso };
    }
    if (field.kind === 'int') return parseWhole(raw, field, label);
    if (field.required && raw.trim() === '') return { error: `${label} must not be empty` };
    if (field.max && byteLength(raw) > field.max) {
      return { error: `${label} is ${byteLength(raw)} bytes long, the maximum is ${field.max}` };
    }
    if (field.kind === 'url' && raw !== '' && !safeLink(raw)) {
      return { error: `${label} must be an http:// or https:// address` };
    }
    return { value: raw };
  }

  function save() {
    const parsed = parse();
    if (parsed.error) {
      fail(parsed.error);
      return;
    }
    clearError();
    if (parsed.value === serverValue) {
      show(serverValue);
      return;
    }
    commit({ [field.name]: parsed.value }, base);
    shownText = toText(parsed.value);
    if (field.kind === 'time') control.value = shownText;
    remote = null;
    setText(status, '');
  }

  control.addEventListener('focus', () => {
    if (!dirty()) base = getSeq();
  });
  control.addEventListener('change', () => {
    if (field.kind === 'bool') base = getSeq();
    save();
  });
  control.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && field.kind !== 'bool') {
      clearError();
      show(serverValue);
    } else if (event.key === 'Enter' && (event.ctrlKey || event.metaKey) && control.tagName === 'TEXTAREA') {
      save();
    }
  });
  control.addEventListener('blur', () => {
    if (!dirty() && remote !== null) show(serverValue);
  });

  return { root, control, update, field: field.name, list, item };
}

// parseWhole reads an int field's text as a whole number within its bounds.
export function parseWhole(raw, field, label) {
  const text = raw.trim();
  if (!/^\d+$/.test(text)) return { error: `${label} must be a whole number from ${field.min || 0} to ${field.maxInt}` };
  const value = Number(text);
  if (value < (field.min || 0) || value > field.maxInt) {
    return { error: `${label} must be from ${field.min || 0} to ${field.maxInt}, not ${value}` };
  }
  return { value };
}

// makeControl creates the input element for a field's kind.
export function makeControl(field, id) {
  if (field.kind === 'enum') {
    return el('select', { id, class: 'control' }, field.values.map((v) => el('option', { value: v, text: valueLabel(v) })));
  }
  if (field.kind === 'bool') return el('input', { id, type: 'checkbox', class: 'control-check' });
  if (field.kind === 'int') {
    return el('input', { id, type: 'text', class: 'control control-int', inputmode: 'numeric', autocomplete: 'off' });
  }
  if (field.kind === 'time') {
    return el('input', { id, type: 'text', class: 'control control-time', inputmode: 'text', autocomplete: 'off',
      placeholder: 'YYYY-MM-DD HH:MM', spellcheck: 'false' });
  }
  if (field.kind === 'text' && field.max >= 1000) {
    return el('textarea', { id, class: 'control', rows: '2', maxlength: field.max || undefined });
  }
  return el('input', { id, type: field.kind === 'url' ? 'url' : 'text', class: 'control', autocomplete: 'off',
    maxlength: field.max || undefined, placeholder: field.kind === 'url' ? 'https://' : undefined });
}
