// Outbox of changes sent but not yet confirmed, kept in localStorage per
// incident so a reload, a crash or a dead network loses no edit. A change
// leaves the outbox when the server's "change" or "ack" with its id arrives,
// or when the server rejects it for good.

import { loadJSON, saveJSON } from './dom.js';

// MAX_IN_FLIGHT is half the server's default burst of 100 messages per
// connection, leaving room for time requests and name changes.
const MAX_IN_FLIGHT = 50;

export class Outbox {
  constructor(incidentId) {
    this.storageKey = `sitrep.outbox.${incidentId}`;
    const stored = loadJSON(this.storageKey, []);
    // Each entry: {change, retryAt}. retryAt is set after an "unavailable"
    // error and is the time (Date.now()) of the next attempt.
    this.entries = Array.isArray(stored) ? stored.filter((e) => e && e.change && e.change.id) : [];
    // Ids sent on the current connection, so a change is resent only after
    // a reconnect or an "unavailable" error, never twice on one connection.
    this.sentOnConnection = new Set();
  }

  get size() {
    return this.entries.length;
  }

  changes() {
    return this.entries.map((e) => e.change);
  }

  has(id) {
    return this.entries.some((e) => e.change.id === id);
  }

  // add appends a change and stores the outbox.
  add(change) {
    this.entries.push({ change, retryAt: 0 });
    this.save();
  }

  // remove drops the change with the given id and returns it, or null.
  remove(id) {
    const index = this.entries.findIndex((e) => e.change.id === id);
    if (index < 0) return null;
    const [entry] = this.entries.splice(index, 1);
    this.sentOnConnection.delete(id);
    this.save();
    return entry.change;
  }

  // markUnavailable schedules the change for another attempt after delayMs.
  markUnavailable(id, delayMs) {
    const entry = this.entries.find((e) => e.change.id === id);
    if (!entry) return;
    entry.retryAt = Date.now() + delayMs;
    this.sentOnConnection.delete(id);
    this.save();
  }

  // newConnection clears the sent marks, so every entry goes out again in
  // order, with the same ids, on the next connection.
  newConnection() {
    this.sentOnConnection.clear();
    for (const entry of this.entries) entry.retryAt = 0;
  }

  // due returns the changes to send now, in the order they were made. No
  // change overtakes one waiting to be sent again, so the server stores them
  // in order, and at most MAX_IN_FLIGHT wait for an answer at a time, which
  // keeps a long outbox under the server's burst limit.
  due(now = Date.now()) {
    const out = [];
    let inFlight = this.sentOnConnection.size;
    for (const e of this.entries) {
      if (this.sentOnConnection.has(e.change.id)) continue;
      if (e.retryAt > now || inFlight >= MAX_IN_FLIGHT) break;
      out.push(e.change);
      inFlight++;
    }
    return out;
  }

  // nextRetry returns the earliest retry time of a waiting change, or 0.
  nextRetry() {
    let next = 0;
    for (const e of this.entries) {
      if (!this.sentOnConnection.has(e.change.id) && e.retryAt > 0 && (next === 0 || e.retryAt < next)) next = e.retryAt;
    }
    return next;
  }

  markSent(id) {
    this.sentOnConnection.add(id);
  }

  save() {
    if (!saveJSON(this.storageKey, this.entries)) {
      console.warn(`sitrep: could not store the outbox of ${this.entries.length} changes in localStorage`);
    }
  }
}
