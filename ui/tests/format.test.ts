import { describe, expect, it } from 'vitest';

import {
  addDays,
  alternativeLabel,
  clockTime,
  dayLong,
  dayShort,
  endTime,
  sessionWhen,
  syncedAt,
  todayIso,
} from '../src/lib/format';

describe('dates and times', () => {
  it('moves across months, years and leap days', () => {
    expect(addDays('2026-11-30', 1)).toBe('2026-12-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
  });

  it('names days as staff read them', () => {
    expect(dayShort('2026-12-02')).toBe('Wed 2 Dec');
    expect(dayLong('2026-12-02')).toBe('Wednesday 2 December 2026');
  });

  it('reads wall-clock times without a time zone', () => {
    expect(clockTime('2026-12-02T09:00:00')).toBe('09:00');
    expect(endTime('2026-12-02T09:00:00', 45)).toBe('09:45');
    expect(endTime('2026-12-02T23:30:00', 60)).toBe('00:30');
    expect(sessionWhen('2026-12-02T09:00:00')).toBe('09:00 Wed 2 Dec');
  });

  it('gives today on the local calendar', () => {
    expect(todayIso(new Date(2026, 0, 5, 23, 59))).toBe('2026-01-05');
  });

  it('shows the last sync time, with the date when it was not today', () => {
    const now = new Date(2026, 11, 2, 15, 0);
    expect(syncedAt(new Date(2026, 11, 2, 14, 2).toISOString(), now)).toBe('14:02');
    expect(syncedAt(new Date(2026, 10, 27, 9, 5).toISOString(), now)).toBe('27 Nov 09:05');
  });
});

describe('alternative buttons', () => {
  it('say what they do', () => {
    expect(alternativeLabel({ kind: 'join_waiting_list', session_id: 4 })).toBe('Join the waiting list');
    expect(
      alternativeLabel({
        kind: 'book_session',
        session_id: 9,
        starts_at: '2026-12-02T09:00:00',
        activity_name: 'Aqua Fit',
        spaces: 3,
      }),
    ).toBe('Book Aqua Fit at 09:00 Wed 2 Dec (3 places)');
    expect(
      alternativeLabel({ kind: 'book_session', session_id: 9, starts_at: '2026-12-03T18:30:00', activity_name: 'Spin', spaces: 1 }),
    ).toBe('Book Spin at 18:30 Thu 3 Dec (1 place)');
  });
});
