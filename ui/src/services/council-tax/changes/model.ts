// A change of circumstances as GOV.UK "one thing per page" questions: each change type is a
// list of question pages, shown one at a time by one component (QuestionPage.svelte), then a
// check-your-answers page built from the same list. A change type is data, so adding one is a
// definition in changes/kinds.ts and nothing else.
import type { AccountDetail, AccountSummary } from '../types';

/** The answers so far, by field id; a date is kept as `YYYY-MM-DD` once it is valid. */
export type Answers = Record<string, string>;

export interface Ctx {
  summary: AccountSummary;
  /** The account's detail: the caller has passed the check. */
  detail: AccountDetail;
  /** Today on the desk's calendar, `YYYY-MM-DD`. */
  today: string;
}

export interface Option {
  value: string;
  label: string;
  hint?: string;
}

export type FieldKind = 'text' | 'textarea' | 'date' | 'radios' | 'consent';

export interface Field {
  /** The answer's key; the element id is `q-<id>` (a date's first box: `q-<id>-day`). */
  id: string;
  kind: FieldKind;
  label: string;
  hint?: string;
  /** The row's key on check your answers (else the label). */
  summary?: string;
  /** What an empty answer says (GOV.UK: "Enter …", "Select …"); none: optional. */
  required?: string;
  options?: (ctx: Ctx) => Option[];
  /** A width class for a text input (govuk-input--width-10). */
  width?: string;
  inputmode?: 'numeric' | 'email' | 'text';
  /** `autocomplete="off"` unless given. */
  autocomplete?: 'email' | 'off';
  /** Checked after the required check, on a non-empty answer (a date: once it is a real date). */
  check?: (value: string, answers: Answers, ctx: Ctx) => string | null;
  /** Shown only when this holds (a name once "a new owner or tenant" is chosen). */
  when?: (answers: Answers) => boolean;
  /** Kept but not shown on check your answers (a consent wording's version). */
  hidden?: boolean;
  /** For a consent box: the words read to the caller, shown above it. */
  wording?: string;
}

export interface Question {
  id: string;
  /** The page's heading; with one field it is that field's label (GOV.UK). */
  title: string;
  hint?: string;
  /** The side panel: what to say to the caller on this page. */
  say: string;
  fields: Field[];
  /** Asked only when this holds. */
  when?: (answers: Answers, ctx: Ctx) => boolean;
  /** Checks across the page's fields (two emails that differ), by field id. */
  check?: (answers: Answers, ctx: Ctx) => Record<string, string>;
}

export interface ChangeDef {
  kind: string;
  /** The address segment: `/council-tax/accounts/7/move-out`. */
  slug: string;
  /** "Moving out" — a link on the account page, the caption on each question. */
  label: string;
  /** One line under the link. */
  description: string;
  questions: Question[];
  /** The day it takes effect (most ask it; paperless and referrals take effect today). */
  effective: (answers: Answers, ctx: Ctx) => string;
  /** The command's own fields (the change's envelope is added by the desk). */
  fields: (answers: Answers, ctx: Ctx) => Record<string, unknown>;
  /** What to say once it is taken, after the reference. */
  done: string;
}

/** The questions asked for these answers, in order. */
export function asked(def: ChangeDef, answers: Answers, ctx: Ctx): Question[] {
  return def.questions.filter((q) => !q.when || q.when(answers, ctx));
}

export function shownFields(q: Question, answers: Answers): Field[] {
  return q.fields.filter((f) => !f.when || f.when(answers));
}

/** An answer in words, as check your answers shows it. */
export function answerText(field: Field, value: string, ctx: Ctx, dateText: (iso: string) => string): string {
  if (value === '') return 'Not given';
  if (field.kind === 'date') return dateText(value);
  if (field.kind === 'radios') return field.options?.(ctx).find((o) => o.value === value)?.label ?? value;
  if (field.kind === 'consent') return value === 'yes' ? 'Agreed' : 'Not agreed';
  return value;
}
