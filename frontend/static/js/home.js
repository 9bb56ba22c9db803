// Home page: declare an incident and list all incidents, with links to the
// boards whose links this browser holds.

import { el, setText } from './dom.js';
import { knownLinks, rememberLinks } from './links.js';
import { checkName, storedName } from './name.js';
import { loadSchema } from './schema.js';
import { formatTime, parseISO } from './time.js';
import { valueLabel } from './labels.js';

const NAME_KEY = 'sitrep.name';

async function showSeverities(container) {
  const schema = await loadSchema();
  const header = schema.lists.find((l) => l.name === 'header');
  const field = header && header.fields.find((f) => f.name === 'severity');
  const values = field && field.values.length ? field.values : Object.keys(schema.severities);
  container.replaceChildren(...values.map((value, index) => {
    const id = `severity-${value}`;
    return el('div', { class: 'severity-option' },
      el('input', { type: 'radio', name: 'severity', id, value, checked: index === 0, 'data-test': 'declare-severity-option' }),
      el('label', { for: id }, el('strong', { class: `sev sev-${value}`, text: value }), ' ',
        el('span', { text: schema.severities[value] || '' })));
  }));
}

// normalTitle folds case and spacing, so that "Checkout  503" and
// "checkout 503" compare equal.
function normalTitle(title) {
  return String(title || '').toLowerCase().replace(/\s+/g, ' ').trim();
}

// MIN_MATCH is the shortest title that may match by containment: shorter
// ones, such as "API", would match too much.
const MIN_MATCH = 8;

// activeLookalikes returns the active incidents whose title equals title or
// contains it, or is contained in it. It returns none when the list cannot
// be read: a failed check must never stop anyone from declaring.
async function activeLookalikes(title) {
  const typed = normalTitle(title);
  try {
    const params = new URLSearchParams({ status: 'active', q: title });
    const response = await fetch(`/api/incidents?${params}`, { headers: { Accept: 'application/json' } });
    if (!response.ok) return [];
    const data = await response.json();
    return (Array.isArray(data.incidents) ? data.incidents : []).filter((incident) => {
      const other = normalTitle(incident.title);
      if (other === typed) return true;
      const [shorter, longer] = other.length < typed.length ? [other, typed] : [typed, other];
      return shorter.length >= MIN_MATCH && longer.includes(shorter);
    });
  } catch {
    return [];
  }
}

// showLookalikes lists the active incidents that look like the one being
// declared, with their boards' links where this browser has them.
function showLookalikes(box, incidents) {
  const links = knownLinks();
  box.replaceChildren(
    el('p', { text: incidents.length === 1
      ? 'An active incident looks like this one. Join it rather than declare it twice:'
      : 'Active incidents look like this one. Join one rather than declare it twice:' }),
    el('ul', {}, ...incidents.map((incident) => {
      const known = links[incident.id];
      const name = `${incident.id} ${incident.title} (${incident.severity}, ${valueLabel(incident.status || '')})`;
      return el('li', { 'data-test': 'duplicate', 'data-id': incident.id },
        known && known.editUrl ? el('a', { href: known.editUrl, text: name }) : `${name}: ask its incident commander for the link`);
    })),
    el('p', { text: 'If it is a different incident, press Declare incident again.' }));
  box.hidden = false;
}

async function declare(form) {
  const title = form.elements.title.value.trim();
  const severityInput = form.querySelector('input[name="severity"]:checked');
  const by = form.elements.by.value.trim();
  const titleError = document.getElementById('declare-title-error');
  const formError = document.getElementById('declare-error');
  setText(titleError, title ? '' : 'Enter a title, such as the symptom customers see.');
  setText(formError, '');
  if (!title) {
    form.elements.title.focus();
    return;
  }
  if (by && checkName(by)) {
    setText(formError, checkName(by));
    return;
  }
  // Two people often declare the same outage at once. The first press
  // shows the active lookalikes; a second press with the same title
  // declares anyway.
  const duplicates = document.getElementById('declare-duplicates');
  if (form.dataset.confirmedTitle !== title) {
    const lookalikes = await activeLookalikes(title);
    if (lookalikes.length > 0) {
      form.dataset.confirmedTitle = title;
      showLookalikes(duplicates, lookalikes);
      return;
    }
  }
  duplicates.hidden = true;
  const body = { title, severity: severityInput ? severityInput.value : 'P0' };
  if (by) {
    body.by = by;
    try {
      localStorage.setItem(NAME_KEY, by);
    } catch {
      console.warn('sitrep: could not keep the display name in localStorage');
    }
  }
  const submit = form.querySelector('button[type="submit"]');
  submit.disabled = true;
  try {
    const response = await fetch('/api/incidents', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(body),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = data.error || {};
      setText(formError, `Declaring failed: ${error.field ? `${error.field}: ` : ''}${error.message || `HTTP ${response.status}`}`);
      return;
    }
    rememberLinks(data.id, { editUrl: data.editUrl, viewUrl: data.viewUrl, countdownUrl: data.countdownUrl, title });
    window.location.assign(data.editUrl);
  } catch (err) {
    setText(formError, `Declaring failed: the server could not be reached (${err.message}). Try again.`);
  } finally {
    submit.disabled = false;
  }
}

