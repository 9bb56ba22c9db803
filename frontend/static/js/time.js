// Time formatting and parsing. The board stores and sends UTC times as
// RFC 3339 strings. People read and type them as UTC, with their local time
// shown beside for orientation.

const pad = (n) => String(n).padStart(2, '0');

// utcDateTime formats a Date as "YYYY-MM-DD HH:MM" in UTC.
export function utcDateTime(date) {
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}`;
}

// localClock formats the viewer's local time of a Date, with the local date
// only when it differs from the UTC date, e.g. "15:23 local".
export function localClock(date) {
  const time = `${pad(date.getHours())}:${pad(date.getMinutes())}`;
  const sameDay = date.getFullYear() === date.getUTCFullYear() && date.getMonth() === date.getUTCMonth() &&
    date.getDate() === date.getUTCDate();
  if (sameDay) return `${time} local`;
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${time} local`;
}

// parseISO returns the Date of an RFC 3339 string, or null for "" or garbage.
export function parseISO(iso) {
  if (!iso) return null;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

// formatTime formats an RFC 3339 string as "2026-12-04 14:23 UTC (15:23 local)",
// or returns "" for an empty or invalid time.
export function formatTime(iso) {
  const date = parseISO(iso);
  if (!date) return '';
  return `${utcDateTime(date)} UTC (${localClock(date)})`;
}

// toRFC3339 formats milliseconds since the epoch as the server's time format,
// UTC to the second: "2026-12-04T14:23:00Z".
export function toRFC3339(ms) {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

// inputValue returns the text a time input shows for a stored time.
export function inputValue(iso) {
  const date = parseISO(iso);
  return date ? utcDateTime(date) : '';
}

const HALF_DAY = 12 * 3600 * 1000;

// parseTimeInput reads what a person typed into a time field, as UTC:
//   "YYYY-MM-DD HH:MM" (or with T, seconds, a trailing Z),
//   "HH:MM" or "HH:MM:SS": the nearest such time within 12 hours of now,
//     so 23:50 typed at 00:10 means yesterday,
//   "+15m", "+1h", "+1h30m": that long after now.
// nowMs is the server clock. It returns {iso} or {error}; empty input returns
// {iso: ''} and the caller decides what empty means.
export function parseTimeInput(text, nowMs) {
  const s = text.trim();
  if (s === '') return { iso: '' };

  const relative = /^\+\s*(?:(\d{1,3})\s*h)?\s*(?:(\d{1,4})\s*m)?$/i.exec(s);
  if (relative && (relative[1] || relative[2])) {
    const minutes = Number(relative[1] || 0) * 60 + Number(relative[2] || 0);
    return { iso: toRFC3339(nowMs + minutes * 60000) };
  }

  const full = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?\s*(?:Z|UTC)?$/i.exec(s);
  if (full) {
    const [, y, mo, d, h, mi, sec] = full.map((part) => (part === undefined ? undefined : Number(part)));
    if (!validClock(h, mi, sec || 0) || mo < 1 || mo > 12 || d < 1 || d > 31) return invalid(s);
    const ms = Date.UTC(y, mo - 1, d, h, mi, sec || 0);
    if (new Date(ms).getUTCDate() !== d) return invalid(s);
    return { iso: toRFC3339(ms) };
  }

  const clock = /^(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(?:Z|UTC)?$/i.exec(s);
  if (clock) {
    const h = Number(clock[1]);
    const mi = Number(clock[2]);
    const sec = Number(clock[3] || 0);
    if (!validClock(h, mi, sec)) return invalid(s);
    const now = new Date(nowMs);
    const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), h, mi, sec);
    let best = today;
    for (const candidate of [today - 86400000, today + 86400000]) {
      if (Math.abs(candidate - nowMs) < Math.abs(best - nowMs)) best = candidate;
    }
    if (Math.abs(best - nowMs) > HALF_DAY) best = today;
    return { iso: toRFC3339(best) };
  }
  return invalid(s);
}

function validClock(h, mi, sec) {
  return h >= 0 && h <= 23 && mi >= 0 && mi <= 59 && sec >= 0 && sec <= 59;
}

function invalid(s) {
  return { error: `"${s}" is not a time: use YYYY-MM-DD HH:MM or HH:MM in UTC, or +15m` };
}

// formatDuration formats a length of time as "1h 02m 05s", "3m 10s" or "45s".
export function formatDuration(ms) {
  const total = Math.floor(Math.abs(ms) / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h}h ${pad(m)}m ${pad(s)}s`;
  if (m > 0) return `${m}m ${pad(s)}s`;
  return `${s}s`;
}

// clockDigits formats a length of time as digits for the big countdown,
// "1:02:05" or "03:10".
export function clockDigits(ms) {
  const total = Math.floor(Math.abs(ms) / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${pad(m)}:${pad(s)}`;
}

// countdownText describes a due time relative to now: "due in 4m 05s" or
// "overdue by 3m 10s". Both arguments are milliseconds on the server clock.
export function countdownText(dueMs, nowMs) {
  const left = dueMs - nowMs;
  if (left >= 0) return { overdue: false, text: `due in ${formatDuration(left)}` };
  return { overdue: true, text: `overdue by ${formatDuration(-left)}` };
}
