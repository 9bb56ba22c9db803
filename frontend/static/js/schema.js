// The board's schema: lists, fields, allowed values and limits, read from
// GET /api/schema. The built-in copy mirrors board/schema.go and is used when
// the request fails, so a board still renders on a flaky network.

const KINDS = ['text', 'enum', 'time', 'bool', 'url', 'int'];

const text = (name, max, extra = {}) => ({ name, kind: 'text', max, ...extra });
const enumOf = (name, values, extra = {}) => ({ name, kind: 'enum', values, ...extra });
const time = (name, extra = {}) => ({ name, kind: 'time', ...extra });
const bool = (name) => ({ name, kind: 'bool', stamp: true });
const server = (field) => ({ ...field, serverOnly: true });

const BUILT_IN = {
  severities: {
    P0: 'Critical: a core function is down or data is at risk for many customers',
    P1: 'Major: a key function is degraded or down for some customers',
    P2: 'Minor: limited impact, a workaround exists',
  },
  lists: [
    { name: 'header', single: true, public: true, fields: [
      text('title', 200, { required: true }), enumOf('severity', ['P0', 'P1', 'P2'], { required: true }),
      enumOf('status', ['investigating', 'identified', 'monitoring', 'resolved', 'closed'], { required: true }),
      time('declaredAt', { required: true }), text('customerImpact', 2000), text('affectedServices', 2000),
      text('statusPageText', 2000), time('statusPagePostedAt'), time('identifiedAt'), time('mitigatedAt'),
      time('resolvedAt'), time('closedAt'), time('postmortemAt')] },
    { name: 'timeline', public: true, fields: [time('at', { required: true, default: 'now' }), text('text', 2000, { required: true }),
      enumOf('kind', ['note', 'alert', 'update', 'auto', 'all-clear'], { default: 'note' }), server(text('audience', 120))] },
    { name: 'services', fields: [text('name', 120, { required: true }),
      enumOf('state', ['healthy', 'degraded', 'down', 'unknown'], { default: 'unknown' }), text('note', 2000)] },
    { name: 'hypotheses', ranked: true, fields: [text('text', 2000, { required: true }), text('owner', 120),
      enumOf('state', ['open', 'investigating', 'ruled-out', 'confirmed'], { default: 'open' }), text('note', 2000)] },
    { name: 'actions', fields: [time('at', { required: true, default: 'now' }), text('action', 2000, { required: true }),
      text('owner', 120), text('result', 2000)] },
    { name: 'roles', fields: [text('role', 120, { required: true }), text('person', 120)] },
    { name: 'updates', public: true, fields: [text('name', 120, { required: true }), time('due'),
      enumOf('audience', ['internal', 'status-page', 'exec', 'other'], { default: 'other' }),
      { name: 'cadence', kind: 'int', min: 0, maxInt: 1440, default: '0' },
      server(time('lastPostedAt')), server(text('lastText', 2000)), server({ name: 'stopped', kind: 'bool' })] },
    { name: 'actionItems', fields: [text('owner', 120), text('action', 2000, { required: true }), text('due', 120),
      enumOf('status', ['open', 'in-progress', 'done'], { default: 'open' })] },
    { name: 'checklist', fields: [text('label', 240, { required: true }), bool('done'), { name: 'link', kind: 'url', max: 500 }] },
    { name: 'followUp', fields: [text('label', 240, { required: true }), bool('done'), time('due'),
      server(enumOf('clock', ['', 'summary', 'postmortem']))] },
  ],
};

// pick returns the first of the named keys an object has, in any letter
// case, since the endpoint's exact spelling is not fixed by docs/api.md.
function pick(obj, ...names) {
  if (!obj || typeof obj !== 'object') return undefined;
  for (const name of names) {
    if (name in obj) return obj[name];
    const key = Object.keys(obj).find((k) => k.toLowerCase() === name.toLowerCase());
    if (key !== undefined) return obj[key];
  }
  return undefined;
}

function normalizeField(raw) {
  let kind = pick(raw, 'kind', 'type');
  if (typeof kind === 'number') kind = KINDS[kind];
  const values = pick(raw, 'values', 'enum', 'allowed');
  return {
    name: pick(raw, 'name'),
    kind: typeof kind === 'string' ? kind.toLowerCase() : 'text',
    max: Number(pick(raw, 'max', 'maxLength', 'limit')) || 0,
    values: Array.isArray(values) ? values.map(String) : [],
    required: Boolean(pick(raw, 'required')),
    default: pick(raw, 'default') || '',
    stamp: Boolean(pick(raw, 'stamp')),
    serverOnly: Boolean(pick(raw, 'serverOnly')),
    min: Number(pick(raw, 'min')) || 0,
    maxInt: Number(pick(raw, 'maxInt')) || 0,
  };
}

function normalizeSeverities(raw) {
  const meanings = pick(raw, 'severityMeanings', 'severities', 'severity');
  if (Array.isArray(meanings)) {
    const out = {};
    for (const item of meanings) {
      const name = typeof item === 'string' ? item : pick(item, 'name', 'value', 'id', 'severity');
      const meaning = typeof item === 'string' ? '' : pick(item, 'meaning', 'description', 'text');
      if (name) out[name] = meaning || BUILT_IN.severities[name] || '';
    }
    return out;
  }
  if (meanings && typeof meanings === 'object') return { ...meanings };
  return null;
}

// normalizeSchema turns the endpoint's JSON into {severities, lists}, or
// returns null when it contains no usable lists.
export function normalizeSchema(raw) {
  const lists = Array.isArray(raw) ? raw : pick(raw, 'lists', 'sections');
  if (!Array.isArray(lists) || lists.length === 0) return null;
  const out = lists.map((list) => {
    const fields = pick(list, 'fields');
    return {
      name: pick(list, 'name'),
      single: Boolean(pick(list, 'single')),
      ranked: Boolean(pick(list, 'ranked')),
      public: Boolean(pick(list, 'public')),
      system: Boolean(pick(list, 'system')),
      fields: Array.isArray(fields) ? fields.map(normalizeField) : [],
    };
  });
  if (out.some((list) => !list.name || list.fields.some((f) => !f.name))) return null;
  return { severities: normalizeSeverities(raw) || BUILT_IN.severities, lists: out };
}

let cached = null;

// loadSchema fetches the schema once per page. On a failed request or an
// unreadable response it logs a warning and returns the built-in copy.
export async function loadSchema() {
  if (cached) return cached;
  try {
    const response = await fetch('/api/schema', { headers: { Accept: 'application/json' } });
    if (!response.ok) throw new Error(`GET /api/schema returned HTTP ${response.status}`);
    const schema = normalizeSchema(await response.json());
    if (!schema) throw new Error('GET /api/schema returned no lists');
    cached = schema;
  } catch (err) {
    console.warn(`sitrep: using the built-in board schema: ${err.message}`);
    cached = BUILT_IN;
  }
  return cached;
}

// listSchema returns the named list of a schema, or undefined.
export function listSchema(schema, name) {
  return schema.lists.find((list) => list.name === name);
}

// fieldSchema returns the named field of a list's schema, or undefined.
export function fieldSchema(schema, listName, fieldName) {
  const list = listSchema(schema, listName);
  return list && list.fields.find((field) => field.name === fieldName);
}
