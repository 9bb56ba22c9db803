// Parts shared by the incident pages: the fatal message and the share links.

import { el, setText } from './dom.js';

export const revokedMessage = 'This link is invalid or has been revoked, so the board stopped connecting. ' +
  'Ask the incident commander for a current link.';

// showFatal shows a message that stops the page, in the #fatal element.
export function showFatal(message) {
  const node = document.getElementById('fatal');
  if (!node) return;
  setText(node, message);
  node.hidden = false;
}

// showShareLinks lists the stakeholder view and countdown links this
// browser stores for the incident, so the commander can pass them on.
export function showShareLinks(container, links) {
  if (!container || !links) return;
  const items = [];
  if (links.viewUrl) items.push(['Stakeholder view (read-only)', links.viewUrl, 'share-view']);
  if (links.countdownUrl) items.push(['Countdown screen', links.countdownUrl, 'share-countdown']);
  if (items.length === 0) return;
  const list = el('ul', { class: 'share-list' });
  for (const [label, url, test] of items) {
    const absolute = new URL(url, window.location.origin).href;
    const copy = el('button', { type: 'button', class: 'button button-quiet', 'data-test': `${test}-copy`, text: 'Copy link',
      'aria-label': `Copy the ${label} link` });
    copy.addEventListener('click', async () => {
      try {
        await navigator.clipboard.writeText(absolute);
        setText(copy, 'Copied');
      } catch {
        setText(copy, 'Copy failed: select the link');
      }
      setTimeout(() => setText(copy, 'Copy link'), 3000);
    });
    list.append(el('li', {}, el('a', { href: absolute, 'data-test': test, text: label }), ' ', copy));
  }
  container.replaceChildren(el('details', { class: 'share', 'data-test': 'share' },
    el('summary', { text: 'Links to share' }), list));
}
