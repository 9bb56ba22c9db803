// Row placement helpers for keyed lists: put rows in order without moving
// the row that has focus, because moving a focused element blurs it and
// would cut off someone's typing.

// placeRows makes container's children exactly `rows`, in order. When one of
// the rows contains the focused element it stays where it is and the others
// are arranged around it.
export function placeRows(container, rows) {
  if (!container.firstElementChild) {
    // An empty list, as on the first render, takes all rows in one insert
    // instead of one per row.
    const fragment = document.createDocumentFragment();
    fragment.append(...rows);
    container.append(fragment);
    return;
  }
  const expected = new Set(rows);
  for (const child of [...container.children]) {
    if (!expected.has(child)) child.remove();
  }
  const anchorIndex = rows.findIndex((row) => row.contains(document.activeElement) && row.parentNode === container);
  if (anchorIndex < 0) {
    let cursor = container.firstElementChild;
    for (const row of rows) {
      if (row === cursor) {
        cursor = cursor.nextElementSibling;
      } else {
        container.insertBefore(row, cursor);
      }
    }
    return;
  }
  // Rows after the anchor, left to right, each right after its predecessor.
  for (let i = anchorIndex + 1; i < rows.length; i++) {
    if (rows[i - 1].nextElementSibling !== rows[i]) container.insertBefore(rows[i], rows[i - 1].nextElementSibling);
  }
  // Rows before the anchor, right to left, each right before its successor.
  for (let i = anchorIndex - 1; i >= 0; i--) {
    if (rows[i + 1].previousElementSibling !== rows[i]) container.insertBefore(rows[i], rows[i + 1]);
  }
}

// holdsFocus reports whether an element contains the focused element.
export function holdsFocus(node) {
  return node.contains(document.activeElement) && document.activeElement !== document.body;
}
