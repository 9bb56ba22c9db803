// Session: one incident's connection, records and outbox working together.
// It applies what the server sends, keeps local edits pending until the
// server confirms them, and reports the connection's state for the page.

import { cacheWriter, clearCached, loadCached } from './cache.js';
import { Connection } from './conn.js';
import { newId } from './dom.js';
import { socketURL } from './links.js';
import { Outbox } from './outbox.js';
import { Store } from './state.js';

const RETRY_BASE_MS = 1000;
const RETRY_MAX_MS = 30000;

// openSession connects to an incident and calls these optional callbacks:
//   onRecords(): records or pending changes changed, so the page re-renders.
//   onWelcome(msg): a welcome arrived, with the role and incident id.
//   onChange(change, mine): a change was applied; mine is true when this tab sent it.
//   onReplaced(entry, change): change replaced a value this person had set.
//   onReject(change, error): the server rejected a change of this tab for good.
//   onError(error): an error arrived that belongs to no pending change.
//   onPresence(msg): the editors and viewer count changed.
//   onStatus(status): the connection changed; status is {state, text, pending,
//     revoked, reason}, where reason is the server's close reason after a 1008.
export function openSession({ incidentId, token, role, getName, ...callbacks }) {
  const call = (name, ...args) => callbacks[name] && callbacks[name](...args);
  const store = new Store();
  const cached = loadCached(incidentId, role);
  if (cached) store.replaceAll(cached.records, cached.seq);
  const saveCache = cacheWriter(incidentId, role, store);
  const outbox = role === 'edit' ? new Outbox(incidentId) : null;
  const sentByThisTab = new Set();
  const retries = new Map();
  let connState = { state: 'waiting', detail: {} };
  let retryTimer = 0;
  let needFull = false;
  let currentToken = token;

  const pendingCount = () => (outbox ? outbox.size : 0);

  function status() {
    const pending = pendingCount();
    const suffix = pending > 0 ? `, ${pending} ${pending === 1 ? 'edit' : 'edits'} pending` : '';
    const { state, detail } = connState;
    if (state === 'live') return { state: 'live', text: pending > 0 ? `live, sending ${pending}` : 'live', pending };
    if (state === 'stopped') {
      return { state: 'offline', revoked: detail.code === 1008, reason: detail.reason || '', pending,
        text: detail.code === 1008 ? `offline: link invalid or revoked${suffix}` : `offline${suffix}` };
    }
    const offline = navigator.onLine === false || (state === 'waiting' && !detail.quiet && detail.attempt >= 2);
    if (offline) return { state: 'offline', text: `offline${suffix}`, pending };
    const verb = conn.everConnected ? 'reconnecting…' : 'connecting…';
    return { state: 'connecting', text: `${verb}${suffix}`, pending };
  }

  const report = () => call('onStatus', status());

  const conn = new Connection({
    url: socketURL(incidentId),
    hello: () => {
      const msg = { type: 'hello', token: currentToken, since: store.loaded && !needFull ? store.seq : 0 };
      if (role === 'edit') msg.name = getName();
      return msg;
    },
    onMessage: receive,
    onState: (state, detail) => {
      connState = { state, detail };
      if (state === 'stopped' && detail.code === 1008) clearCached(incidentId, role);
      report();
    },
  });

  function receive(msg) {
    switch (msg.type) {
      case 'welcome': return welcome(msg);
      case 'change': return change(msg);
      case 'ack': return confirm(msg.id);
      case 'error': return rejected(msg);
      case 'presence': return call('onPresence', msg);
      default: return console.warn(`sitrep: ignoring a message of unknown type ${msg.type}`);
    }
  }

  function welcome(msg) {
    call('onWelcome', msg);
    if (Array.isArray(msg.records)) {
      store.replaceAll(msg.records, msg.seq);
      needFull = false;
    } else {
      for (const c of msg.changes || []) {
        if (store.applyChange(c) === 'gap') {
          needFull = true;
          conn.restart('the catch-up changes have a gap');
          return;
        }
        if (outbox && outbox.remove(c.id)) sentByThisTab.add(c.id);
      }
      if (store.seq !== msg.seq) {
        // The server is at an older sequence than this screen: reload it whole.
        needFull = true;
        conn.restart(`the server is at seq ${msg.seq}, this screen at ${store.seq}`);
        return;
      }
    }
    if (outbox) outbox.newConnection();
    saveCache();
    call('onRecords');
    flushSoon();
  }

  function change(msg) {
    const result = store.applyChange(msg);
    if (result === 'gap') {
      conn.restart(`sequence gap: got ${msg.seq}, held ${store.seq}`);
      return;
    }
    const mine = Boolean(outbox && outbox.remove(msg.id)) || sentByThisTab.has(msg.id);
    // A confirmation frees a place for the next pending change.
    if (mine) flushSoon();
    if (result === 'old') {
      call('onRecords');
      return;
    }
    const name = getName();
    for (const entry of msg.replaced || []) {
      if (entry.by === name) call('onReplaced', entry, msg);
    }
    saveCache();
    call('onChange', msg, mine);
    call('onRecords');
    report();
  }

  function confirm(id) {
    if (outbox && outbox.remove(id)) {
      flushSoon();
      call('onRecords');
      report();
    }
  }

  function rejected(msg) {
    const pending = msg.id && outbox && outbox.changes().find((c) => c.id === msg.id);
    if (!pending) {
      call('onError', msg);
      return;
    }
    // A change the server did not store for now, because the database did
    // not respond or the connection sent too fast, is sent again later.
    if (msg.code === 'unavailable' || msg.code === 'rate-limited') {
      const tries = (retries.get(msg.id) || 0) + 1;
      retries.set(msg.id, tries);
      const cap = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** tries);
      outbox.markUnavailable(msg.id, cap / 2 + Math.random() * (cap / 2));
      flushSoon();
      report();
      return;
    }
    outbox.remove(msg.id);
    retries.delete(msg.id);
    call('onReject', pending, msg);
    call('onRecords');
    report();
  }

  // flushSoon sends every due change in order and arms a timer for changes
  // waiting after an "unavailable" error.
  function flushSoon() {
    if (!outbox) return;
    clearTimeout(retryTimer);
    for (const c of outbox.due()) {
      if (!conn.send(c)) break;
      outbox.markSent(c.id);
    }
    const next = outbox.nextRetry();
    if (next > 0) retryTimer = setTimeout(flushSoon, Math.max(0, next - Date.now()) + 10);
  }

  // submit queues a change ({op, list, item, fields, before}) with a fresh id
  // and the sequence number the screen showed, and sends it when live.
  function submit(partial, base = store.seq) {
    const msg = { type: 'change', id: newId(), ...partial, base };
    sentByThisTab.add(msg.id);
    outbox.add(msg);
    flushSoon();
    call('onRecords');
    report();
    return msg.id;
  }

  // rename sends a new display name for this connection.
  function rename(name) {
    conn.send({ type: 'name', name });
  }

  window.addEventListener('offline', report);
  window.addEventListener('online', report);
  conn.connect();
  report();
  // A cached board is shown at once; the welcome brings it up to date.
  if (cached) call('onRecords');
  return {
    store,
    outbox,
    submit,
    rename,
    status,
    pending: () => (outbox ? outbox.changes() : []),
    stop: (reason) => conn.stop(reason),
    // rotateToken switches to the token promise resolves to. The server
    // closes this connection when it revokes the old token, and the
    // connection waits for the new one instead of reporting the link revoked.
    rotateToken: (promise) => conn.waitForKey(promise.then((fresh) => {
      currentToken = fresh;
    })),
    token: () => currentToken,
  };
}
