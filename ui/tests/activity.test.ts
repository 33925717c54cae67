import { describe, expect, it, vi } from 'vitest';

import {
  ACTIVITY_EVENTS,
  idleLockSentence,
  reportActivity,
  throttle,
  touchIntervalFor,
  TOUCH_INTERVAL_MS,
} from '../src/lib/activity';

describe('throttle', () => {
  it('calls at once, then at most once per interval', () => {
    let now = 1000;
    const fn = vi.fn();
    const t = throttle(fn, 5000, () => now);
    t();
    expect(fn).toHaveBeenCalledTimes(1);
    now += 1;
    t();
    now += 4998;
    t();
    expect(fn).toHaveBeenCalledTimes(1);
    now += 1; // 5000 ms after the first
    t();
    expect(fn).toHaveBeenCalledTimes(2);
    now += 100_000;
    t();
    t();
    expect(fn).toHaveBeenCalledTimes(3);
  });
});

describe('reporting activity', () => {
  it('touches for keys, pointer and wheel, at most once per five seconds, and stops when asked', () => {
    expect(TOUCH_INTERVAL_MS).toBe(5000);
    expect([...ACTIVITY_EVENTS]).toEqual(['keydown', 'pointerdown', 'wheel']);
    let now = 0;
    const touch = vi.fn();
    const stop = reportActivity(window, touch, TOUCH_INTERVAL_MS, () => now);
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'a' }));
    window.dispatchEvent(new Event('pointerdown'));
    window.dispatchEvent(new WheelEvent('wheel'));
    expect(touch).toHaveBeenCalledTimes(1);
    now = 5000;
    window.dispatchEvent(new Event('pointerdown'));
    expect(touch).toHaveBeenCalledTimes(2);
    now = 10_000;
    // Not use: focus changes and mouse movement alone do not count.
    window.dispatchEvent(new Event('mousemove'));
    window.dispatchEvent(new Event('focus'));
    expect(touch).toHaveBeenCalledTimes(2);
    window.dispatchEvent(new WheelEvent('wheel'));
    expect(touch).toHaveBeenCalledTimes(3);
    stop();
    now = 60_000;
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'a' }));
    expect(touch).toHaveBeenCalledTimes(3);
  });
});

describe('the throttle follows the idle-lock time', () => {
  it('is five seconds for the usual lock, and a third of a short lock so steady use never locks', () => {
    expect(touchIntervalFor(300)).toBe(5000);
    expect(touchIntervalFor(15)).toBe(5000);
    expect(touchIntervalFor(3)).toBe(1000);
    expect(touchIntervalFor(1)).toBe(333);
    expect(touchIntervalFor(0)).toBe(5000);
    expect(touchIntervalFor(Number.NaN)).toBe(5000);
  });

  it('reads the interval at each event, so a policy learnt after start-up applies', () => {
    let now = 0;
    let idleSecs = 300;
    const touch = vi.fn();
    const stop = reportActivity(window, touch, () => touchIntervalFor(idleSecs), () => now);
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'a' }));
    now = 1500;
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'a' }));
    expect(touch).toHaveBeenCalledTimes(1);
    idleSecs = 3;
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'a' }));
    expect(touch).toHaveBeenCalledTimes(2);
    stop();
  });
});

describe('the idle policy in words', () => {
  it.each([
    [300, 'Council Desk locks after 5 minutes without use.'],
    [60, 'Council Desk locks after 1 minute without use.'],
    [3600, 'Council Desk locks after 60 minutes without use.'],
    [90, 'Council Desk locks after 90 seconds without use.'],
    [1, 'Council Desk locks after 1 second without use.'],
  ])('%i seconds', (secs, words) => {
    expect(idleLockSentence(secs)).toBe(words);
  });
});
