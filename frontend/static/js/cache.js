// Board cache: the last records this browser saw of an incident, kept in
// localStorage. A page reloaded without a connection still shows the board
// with its pending edits, and reconnects with "since" instead of loading the
// whole incident again. Each link's role has its own entry, so a
// stakeholder page never reads what an edit page stored.

import { loadJSON, saveJSON } from './dom.js';

// A cache larger than this is not stored, because Chromium and Firefox give
// localStorage about 5 MB per origin and the outbox must always fit.
const MAX_CHARS = 2000000;
const SAVE_DELAY_MS = 1000;

const cacheKey = (incidentId, role) => `sitrep.board.${role}.${incidentId}`;

// loadCached returns {seq, records} as last stored, or null.
export function loadCached(incidentId, role) {
  const cached = loadJSON(cacheKey(incidentId, role), null);
  if (!cached || !Number.isInteger(cached.seq) || !Array.isArray(cached.records)) return null;
  return cached;
}

// clearCached removes the cached board, as when its link was revoked.
export function clearCached(incidentId, role) {
  try {
    localStorage.removeItem(cacheKey(incidentId, role));
  } catch {
    // Storage blocked: there is nothing to clear.
  }
}

// cacheWriter returns a function that stores the store's records at most
// once a second.
export function cacheWriter(incidentId, role, store) {
  let timer = 0;
  return function saveSoon() {
    if (timer) return;
    timer = setTimeout(() => {
      timer = 0;
      if (!store.loaded) return;
      const value = { seq: store.seq, records: [...store.records.values()] };
      const text = JSON.stringify(value);
      if (text.length > MAX_CHARS) {
        clearCached(incidentId, role);
        return;
      }
      saveJSON(cacheKey(incidentId, role), value);
    }, SAVE_DELAY_MS);
  };
}
