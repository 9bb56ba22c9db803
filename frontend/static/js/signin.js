// Sign-in page: sends the access key to the server, which sets an HTTP-only
// cookie, then goes to the home page.

import { setText } from './dom.js';

async function signIn(form) {
  const key = form.elements.key.value;
  const error = document.getElementById('signin-error');
  setText(error, '');
  if (!key) {
    setText(error, 'Enter the access key.');
    form.elements.key.focus();
    return;
  }
  const submit = form.querySelector('button[type="submit"]');
  submit.disabled = true;
  try {
    const response = await fetch('/signin', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ key }),
    });
    if (response.ok) {
      window.location.assign('/');
      return;
    }
    const data = await response.json().catch(() => ({}));
    const message = (data.error && data.error.message) || `HTTP ${response.status}`;
    setText(error, `Signing in failed: ${message}`);
    form.elements.key.select();
  } catch (err) {
    setText(error, `Signing in failed: the server could not be reached (${err.message}). Try again.`);
  } finally {
    submit.disabled = false;
  }
}

const form = document.getElementById('signin');
form.addEventListener('submit', (event) => {
  event.preventDefault();
  signIn(form);
});
