// @ts-nocheck -- runs in the browser; the project's TypeScript setup has no DOM types.
// The console's script, served as a file ('self' in the Content-Security-Policy):
// follows /events, fetches the page again when the CA reports a change and swaps
// in its <main>, and counts time left down every second. It builds no markup
// itself: every value it shows comes escaped from the server. A module script
// (deferred, strict), so the `export {}` the build appends is valid.

import { formatLeft } from './time-left.js';

const live = document.getElementById('live');
// Time left counts from the CA's clock, which the page states in data-now.
let skewMs = 0;

function readSkew() {
  const now = Number(document.getElementById('content')?.dataset.now);
  if (Number.isFinite(now) && now > 0) skewMs = now - Date.now();
}

function tick() {
  const now = Date.now() + skewMs;
  for (const el of document.querySelectorAll('[data-expires-at]')) {
    el.textContent = formatLeft(Number(el.dataset.expiresAt) - now);
  }
}

function setLive(state) {
  live.dataset.state = state;
  live.textContent = state;
}

// One refresh at a time; a change reported during one asks for another.
let refreshing = false;
let again = false;
async function refresh() {
  if (refreshing) {
    again = true;
    return;
  }
  refreshing = true;
  try {
    const res = await fetch(location.href, { cache: 'no-store', credentials: 'same-origin' });
    if (res.ok) {
      const next = new DOMParser().parseFromString(await res.text(), 'text/html').getElementById('content');
      if (next) document.getElementById('content').replaceWith(document.adoptNode(next));
      readSkew();
      tick();
      document.dispatchEvent(new CustomEvent('console:refreshed'));
    }
  } finally {
    refreshing = false;
    if (again) {
      again = false;
      void refresh();
    }
  }
}

readSkew();
tick();
setInterval(tick, 1000);

const events = new EventSource('/events');
events.addEventListener('hello', () => setLive('live'));
events.addEventListener('change', () => void refresh());
events.addEventListener('error', () => setLive(events.readyState === EventSource.CLOSED ? 'offline' : 'reconnecting'));
