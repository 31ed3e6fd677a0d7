/** Injected so that rules and tests never read the system time directly. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export function fixedClock(iso: string): Clock {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) throw new Error(`fixedClock: not a date: ${iso}`);
  return { now: () => new Date(at) };
}
