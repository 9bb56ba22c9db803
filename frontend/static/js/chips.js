// Affected services as chips, from the header's comma-separated text.

import { el } from './dom.js';

// serviceNames splits comma-separated text into trimmed, non-empty names.
export function serviceNames(text) {
  return String(text || '').split(/[,\n]/).map((s) => s.trim()).filter(Boolean);
}

// renderChips replaces a list element's items with one chip per service.
export function renderChips(listEl, text) {
  const names = serviceNames(text);
  const signature = names.join('\u0000');
  if (listEl.dataset.signature === signature) return;
  listEl.dataset.signature = signature;
  listEl.replaceChildren(...names.map((name) => el('li', { class: 'chip', 'data-test': 'service-chip', text: name })));
  listEl.hidden = names.length === 0;
}
