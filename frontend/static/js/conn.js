// Websocket connection to one incident: hello, reconnect with backoff, and
// the "time" round trips that keep the clock estimate fresh and detect a
// dead connection (browsers cannot see the server's ping frames).

import { recordRough, recordTimeReply } from './clock.js';

const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 30000;
const RESTART_MIN_MS = 250;
const RESTART_SPREAD_MS = 5000;
const TIME_EVERY_MS = 10000;
const TIME_REPLY_TIMEOUT_MS = 5000;
// The server closes a connection without hello after 10 s; a welcome that
// takes longer than this means the connection is not working.
const WELCOME_TIMEOUT_MS = 10000;
const CLOSE_POLICY = 1008;
const CLOSE_RESTART = 1012;

// Connection states: 'connecting' while a socket opens or waits for its
// welcome, 'live' once welcomed, 'waiting' between attempts, and 'stopped'
// after the server rejected the link.
export class Connection {
  // url: the websocket address. hello(): returns the hello message for a new
  // socket. onMessage(msg): every message but "time" replies.
  // onState(state, detail): state changes; detail has {code, reason,
  // attempt, retryInMs} where known.
  constructor({ url, hello, onMessage, onState }) {
    this.url = url;
    this.hello = hello;
    this.onMessage = onMessage;
    this.onState = onState;
    this.socket = null;
    this.state = 'waiting';
    this.attempt = 0;
    this.timers = new Set();
    this.timeRequests = new Map();
    this.everConnected = false;
    this.keyChange = null;
    window.addEventListener('online', () => {
      if (this.state === 'waiting') this.connect();
    });
  }

  setState(state, detail = {}) {
    this.state = state;
    this.onState(state, { attempt: this.attempt, ...detail });
  }

  later(fn, ms) {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
    return timer;
  }

  clearTimers() {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    clearInterval(this.timeLoop);
    this.timeRequests.clear();
  }

  // connect opens a new socket, dropping any previous one.
  connect() {
    if (this.state === 'stopped') return;
    this.drop();
    this.setState('connecting', { reconnect: this.everConnected });
    let socket;
    try {
      socket = new WebSocket(this.url);
    } catch (err) {
      console.warn(`sitrep: cannot open ${this.url}: ${err.message}`);
      this.retry();
      return;
    }
    this.socket = socket;
    // The token this socket sent in its hello. A close 1008 after the page
    // moved to a new token revokes the old link, not this page's.
    let sentToken = '';
    const watchdog = this.later(() => this.restart('no welcome within 10 s'), WELCOME_TIMEOUT_MS);
    socket.addEventListener('open', () => {
      if (this.socket !== socket) return;
      const hello = this.hello();
      sentToken = hello.token;
      socket.send(JSON.stringify(hello));
    });
    socket.addEventListener('message', (event) => {
      if (this.socket !== socket) return;
      let msg;
      try {
        msg = JSON.parse(event.data);
      } catch {
        console.warn('sitrep: ignoring a message that is not JSON');
        return;
      }
      if (msg.type === 'time') {
        this.receiveTime(msg);
        return;
      }
      if (msg.type === 'welcome') {
        clearTimeout(watchdog);
        this.timers.delete(watchdog);
        this.attempt = 0;
        this.everConnected = true;
        recordRough(msg.serverTime);
        // Live before the welcome is handled, so the outbox can be sent
        // from the handler; listeners hear of it afterwards. The clock
        // request goes first, so a long outbox cannot crowd it out.
        this.state = 'live';
        this.sendTime();
      }
      this.onMessage(msg);
      if (msg.type === 'welcome' && this.socket === socket && this.state === 'live') {
        this.setState('live');
        this.timeLoop = setInterval(() => this.sendTime(), TIME_EVERY_MS);
      }
    });
    socket.addEventListener('close', (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.clearTimers();
      this.closed(event.code, event.reason, sentToken);
    });
  }

  // waitForKey marks the page's token as being replaced. Until promise
  // settles, a close 1008 waits for the new token instead of stopping.
  waitForKey(promise) {
    const pending = promise.then(() => undefined);
    this.keyChange = pending;
    const clear = () => {
      if (this.keyChange === pending) this.keyChange = null;
    };
    pending.then(clear, clear);
  }

  closed(code, reason, sentToken) {
    if (code === CLOSE_POLICY && this.keyChange) {
      this.setState('connecting', { reconnect: true });
      this.keyChange.then(() => this.connect(), () => this.setState('stopped', { code, reason }));
      return;
    }
    if (code === CLOSE_POLICY && sentToken && sentToken !== this.hello().token) {
      this.connect();
      return;
    }
    if (code === CLOSE_POLICY) {
      this.setState('stopped', { code, reason });
      return;
    }
    if (code === CLOSE_RESTART) {
      // The server is restarting: come back soon, spread over five seconds
      // so hundreds of open boards do not all return in the same second.
      this.setState('waiting', { code, reason, quiet: true, retryInMs: 0 });
      this.later(() => this.connect(), RESTART_MIN_MS + Math.random() * RESTART_SPREAD_MS);
      return;
    }
    this.retry(code, reason);
  }

  // retry waits a full-jitter exponential backoff, then connects again.
  retry(code, reason) {
    const cap = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** this.attempt);
    const delay = Math.random() * cap;
    this.attempt += 1;
    this.setState('waiting', { code, reason, retryInMs: delay });
    this.later(() => this.connect(), delay);
  }

  // restart closes the socket and reconnects after a backoff, as after a
  // drop: used for a sequence gap, a missing time reply or a stuck hello.
  restart(why) {
    console.info(`sitrep: reconnecting: ${why}`);
    this.drop();
    this.retry();
  }

  drop() {
    this.clearTimers();
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      try {
        socket.close(1000, 'reconnecting');
      } catch {
        // A socket still opening cannot always be closed cleanly; dropping
        // the reference is enough because its events are ignored.
      }
    }
  }

  // stop closes the connection for good.
  stop(reason) {
    this.drop();
    this.setState('stopped', { reason });
  }

  // send writes a message when live and reports whether it went out.
  send(msg) {
    if (this.state !== 'live' || !this.socket || this.socket.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(msg));
    return true;
  }

  sendTime() {
    const t = Date.now();
    const sentPerf = performance.now();
    if (!this.send({ type: 'time', t })) return;
    const timer = this.later(() => {
      if (this.timeRequests.has(t)) this.restart('no time reply within 5 s');
    }, TIME_REPLY_TIMEOUT_MS);
    this.timeRequests.set(t, { sentPerf, timer });
  }

  receiveTime(msg) {
    const request = this.timeRequests.get(msg.t);
    if (!request) return;
    this.timeRequests.delete(msg.t);
    clearTimeout(request.timer);
    this.timers.delete(request.timer);
    if (typeof msg.server === 'number') recordTimeReply(request.sentPerf, msg.server);
  }
}
