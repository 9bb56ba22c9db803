// Section menu: a button for every part of the board that moves focus to
// it. On a phone the board is many screens long, and the number keys that
// jump between sections (shortcuts.js) are out of reach. Buttons rather
// than #anchors, because the page's address keeps the edit key after #.

import { el } from './dom.js';

// createSectionNav returns a closed "Sections" disclosure listing the
// sections of container, each with the text of its heading.
export function createSectionNav(container) {
  const list = el('ul', { class: 'share-list section-nav-list' });
  const root = el('details', { class: 'share section-nav', 'data-test': 'section-nav' },
    el('summary', { text: 'Sections' }), list);
  for (const section of container.querySelectorAll(':scope > section')) {
    const heading = section.querySelector('h2');
    if (!heading) continue;
    // The heading's first text is the title; a count may follow it.
    const title = heading.firstChild ? heading.firstChild.textContent.trim() : heading.textContent.trim();
    const button = el('button', { type: 'button', class: 'button button-quiet', 'data-test': 'section-jump',
      'data-target': heading.id, text: title });
    button.addEventListener('click', () => {
      root.open = false;
      if (!section.hasAttribute('tabindex')) section.setAttribute('tabindex', '-1');
      section.focus();
      section.scrollIntoView({ block: 'start' });
    });
    list.append(el('li', {}, button));
  }
  return root;
}
