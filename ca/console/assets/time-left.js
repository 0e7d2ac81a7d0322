// How much time is left, as the console prints it: "42s", "4m 59s", "2h 5m", "3d 1h", "expired".
// One module for both sides: the server renders it into the page and the browser
// (console.js imports it as /assets/time-left.js) counts it down.

/**
 * @param {number} ms
 * @returns {string}
 */
export function formatLeft(ms) {
  if (ms <= 0) return 'expired';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86400)}d ${Math.floor((s % 86400) / 3600)}h`;
}
