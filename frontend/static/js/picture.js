// The incident on a time axis: severity and status as coloured bands, and
// rows of markers for alerts, updates to each audience, other timeline
// entries and actions taken. Built as inline SVG through DOM calls, with
// user text only in <title> elements' textContent.

import { formatTime, parseISO, utcDateTime } from './time.js';

const NS = 'http://www.w3.org/2000/svg';
// WIDTH is the drawing's width when its frame has no width yet, and
// MIN_WIDTH the narrowest it is drawn: a narrower frame scrolls sideways.
const WIDTH = 960;
const MIN_WIDTH = 420;
const LEFT = 110;
const RIGHT = 20;
const ROW = 26;

const BAND_COLOURS = {
  P0: '#c62828', P1: '#ef6c00', P2: '#f9a825',
  investigating: '#c62828', identified: '#ef6c00', monitoring: '#1565c0', resolved: '#2e7d32', closed: '#546e7a',
};
const MARK_COLOURS = { alert: '#c62828', update: '#1565c0', auto: '#6d4c41', 'all-clear': '#2e7d32', note: '#424242', action: '#6a1b9a' };

function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

// bands returns [{value, start, end}] for a header field from its history.
export function bands(header, field, endMs) {
  const points = (header.history && header.history[field] || []).map((p) => ({ value: p.value, at: parseISO(p.at) }));
  const meta = header.meta && header.meta[field];
  points.push({ value: header.fields[field], at: parseISO(meta && meta.at) || parseISO(header.fields.declaredAt) });
  const valid = points.filter((p) => p.at).sort((a, b) => a.at - b.at);
  const out = [];
  valid.forEach((p, i) => {
    const stop = i + 1 < valid.length ? valid[i + 1].at.getTime() : endMs;
    if (stop > p.at.getTime()) out.push({ value: p.value, start: p.at.getTime(), end: stop });
  });
  return out;
}

// drawPicture returns the SVG for the header, timeline entries and actions
// taken, with the axis ending at nowMs or at resolution. frameWidth is the
// width in CSS pixels it is shown at: drawn at that width, its text keeps
// its font size instead of shrinking with the drawing.
export function drawPicture(header, entries, actions, nowMs, frameWidth = WIDTH) {
  const width = Math.max(MIN_WIDTH, Math.round(frameWidth) || WIDTH);
  const f = header.fields;
  const times = [...entries, ...actions].map((r) => parseISO(r.fields.at)).filter(Boolean).map((d) => d.getTime());
  const declared = parseISO(f.declaredAt);
  if (declared) times.push(declared.getTime());
  const resolved = parseISO(f.resolvedAt);
  const end = resolved ? Math.max(resolved.getTime(), ...times) : Math.max(nowMs, ...times);
  const start = Math.min(...times, end - 60000);
  const x = (ms) => LEFT + ((ms - start) / Math.max(1, end - start)) * (width - LEFT - RIGHT);

  const audiences = [...new Set(entries.filter((r) => r.fields.kind === 'update').map((r) => r.fields.audience || 'update'))];
  const rows = ['Severity', 'Status', 'Events', ...audiences.map((a) => `Update: ${a}`), 'Actions'];
  const height = 30 + rows.length * ROW;
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', class: 'picture', 'data-test': 'picture',
    'aria-label': `Incident picture from ${utcDateTime(new Date(start))} to ${utcDateTime(new Date(end))} UTC` });
  root.append(svg('title', {}, 'Incident picture: severity and status bands, events, updates and actions on a UTC time axis'));
  rows.forEach((name, i) => {
    const label = name.length > 16 ? `${name.slice(0, 15)}…` : name;
    root.append(svg('text', { x: 4, y: 20 + i * ROW + 12, 'font-size': 11, fill: 'currentColor' }, label));
  });

  const drawBands = (field, row) => {
    for (const band of bands(header, field, end)) {
      const rect = svg('rect', { x: x(band.start), y: 14 + row * ROW, width: Math.max(1, x(band.end) - x(band.start)), height: ROW - 8,
        fill: BAND_COLOURS[band.value] || '#757575', 'data-test': `band-${field}`, 'data-value': band.value });
      rect.append(svg('title', {}, `${field} ${band.value} from ${formatTime(new Date(band.start).toISOString())}`));
      root.append(rect);
      if (x(band.end) - x(band.start) > 60) {
        root.append(svg('text', { x: x(band.start) + 4, y: 14 + row * ROW + 13, 'font-size': 10, fill: '#fff' }, band.value));
      }
    }
  };
  drawBands('severity', 0);
  drawBands('status', 1);

  const mark = (record, row, colour, text) => {
    const at = parseISO(record.fields.at);
    if (!at) return;
    const dot = svg('circle', { cx: x(at.getTime()), cy: 18 + row * ROW + (ROW - 8) / 2 - 4, r: 5, fill: colour,
      'data-test': 'mark', 'data-id': record.id });
    dot.append(svg('title', {}, `${formatTime(record.fields.at)}: ${text}`));
    root.append(dot);
  };
  for (const r of entries) {
    const kind = r.fields.kind || 'note';
    if (kind === 'update') mark(r, 3 + audiences.indexOf(r.fields.audience || 'update'), MARK_COLOURS.update, r.fields.text);
    else mark(r, 2, MARK_COLOURS[kind] || MARK_COLOURS.note, r.fields.text);
  }
  for (const r of actions) mark(r, rows.length - 1, MARK_COLOURS.action, r.fields.action);

  // Axis: about six ticks on whole minutes, labelled HH:MM UTC. The first
  // label, and the first of each new day, carries the date, so an incident
  // past midnight stays unambiguous. A label that would overlap the one
  // before it is left out; widths are estimated at 6 px a character.
  const axisY = height - 8;
  root.append(svg('line', { x1: LEFT, x2: width - RIGHT, y1: axisY - 10, y2: axisY - 10, stroke: 'currentColor', 'stroke-width': 1 }));
  const step = Math.max(60000, Math.ceil((end - start) / 6 / 60000) * 60000);
  let shownDay = '';
  let lastRight = -Infinity;
  for (let t = Math.ceil(start / step) * step, i = 0; t <= end && i < 12; t += step, i += 1) {
    const label = utcDateTime(new Date(t));
    const day = label.slice(0, 10);
    const text = day !== shownDay ? `${label} UTC` : label.slice(11);
    const textWidth = text.length * 6;
    // A label near either end is anchored there, so that it is not cut.
    let anchor = 'middle';
    let left = x(t) - textWidth / 2;
    if (x(t) < LEFT + 60) [anchor, left] = ['start', x(t)];
    else if (x(t) > width - RIGHT - 60) [anchor, left] = ['end', x(t) - textWidth];
    if (left < lastRight + 8) continue;
    lastRight = left + textWidth;
    shownDay = day;
    root.append(svg('text', { x: x(t), y: axisY, 'font-size': 10, 'text-anchor': anchor, fill: 'currentColor' }, text));
  }
  return root;
}
