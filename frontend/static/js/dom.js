// Element helpers. User text only ever reaches the page through textContent
// or attribute values, never through innerHTML.

// el creates an element. attrs sets attributes (class, data-*, aria-*, for,
// type...) except a few properties: text (textContent), value, checked,
// disabled and hidden. Children may be nodes, strings or null.
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'text') node.textContent = value;
    else if (key === 'value') node.value = value;
    else if (key === 'checked' || key === 'disabled' || key === 'hidden') node[key] = Boolean(value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  append(node, children);
  return node;
}

// append adds children (nodes, strings, arrays, nulls skipped) to node.
export function append(node, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

// setText replaces an element's text only when it differs, so screen readers
// and selections are not disturbed by identical updates.
export function setText(node, text) {
  const value = text === undefined || text === null ? '' : String(text);
  if (node.textContent !== value) node.textContent = value;
}

// clear removes every child of node.
export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
}

// safeLink returns an <a> for an http: or https: URL, or null for anything
// else (javascript:, data:, relative paths), so user text cannot run script.
export function safeLink(url, text) {
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
  return el('a', { href: parsed.href, rel: 'noopener noreferrer', target: '_blank', text: text || parsed.href });
}

// byteLength returns the UTF-8 length of s, the unit of the server's limits.
export function byteLength(s) {
  return new TextEncoder().encode(s).length;
}

// newId returns a random UUID for item and change ids. crypto.randomUUID
// exists only in secure contexts, so plain-http deployments fall back to
// getRandomValues, which every context has.
export function newId() {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// loadJSON reads a localStorage entry, returning fallback when it is missing,
// unreadable or storage is blocked.
export function loadJSON(key, fallback) {
  try {
    const raw = localStorage.getItem(key);
    return raw === null ? fallback : JSON.parse(raw);
  } catch {
    return fallback;
  }
}

// saveJSON writes a localStorage entry and reports whether it was stored.
export function saveJSON(key, value) {
  try {
    localStorage.setItem(key, JSON.stringify(value));
    return true;
  } catch {
    return false;
  }
}
