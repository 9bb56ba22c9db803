// Key times of the response, computed from the header's status stamps and
// the timeline the way the server's export does: time to declare is first
// alert to declaration; identify, mitigate and resolve count from the first
// alert. The first alert is the earliest entry of kind alert, else the
// earliest entry.

import { parseISO } from './time.js';

// firstAlert returns the timeline entry that counts as the first alert.
export function firstAlert(entries) {
  const live = entries.filter((r) => !r.deleted && parseISO(r.fields.at));
  return live.find((r) => r.fields.kind === 'alert') || live[0] || null;
}

// formatSpan writes a length of time as "1h 05m" or "12m".
export function formatSpan(ms) {
  const sign = ms < 0 ? '-' : '';
  const minutes = Math.round(Math.abs(ms) / 60000);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h > 0 ? `${sign}${h}h ${String(m).padStart(2, '0')}m` : `${sign}${m}m`;
}

// keyTimes returns [{name, text}] for the four measured spans.
export function keyTimes(header, entries) {
  const alert = firstAlert(entries);
  const start = alert ? parseISO(alert.fields.at) : null;
  const f = header ? header.fields : {};
  const span = (name, iso) => {
    const end = parseISO(iso);
    return { name, text: start && end ? formatSpan(end - start) : 'not yet' };
  };
  return [
    span('Time to declare', f.declaredAt),
    span('Time to identify', f.identifiedAt),
    span('Time to mitigate', f.mitigatedAt),
    span('Time to resolve', f.resolvedAt),
  ];
}
