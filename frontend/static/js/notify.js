// Notifications panel: sets the incident's Slack-compatible incoming
// webhook and shows where notifications go (the host only, since the URL is
// a secret) and how the last delivery went.

import { el, setText } from './dom.js';
import { formatTime } from './time.js';

// createNotify builds the panel. getToken returns the current edit token.
export function createNotify({ id, getToken }) {
  const input = el('input', { type: 'url', class: 'control', id: 'webhook-url', autocomplete: 'off',
    placeholder: 'https://hooks.slack.com/services/…', 'data-test': 'webhook-url' });
  const save = el('button', { type: 'submit', class: 'button', 'data-test': 'webhook-save', text: 'Save webhook' });
  const state = el('p', { class: 'webhook-state', 'data-test': 'webhook-state' });
  const error = el('p', { class: 'notify-error', role: 'alert', 'data-test': 'webhook-error' });
  const form = el('form', { class: 'webhook-form', novalidate: true },
    el('label', { for: 'webhook-url', class: 'field-label', text: 'Incoming webhook URL (empty removes it)' }), input, save);
  const root = el('details', { class: 'share', 'data-test': 'notify' }, el('summary', { text: 'Notifications' }), state, error, form);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    save.disabled = true;
    try {
      const response = await fetch(`/api/incidents/${encodeURIComponent(id)}/webhook`, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${getToken()}` },
        body: JSON.stringify({ url: input.value.trim() }),
      });
      const data = await response.json().catch(() => ({}));
      if (!response.ok) {
        const e = data.error || {};
        throw new Error(`${e.field ? `${e.field}: ` : ''}${e.message || `HTTP ${response.status}`}`);
      }
      input.value = '';
      setText(error, '');
    } catch (err) {
      setText(error, `Saving the webhook failed: ${err.message}`);
    } finally {
      save.disabled = false;
    }
  });

  // render shows the webhook record, or that no webhook is set.
  function render(record) {
    const f = record ? record.fields : {};
    if (!f.host) {
      setText(state, 'No webhook set: updates, severity and status changes are not sent anywhere.');
    } else {
      const delivered = f.lastDeliveredAt ? ` Last delivered ${formatTime(f.lastDeliveredAt)}.` : '';
      setText(state, `Notifications go to ${f.host}.${delivered}`);
    }
    setText(error, f.lastError ? `Last delivery failed ${formatTime(f.lastErrorAt)}: ${f.lastError}` : '');
  }

  return { root, render };
}
