// The school's days as the call form shows them: which openings a chosen range covers (the same
// rule as desk_domain::school::rules::openings, which decides on the desk and the server; this
// only previews it) and the weeks of the small calendar.
import type { CalendarDay } from '../../../lib/bindings/CalendarDay';
import type { OpeningRef } from '../../../lib/bindings/OpeningRef';
import { addDays, parseIsoDate } from '../../../lib/format';

export type Half = 'AM' | 'PM';

const rank = (o: OpeningRef): string => `${o.date} ${o.half === 'AM' ? 0 : 1}`;

/** The school's openings from the first to the last chosen, term days only, in order. */
export function chosenOpenings(
  days: readonly CalendarDay[],
  firstDate: string,
  firstHalf: Half,
  lastDate: string,
  lastHalf: Half,
): OpeningRef[] {
  if (!firstDate || !lastDate) return [];
  const first = rank({ date: firstDate, half: firstHalf });
  const last = rank({ date: lastDate, half: lastHalf });
  const out: OpeningRef[] = [];
  for (const d of days) {
    if (d.kind !== 'term') continue;
    for (const half of ['AM', 'PM'] as const) {
      if ((half === 'AM' && !d.am) || (half === 'PM' && !d.pm)) continue;
      const r = rank({ date: d.date, half });
      if (r >= first && r <= last) out.push({ date: d.date, half });
    }
  }
  return out;
}

/** Monday-to-Friday weeks from the week of `from`, `count` weeks, each day's calendar entry if any. */
export function weeks(days: readonly CalendarDay[], from: string, count: number): Array<Array<{ date: string; day: CalendarDay | null }>> {
  const byDate = new Map(days.map((d) => [d.date, d]));
  const start = parseIsoDate(from);
  if (!start) return [];
  const weekday = new Date(Date.UTC(start.year, start.month - 1, start.day)).getUTCDay();
  let monday = addDays(from, -((weekday + 6) % 7));
  const out = [];
  for (let w = 0; w < count; w++) {
    const week = [];
    for (let i = 0; i < 5; i++) {
      const date = addDays(monday, i);
      week.push({ date, day: byDate.get(date) ?? null });
    }
    out.push(week);
    monday = addDays(monday, 7);
  }
  return out;
}
