// Server clock estimate. Countdowns must agree on every screen whatever each
// viewer's own clock shows, so they run on the server's clock, estimated from
// the "time" round trips the connection makes.

// Samples older than this many round trips are dropped, so the estimate
// follows the server if either clock is adjusted.
const KEEP_SAMPLES = 12;

const samples = [];
let rough = null;

// Each sample pins a server time to a performance.now() reading, a monotonic
// clock, so a change of the viewer's wall clock between samples does not move
// the countdowns.
function pin(serverMs, perfMs, roundTrip) {
  return { serverMs, perfMs, roundTrip };
}

// recordTimeReply adds a sample from a "time" reply. sentPerf is the
// performance.now() reading when the request left, server the server's clock
// in milliseconds when it replied. The server's clock at arrival is
// estimated as server + roundTrip / 2.
export function recordTimeReply(sentPerf, server) {
  const now = performance.now();
  const roundTrip = Math.max(0, now - sentPerf);
  samples.push(pin(server + roundTrip / 2, now, roundTrip));
  if (samples.length > KEEP_SAMPLES) samples.shift();
  return roundTrip;
}

// recordRough keeps the server time a welcome message carried. It is used
// only until the first round trip is measured, because its delay is unknown.
export function recordRough(serverMs) {
  if (typeof serverMs === 'number' && Number.isFinite(serverMs)) rough = pin(serverMs, performance.now(), Infinity);
}

// serverNow returns the estimated server time in milliseconds since the
// epoch: from the sample with the smallest round trip, else the welcome's
// time, else the viewer's own clock.
export function serverNow() {
  let best = rough;
  for (const sample of samples) {
    if (!best || sample.roundTrip < best.roundTrip) best = sample;
  }
  if (!best) return Date.now();
  return best.serverMs + (performance.now() - best.perfMs);
}

// clockOffset returns how far the viewer's clock is behind the server's, in
// milliseconds (positive when the viewer's clock is slow).
export function clockOffset() {
  return serverNow() - Date.now();
}
