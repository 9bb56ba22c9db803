// Scheduling of work that can wait until the board is on screen.

// IDLE_TIMEOUT_MS bounds how long idle work waits on a page that is never
// idle, such as one receiving a burst of changes.
const IDLE_TIMEOUT_MS = 200;

// SLICE_MS is the time one slice may take in browsers without
// requestIdleCallback.
const SLICE_MS = 12;

// afterPaint runs fn once the browser has rendered the next frame.
// requestAnimationFrame callbacks run before that frame's style, layout and
// paint, so the task queued from one runs after them.
export function afterPaint(fn) {
  requestAnimationFrame(() => setTimeout(fn, 0));
}

// whenIdle runs fn(deadline) in an idle period of the page, or after
// IDLE_TIMEOUT_MS without one. deadline.timeRemaining() returns the
// milliseconds fn may take, as requestIdleCallback defines it.
export function whenIdle(fn) {
  if (typeof window.requestIdleCallback === 'function') {
    window.requestIdleCallback(fn, { timeout: IDLE_TIMEOUT_MS });
    return;
  }
  setTimeout(() => {
    const end = performance.now() + SLICE_MS;
    fn({ didTimeout: false, timeRemaining: () => Math.max(0, end - performance.now()) });
  }, 0);
}
