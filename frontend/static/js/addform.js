// Add form of a list section: one input per field, checked here first so
// a mistake shows at once, then sent as an "add" change.

import { byteLength, el, newId, safeLink, setText } from './dom.js';
import { makeControl, parseWhole } from './editor.js';
import { ITEM_NAMES, fieldLabel } from './labels.js';
import { parseTimeInput } from './time.js';

let formCount = 0;

// createAddForm builds the form. hooks.addFields limits and orders the
// fields it contains; hooks.placeholders gives hint text per field.
export function createAddForm(listSchema, ctx, hooks = {}) {
  const list = listSchema.name;
  const itemName = ITEM_NAMES[list] || 'item';
  const prefix = `add${++formCount}`;
  const names = hooks.addFields || listSchema.fields.filter((f) => f.kind !== 'bool' && !f.serverOnly).map((f) => f.name);
  const fields = names.map((name) => listSchema.fields.find((f) => f.name === name)).filter(Boolean);
  const inputs = new Map();
  const errors = new Map();
  const form = el('form', { class: 'add-form', 'data-test': 'add-form', 'data-list': list, novalidate: true,
    'aria-label': `Add ${itemName}` });

  for (const field of fields) {
    const id = `${prefix}-${field.name}`;
    // hooks.values narrows an enum to the values people may choose.
    const allowed = hooks.values && hooks.values[field.name];
    const control = makeControl(allowed ? { ...field, values: allowed } : field, id);
    control.setAttribute('name', field.name);
    control.setAttribute('data-field', field.name);
    control.setAttribute('data-test', 'add-field');
    if (field.kind === 'enum' && field.default) control.value = field.default;
    const hint = (hooks.placeholders && hooks.placeholders[field.name]) ||
      (field.kind === 'time' && field.default === 'now' ? 'now, or HH:MM' : '');
    if (hint) control.setAttribute('placeholder', hint);
    if (field.required && field.default !== 'now') control.setAttribute('aria-required', 'true');
    const error = el('span', { class: 'field-error', id: `${id}-error`, role: 'alert' });
    control.setAttribute('aria-describedby', `${id}-error`);
    const label = el('label', { for: id, class: 'field-label' },
      fieldLabel(list, field.name), field.required && field.default !== 'now' ? el('span', { class: 'required', text: ' (required)' }) : null);
    form.append(el('div', { class: `field field-${field.kind}` }, label, control, error));
    inputs.set(field.name, control);
    errors.set(field.name, error);
  }
  const submit = el('button', { type: 'submit', class: 'button button-primary', 'data-test': 'add-submit', text: `Add ${itemName}` });
  form.append(el('div', { class: 'form-actions' }, submit));

  // read checks every input and returns {fields} or {failed: true}.
  function read() {
    const out = {};
    let failed = false;
    for (const field of fields) {
      const control = inputs.get(field.name);
      const error = errors.get(field.name);
      const label = fieldLabel(list, field.name);
      let message = '';
      const raw = control.value;
      if (field.kind === 'time') {
        const parsed = parseTimeInput(raw, ctx.nowMs());
        if (parsed.error) message = parsed.error;
        // Empty leaves the time to the server's default, which is "now" on
        // its own clock for timeline entries and actions taken.
        else if (parsed.iso !== '') out[field.name] = parsed.iso;
        else if (field.required && field.default !== 'now') message = `${label} is required`;
      } else if (field.kind === 'enum') {
        out[field.name] = raw;
      } else if (field.kind === 'int') {
        if (raw.trim() !== '') {
          const parsed = parseWhole(raw, field, label);
          if (parsed.error) message = parsed.error;
          else out[field.name] = parsed.value;
        }
      } else {
        if (field.required && raw.trim() === '') message = `${label} is required`;
        else if (field.max && byteLength(raw) > field.max) message = `${label} is ${byteLength(raw)} bytes long, the maximum is ${field.max}`;
        else if (field.kind === 'url' && raw !== '' && !safeLink(raw)) message = `${label} must be an http:// or https:// address`;
        if (raw !== '') out[field.name] = raw;
      }
      setText(error, message);
      if (message) {
        control.setAttribute('aria-invalid', 'true');
        if (!failed) control.focus();
        failed = true;
      } else {
        control.removeAttribute('aria-invalid');
      }
    }
    return failed ? { failed } : { fields: out };
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const result = read();
    if (result.failed) return;
    ctx.session.submit({ op: 'add', list, item: newId(), fields: result.fields });
    for (const field of fields) {
      const control = inputs.get(field.name);
      control.value = field.kind === 'enum' ? field.default || field.values[0] : '';
    }
    const first = inputs.get(fields[0].name);
    if (first) first.focus();
  });

  return { root: form };
}
