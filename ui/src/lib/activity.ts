// The window tells the shell it is being used, so the shell's idle lock does not lock a desk
// someone is working at. The lock itself is the shell's: if this stops, the desk still locks.

/** At most one `touch` per this long (the IPC contract's limit). */
export const TOUCH_INTERVAL_MS = 5000;

/**
 * The throttle for a given idle-lock time: the contract's 5 s, but never so long that a desk in
 * steady use goes a whole idle period without a `touch` (a council may set the lock to a few
 * seconds on a training desk): at least three touches fit in one idle period.
 */
export function touchIntervalFor(idleLockSecs: number): number {
  if (!Number.isFinite(idleLockSecs) || idleLockSecs <= 0) return TOUCH_INTERVAL_MS;
  return Math.min(TOUCH_INTERVAL_MS, Math.floor((idleLockSecs * 1000) / 3));
}

/** The events that count as use. Background work (sync, polling) never calls `touch`. */
export const ACTIVITY_EVENTS = ['keydown', 'pointerdown', 'wheel'] as const;

/**
 * Returns a function that calls `fn` at once and then at most once per `intervalMs`; calls in
 * between are dropped (the next one after the interval goes through).
 */
export function throttle(
  fn: () => void,
  intervalMs: number | (() => number),
  now: () => number = Date.now,
): () => void {
  let last = -Infinity;
  const interval = typeof intervalMs === 'function' ? intervalMs : () => intervalMs;
  return () => {
    const t = now();
    if (t - last < interval()) return;
    last = t;
    fn();
  };
}

/** Sends throttled `touch`es for activity on `target` until the returned function is called. */
export function reportActivity(
  target: Pick<Window, 'addEventListener' | 'removeEventListener'>,
  touch: () => void,
  intervalMs: number | (() => number) = TOUCH_INTERVAL_MS,
  now: () => number = Date.now,
): () => void {
  const send = throttle(touch, intervalMs, now);
  const options = { capture: true, passive: true } as const;
  for (const name of ACTIVITY_EVENTS) target.addEventListener(name, send, options);
  return () => {
    for (const name of ACTIVITY_EVENTS) target.removeEventListener(name, send, options);
  };
}

/** "Council Desk locks after 5 minutes without use." in words for the lock and sign-in screens. */
export function idleLockSentence(seconds: number): string {
  const s = Math.max(1, Math.round(seconds));
  const amount =
    s % 60 === 0 ? `${s / 60} ${s === 60 ? 'minute' : 'minutes'}` : `${s} ${s === 1 ? 'second' : 'seconds'}`;
  return `Council Desk locks after ${amount} without use.`;
}
