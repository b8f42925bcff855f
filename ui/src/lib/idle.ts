// Auto-lock: calls `onIdle` once nobody has touched the keyboard, mouse or screen for a
// while. The clock is injectable so tests can drive it with fake timers.

/** The window events that count as someone using Waymark. */
export const ACTIVITY_EVENTS = ["keydown", "pointerdown", "mousemove", "wheel", "touchstart"] as const;

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Fires `onIdle` once, `ms` after the last `activity()`. Activity only records the time
 * (cheap enough for every mouse move); the single timer re-arms itself for whatever is
 * left when it wakes early.
 */
export class IdleTimer {
  private last = 0;
  private handle: unknown = null;
  private running = false;

  constructor(
    private readonly ms: number,
    private readonly onIdle: () => void,
    private readonly clock: Clock = systemClock,
  ) {}

  start(): void {
    this.stop();
    this.running = true;
    this.last = this.clock.now();
    this.arm(this.ms);
  }

  activity(): void {
    if (this.running) this.last = this.clock.now();
  }

  stop(): void {
    this.running = false;
    if (this.handle !== null) this.clock.clearTimeout(this.handle);
    this.handle = null;
  }

  private arm(delay: number): void {
    this.handle = this.clock.setTimeout(() => this.wake(), Math.max(0, delay));
  }

  private wake(): void {
    this.handle = null;
    if (!this.running) return;
    const left = this.last + this.ms - this.clock.now();
    if (left > 0) {
      this.arm(left);
      return;
    }
    this.running = false;
    this.onIdle();
  }
}

/** Watches `target` for activity and calls `onIdle` after `minutes` without any.
 * Returns a function that stops watching. */
export function watchIdle(
  target: EventTarget,
  minutes: number,
  onIdle: () => void,
  clock: Clock = systemClock,
): () => void {
  const timer = new IdleTimer(minutes * 60_000, onIdle, clock);
  const onActivity = () => timer.activity();
  for (const name of ACTIVITY_EVENTS) target.addEventListener(name, onActivity, { passive: true });
  timer.start();
  return () => {
    timer.stop();
    for (const name of ACTIVITY_EVENTS) target.removeEventListener(name, onActivity);
  };
}
