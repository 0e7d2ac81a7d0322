/** The largest delay setTimeout honours; a longer one, like a negative or NaN one, fires after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;
