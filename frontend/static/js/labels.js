// Words the board shows for lists, fields and enum values.

export const LIST_TITLES = {
  header: 'Incident',
  timeline: 'Timeline',
  services: 'Current system state',
  hypotheses: 'Hypotheses',
  actions: 'Actions taken',
  roles: 'Roles and owners',
  updates: 'Next updates',
  actionItems: 'Action items',
  checklist: 'Before-the-call checklist',
  followUp: 'Follow-up',
};

// Singular names, used in messages such as "kim added a timeline entry".
export const ITEM_NAMES = {
  header: 'incident header',
  timeline: 'timeline entry',
  services: 'service',
  hypotheses: 'hypothesis',
  actions: 'action taken',
  roles: 'role',
  updates: 'next update',
  actionItems: 'action item',
  checklist: 'checklist item',
  followUp: 'follow-up item',
};

const FIELD_LABELS = {
  header: {
    title: 'Title', severity: 'Severity', status: 'Status', declaredAt: 'Declared at',
    customerImpact: 'Customer impact', affectedServices: 'Affected services (comma-separated)',
    statusPageText: 'Status page text', statusPagePostedAt: 'Status page last posted',
    identifiedAt: 'Identified at', mitigatedAt: 'Mitigated at', resolvedAt: 'Resolved at', closedAt: 'Closed at',
    postmortemAt: 'Postmortem meeting',
  },
  timeline: { at: 'Time (UTC)', text: 'What happened', kind: 'Kind' },
  services: { name: 'Service', state: 'State', note: 'Note' },
  hypotheses: { text: 'Hypothesis', owner: 'Owner', state: 'State', note: 'Note' },
  actions: { at: 'Time (UTC)', action: 'Action', owner: 'Owner', result: 'Result' },
  roles: { role: 'Role', person: 'Person' },
  updates: { name: 'Update', due: 'Due (UTC)', audience: 'Audience', cadence: 'Every (minutes, 0 = no reminders)' },
  actionItems: { owner: 'Owner', action: 'Action', due: 'Due', status: 'Status' },
  checklist: { label: 'Item', done: 'Done', link: 'Link' },
  followUp: { label: 'Item', done: 'Done', due: 'Due (UTC)' },
};

// fieldLabel returns the label of a field, falling back to its name.
export function fieldLabel(list, field) {
  return (FIELD_LABELS[list] && FIELD_LABELS[list][field]) || field;
}

// valueLabel returns how an enum value reads: "ruled-out" reads "ruled out".
export function valueLabel(value) {
  return String(value).replace(/-/g, ' ');
}

// errorFieldLabel turns an error's field path such as "fields.status" into
// the field's label, or returns the path unchanged.
export function errorFieldLabel(list, path) {
  if (!path) return '';
  const name = path.startsWith('fields.') ? path.slice('fields.'.length) : path;
  return fieldLabel(list, name);
}

// shortValue renders a field value for messages, cut to 80 characters.
export function shortValue(value) {
  if (value === true) return 'done';
  if (value === false) return 'not done';
  const s = value === undefined || value === null ? '' : String(value);
  return s.length > 80 ? `${s.slice(0, 79)}…` : s;
}
