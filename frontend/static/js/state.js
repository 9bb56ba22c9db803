// Records store. The server sends whole records, and the store keeps the
// latest of each with the incident's sequence number. It orders every list
// the way the server does, so all screens agree. Unconfirmed local changes
// are laid over the records when a page requests a view.

const key = (list, id) => `${list}/${id}`;

// Lists ordered by their "at" time; hypotheses go by rank; the rest by when
// they were added. Ties fall back to the order of adding, then to the id.
const BY_TIME = new Set(['timeline', 'actions']);

export class Store {
  constructor() {
    this.records = new Map();
    this.seq = 0;
    this.loaded = false;
  }

  // replaceAll replaces every record with the given ones, as of seq.
  replaceAll(records, seq) {
    this.records.clear();
    for (const record of records || []) this.records.set(key(record.list, record.id), record);
    this.seq = seq;
    this.loaded = true;
  }

  // applyChange applies a "change" message. It returns 'old' for a change the
  // store already holds, 'gap' when changes are missing before it (the caller
  // reconnects with since), and 'applied' otherwise.
  applyChange(change) {
    if (change.seq <= this.seq) return 'old';
    if (change.seq > this.seq + 1) return 'gap';
    for (const record of change.records || []) this.records.set(key(record.list, record.id), record);
    this.seq = change.seq;
    return 'applied';
  }

  get(list, id) {
    return this.records.get(key(list, id));
  }

  // view returns the records with pending changes laid over them, as a Map
  // keyed by "list/id". Overlaid records carry pending: true and the names of
  // their unconfirmed fields in pendingFields.
  view(pending, nowIso) {
    const out = new Map(this.records);
    for (const change of pending) {
      const k = key(change.list, change.item);
      const current = out.get(k);
      if (change.op === 'add') {
        if (current) continue;
        const fields = { ...(change.fields || {}) };
        if (!fields.at && BY_TIME.has(change.list)) fields.at = nowIso;
        out.set(k, { list: change.list, id: change.item, fields, createdSeq: Number.MAX_SAFE_INTEGER,
          rank: Number.MAX_SAFE_INTEGER, pending: true, pendingAdd: true, pendingFields: Object.keys(fields) });
        continue;
      }
      if (!current) continue;
      const next = { ...current, fields: { ...current.fields }, pending: true,
        pendingFields: [...(current.pendingFields || [])] };
      if (change.op === 'update') {
        Object.assign(next.fields, change.fields || {});
        next.pendingFields.push(...Object.keys(change.fields || {}));
      } else if (change.op === 'delete') {
        next.deleted = true;
      } else if (change.op === 'restore') {
        next.deleted = false;
      } else if (change.op === 'move') {
        next.rank = moveRank(out, change);
      }
      out.set(k, next);
    }
    return out;
  }
}

// moveRank computes the rank a move gives an item, the way the server does:
// halfway between the item it is placed before and the one ahead of that.
function moveRank(records, change) {
  const ranks = [];
  for (const record of records.values()) {
    if (record.list === change.list && record.id !== change.item) ranks.push(record);
  }
  if (!change.before) return Math.max(0, ...ranks.map((r) => r.rank || 0)) + 1;
  const next = ranks.find((r) => r.id === change.before);
  if (!next) return records.get(key(change.list, change.item)).rank;
  let prev = next.rank - 2;
  for (const r of ranks) {
    if (r.rank < next.rank && r.rank > prev) prev = r.rank;
  }
  return (prev + next.rank) / 2;
}

// compareRecords orders two records of one list as the server does.
export function compareRecords(a, b) {
  if (BY_TIME.has(a.list)) {
    const ta = (a.fields && a.fields.at) || '';
    const tb = (b.fields && b.fields.at) || '';
    if (ta !== tb) return ta < tb ? -1 : 1;
  } else if (a.list === 'updates') {
    // Next updates go by due time, the soonest first; those without one last.
    const da = (a.fields && a.fields.due) || '~';
    const db = (b.fields && b.fields.due) || '~';
    if (da !== db) return da < db ? -1 : 1;
  } else if (a.list === 'hypotheses') {
    const ra = a.rank || 0;
    const rb = b.rank || 0;
    if (ra !== rb) return ra - rb;
  }
  const sa = a.createdSeq || 0;
  const sb = b.createdSeq || 0;
  if (sa !== sb) return sa - sb;
  if (a.id === b.id) return 0;
  return a.id < b.id ? -1 : 1;
}

// listRecords returns the records of one list from a view, in board order.
export function listRecords(view, list) {
  const out = [];
  for (const record of view.values()) {
    if (record.list === list) out.push(record);
  }
  return out.sort(compareRecords);
}
