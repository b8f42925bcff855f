import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ACTIVITY_EVENTS, IdleTimer, watchIdle } from "./idle";

describe("IdleTimer", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("fires once after the idle time with no activity", () => {
    const onIdle = vi.fn();
    const t = new IdleTimer(60_000, onIdle);
    t.start();
    vi.advanceTimersByTime(59_999);
    expect(onIdle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onIdle).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(10 * 60_000);
    expect(onIdle).toHaveBeenCalledTimes(1);
  });

  it("counts from the last activity", () => {
    const onIdle = vi.fn();
    const t = new IdleTimer(60_000, onIdle);
    t.start();
    vi.advanceTimersByTime(50_000);
    t.activity();
    vi.advanceTimersByTime(50_000);
    expect(onIdle).not.toHaveBeenCalled();
    t.activity();
    vi.advanceTimersByTime(59_000);
    expect(onIdle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1_000);
    expect(onIdle).toHaveBeenCalledTimes(1);
  });

  it("does nothing once stopped", () => {
    const onIdle = vi.fn();
    const t = new IdleTimer(1_000, onIdle);
    t.start();
    t.stop();
    t.activity();
    vi.advanceTimersByTime(5_000);
    expect(onIdle).not.toHaveBeenCalled();
  });

  it("uses an injected clock", () => {
    let now = 0;
    const pending: { at: number; fn: () => void }[] = [];
    const clock = {
      now: () => now,
      setTimeout: (fn: () => void, ms: number) => pending.push({ at: now + ms, fn }),
      clearTimeout: () => {},
    };
    const onIdle = vi.fn();
    new IdleTimer(100, onIdle, clock).start();
    now = 100;
    pending.shift()?.fn();
    expect(onIdle).toHaveBeenCalledTimes(1);
  });
});

describe("watchIdle", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each(ACTIVITY_EVENTS)("treats %s as activity", (name) => {
    const onIdle = vi.fn();
    const stop = watchIdle(window, 2, onIdle);
    vi.advanceTimersByTime(90_000);
    window.dispatchEvent(new Event(name));
    vi.advanceTimersByTime(90_000);
    expect(onIdle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(30_000);
    expect(onIdle).toHaveBeenCalledTimes(1);
    stop();
  });

  it("stops listening when stopped", () => {
    const onIdle = vi.fn();
    const stop = watchIdle(window, 1, onIdle);
    stop();
    window.dispatchEvent(new Event("keydown"));
    vi.advanceTimersByTime(5 * 60_000);
    expect(onIdle).not.toHaveBeenCalled();
  });
});
