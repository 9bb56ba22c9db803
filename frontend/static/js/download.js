// Downloads of files the server builds for editors. The edit token travels
// in the Authorization header, never in a URL, so the page fetches the file
// and offers it through a short-lived Blob URL.

// fetchAuthorized requests an incident's file with the token and returns the
// response, or throws an Error with the server's message.
export async function fetchAuthorized(id, name, token) {
  const response = await fetch(`/api/incidents/${encodeURIComponent(id)}/${name}`, {
    headers: { Authorization: `Bearer ${token}` },
    cache: 'no-store',
  });
  if (!response.ok) {
    const data = await response.json().catch(() => ({}));
    const error = data.error || {};
    throw new Error(error.message || `HTTP ${response.status}`);
  }
  return response;
}

// downloadFile fetches an incident's file and saves it as filename.
export async function downloadFile(id, name, token, filename) {
  const response = await fetchAuthorized(id, name, token);
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The browser has started reading the Blob once click() returns; a
  // minute is ample before the URL is released.
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}
