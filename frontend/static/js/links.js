// Page address parsing and the incident links this browser stores. Links carry the
// token in the fragment (#key=...), which browsers never send to a server.

import { loadJSON, saveJSON } from './dom.js';

const LINKS_KEY = 'sitrep.links';

// pageIncident returns the incident id from a path such as
// /incidents/INC-2026-1204-001/view, and the token from the #key fragment.
export function pageIncident(location = window.location) {
  const match = /^\/incidents\/([^/]+)/.exec(location.pathname);
  const id = match ? decodeURIComponent(match[1]) : '';
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  return { id, token: params.get('key') || '' };
}

// knownLinks returns every incident's stored links, keyed by incident id:
// {editUrl, viewUrl, countdownUrl, title}.
export function knownLinks() {
  const links = loadJSON(LINKS_KEY, {});
  return links && typeof links === 'object' ? links : {};
}

// rememberLinks merges links for one incident into localStorage.
export function rememberLinks(id, links) {
  if (!id) return;
  const all = knownLinks();
  const entry = { ...(all[id] || {}) };
  for (const key of ['editUrl', 'viewUrl', 'countdownUrl', 'title']) {
    if (links[key]) entry[key] = links[key];
  }
  all[id] = entry;
  saveJSON(LINKS_KEY, all);
}

// rememberCurrentPage stores the address of the open page as the incident's
// link of the given kind ('editUrl', 'viewUrl' or 'countdownUrl').
export function rememberCurrentPage(kind) {
  const { id, token } = pageIncident();
  if (id && token) rememberLinks(id, { [kind]: window.location.pathname + window.location.hash });
}

// socketURL returns the websocket address of an incident, ws: or wss: as the page.
export function socketURL(id) {
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${window.location.host}/api/incidents/${encodeURIComponent(id)}/ws`;
}
