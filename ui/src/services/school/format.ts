// Words for the school office's records: openings, how the office heard, attempt outcomes.
import type { AbsenceView } from '../../lib/bindings/AbsenceView';
import type { AttemptOutcome } from '../../lib/bindings/AttemptOutcome';
import type { Category } from '../../lib/bindings/Category';
import type { ContactMethod } from '../../lib/bindings/ContactMethod';
import type { OpeningRef } from '../../lib/bindings/OpeningRef';
import type { ReportChannel } from '../../lib/bindings/ReportChannel';
import { dayShort } from '../../lib/format';

export const HALF_LABELS = { AM: 'morning', PM: 'afternoon' } as const;

/** "Wed 2 Dec morning" */
export function openingText(o: OpeningRef): string {
  return `${dayShort(o.date)} ${HALF_LABELS[o.half]}`;
}

/** "Wed 2 Dec morning to Thu 3 Dec afternoon (4 openings)" */
export function openingsSpan(openings: readonly OpeningRef[]): string {
  const first = openings[0];
  const last = openings[openings.length - 1];
  if (!first || !last) return 'no openings';
  const count = `${openings.length} ${openings.length === 1 ? 'opening' : 'openings'}`;
  return first === last ? `${openingText(first)} (${count})` : `${openingText(first)} to ${openingText(last)} (${count})`;
}

export const REPORT_CHANNEL_LABELS: Record<ReportChannel, string> = {
  phone: 'Phone call',
  email: 'Email',
  in_person: 'In person',
  text: 'Text message',
};
export const REPORT_CHANNELS: ReportChannel[] = ['phone', 'email', 'in_person', 'text'];

export const CATEGORY_LABELS: Record<Category, string> = {
  attendance: 'counts as attendance',
  authorised: 'authorised absence',
  unauthorised: 'unauthorised absence',
  exclusion: 'exclusion',
  not_counted: 'not counted in attendance',
};

export const OUTCOME_LABELS: Record<AttemptOutcome, string> = {
  no_answer: 'No answer',
  left_message: 'Left a message',
  explained: 'Explained',
  wrong_number: 'Wrong number',
  not_contactable: 'Not contactable',
};

/** The key that logs each outcome on the worklist (after the contact's number). */
export const OUTCOME_KEYS: Record<string, AttemptOutcome> = {
  n: 'no_answer',
  m: 'left_message',
  w: 'wrong_number',
  u: 'not_contactable',
};

export const METHOD_LABELS: Record<ContactMethod, string> = {
  phone: 'Phone',
  email: 'Email',
  text: 'Text',
  in_person: 'In person',
};

/** "93.5%" (one decimal place), or "No school days yet". */
export function percent(p: number | null): string {
  return p === null ? 'No school days yet' : `${p.toFixed(1)}%`;
}

/** The code in words: its label and what it counts as. */
export function codeText(a: Pick<AbsenceView, 'code' | 'code_label' | 'category'>): string {
  const label = a.code_label ?? `Code ${a.code}`;
  return a.category ? `${label} (${a.code}, ${CATEGORY_LABELS[a.category]})` : `${label} (${a.code})`;
}