function incidentItem(incident, links) {
  const facts = el('p', { class: 'incident-facts' },
    el('strong', { class: `sev sev-${incident.severity}`, text: incident.severity }), ' ',
    el('span', { class: `status-value status-${incident.status}`, 'data-test': 'incident-status', text: valueLabel(incident.status || '') }),
    ` · declared ${formatTime(incident.declaredAt)}`, ageText(incident.declaredAt),
    incident.nextDue ? el('span', { 'data-test': 'incident-next-due', text: ` · next deadline ${formatTime(incident.nextDue)}` }) : '');
  const linkList = [];
  if (links && links.editUrl) linkList.push(el('a', { href: links.editUrl, 'data-test': 'open-board', text: 'Open board' }));
  if (links && links.viewUrl) linkList.push(el('a', { href: links.viewUrl, 'data-test': 'open-view', text: 'Stakeholder view' }));
  if (links && links.countdownUrl) linkList.push(el('a', { href: links.countdownUrl, 'data-test': 'open-countdown', text: 'Countdown' }));
  const access = linkList.length
    ? el('p', { class: 'incident-links' }, ...linkList.flatMap((a, i) => (i ? [' · ', a] : [a])))
    : el('p', { class: 'incident-nolink', 'data-test': 'no-link', text: 'This browser has no link to this incident: ask the incident commander for it.' });
  return el('li', { class: `incident incident-${incident.status}`, 'data-test': 'incident', 'data-id': incident.id },
    el('h3', { class: 'incident-title' }, el('span', { class: 'incident-id', text: incident.id }), ' ', incident.title),
    facts, access);
}

// ageText returns " · open 2h 05m" for an incident declared at iso.
function ageText(iso) {
  const declared = parseISO(iso);
  if (!declared) return '';
  const minutes = Math.max(0, Math.round((Date.now() - declared.getTime()) / 60000));
  const h = Math.floor(minutes / 60);
  return ` · age ${h > 0 ? `${h}h ${String(minutes % 60).padStart(2, '0')}m` : `${minutes}m`}`;
}

// showIncidents lists the incidents the filter form selects; the server
// filters, so the search covers timeline text this page never loads.
async function showIncidents() {
  const status = document.getElementById('list-status');
  const list = document.getElementById('incidents');
  const params = new URLSearchParams();
  for (const [name, value] of new FormData(document.getElementById('list-filter'))) {
    if (String(value).trim()) params.set(name, String(value).trim());
  }
  try {
    const response = await fetch(`/api/incidents?${params}`, { headers: { Accept: 'application/json' } });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error((data.error && data.error.message) || `HTTP ${response.status}`);
    const incidents = Array.isArray(data.incidents) ? data.incidents : [];
    const links = knownLinks();
    list.replaceChildren(...incidents.map((incident) => incidentItem(incident, links[incident.id])));
    setText(status, incidents.length ? `${incidents.length} ${incidents.length === 1 ? 'incident' : 'incidents'}, active ones first.` : (params.toString() ? 'No incidents match the filter.' : 'No incidents yet.'));
  } catch (err) {
    setText(status, `Loading the incidents failed (${err.message}). Reload the page to try again.`);
  }
}

function main() {
  const form = document.getElementById('declare');
  form.elements.by.value = storedName();
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    declare(form);
  });
  showSeverities(document.getElementById('severity-options'));
  document.getElementById('list-filter').addEventListener('submit', (event) => {
    event.preventDefault();
    showIncidents();
  });
  showIncidents();
}

main();
