// Sentences about changes, for announcements and notices.

import { ITEM_NAMES, errorFieldLabel, fieldLabel, shortValue, valueLabel } from './labels.js';
import { inputValue } from './time.js';

function showValue(list, field, value) {
  if (/At$|^at$|^due$/.test(field) && typeof value === 'string' && /T.*Z$/.test(value)) return `${inputValue(value)} UTC`;
  if (typeof value === 'boolean') return value ? 'done' : 'not done';
  return valueLabel(shortValue(value));
}

// describeChange returns a sentence such as `kim changed Status to
// "monitoring" on the incident header`.
export function describeChange(change) {
  const item = ITEM_NAMES[change.list] || change.list;
  const who = change.by || 'someone';
  const record = (change.records || [])[0];
  switch (change.op) {
    case 'add': return `${who} added a ${item}`;
    case 'delete': return `${who} deleted a ${item}`;
    case 'restore': return `${who} restored a ${item}`;
    case 'move': return `${who} moved a ${item}`;
    default: break;
  }
  if (!record) return `${who} changed a ${item}`;
  const changed = Object.entries(record.meta || {}).filter(([, meta]) => meta && meta.seq === change.seq).map(([name]) => name);
  if (changed.length === 1) {
    const field = changed[0];
    return `${who} changed ${fieldLabel(change.list, field)} to "${showValue(change.list, field, record.fields[field])}" on the ${item}`;
  }
  return `${who} changed the ${item}`;
}

// describeReplaced returns the notice for a value of this person that
// another person's change replaced.
export function describeReplaced(entry, change) {
  const field = fieldLabel(entry.list, entry.field).toLowerCase();
  return `Your value "${showValue(entry.list, entry.field, entry.value)}" for ${field} was replaced by ` +
    `"${showValue(entry.list, entry.field, entry.new)}" from ${change.by || 'someone'}.`;
}

// describeRejected returns the notice for a change the server rejected. The
// message names the field, as the server's error does.
export function describeRejected(change, error) {
  const item = ITEM_NAMES[change.list] || change.list;
  const field = errorFieldLabel(change.list, error.field);
  const verb = { add: 'Adding', update: 'Changing', delete: 'Deleting', restore: 'Restoring', move: 'Moving' }[change.op] || 'Changing';
  return `${verb} the ${item} failed: ${field ? `${field}: ` : ''}${error.message || error.code}`;
}
