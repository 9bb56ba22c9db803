// Parts shared by the incident pages: the fatal message.

import { setText } from './dom.js';

export const revokedMessage = 'This link is invalid or has been revoked, so the board stopped connecting. ' +
  'Ask the incident commander for a current link.';

// revokedText returns the message for a connection the server closed with
// 1008, with the server's reason, such as "link revoked", when it sent one.
export function revokedText(status) {
  return status.reason ? `${revokedMessage} (The server said: ${status.reason}.)` : revokedMessage;
}

// showFatal shows a message that stops the page, in the #fatal element.
export function showFatal(message) {
  const node = document.getElementById('fatal');
  if (!node) return;
  setText(node, message);
  node.hidden = false;
}

// coalesce returns a function that runs fn once, after the current task,
// however often it is called before then, so a burst of changes renders once.
export function coalesce(fn) {
  let scheduled = false;
  return () => {
    if (scheduled) return;
    scheduled = true;
    Promise.resolve().then(() => {
      scheduled = false;
      fn();
    });
  };
}
