/**
 * The time source. Every component that reads the time takes a Clock so tests can
 * pass their own; the default is the system clock.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

/** The system clock. */
export const systemClock: Clock = { now: () => Date.now() };
