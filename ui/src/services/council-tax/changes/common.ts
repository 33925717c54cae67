// Questions several change types share: who on the account, and when the change takes effect.
import { dateFieldsDefaultHint } from './words';
import { dobError, effectiveError, nameError } from './fields';
import type { Ctx, Field, Option, Question } from './model';

export const liableOptions = (ctx: Ctx): Option[] =>
  ctx.detail.liable.map((p) => ({ value: p.name, label: p.name }));

/** "Who is …?" over the liable people on the account. */
export function personQuestion(id: string, title: string, say: string, summary: string): Question {
  return {
    id,
    title,
    say,
    fields: [{ id, kind: 'radios', label: title, summary, required: 'Select the person', options: liableOptions }],
  };
}

/** When the change takes effect: an exact date, within 60 days ahead and not before liability. */
export function effectiveQuestion(title: string, say: string, hint = dateFieldsDefaultHint): Question {
  return {
    id: 'effective',
    title,
    hint,
    say,
    fields: [
      {
        id: 'effective',
        kind: 'date',
        label: title,
        hint,
        summary: 'Takes effect',
        required: 'Enter the date the change takes effect',
        check: (v, _a, ctx) => effectiveError(v, ctx.today, ctx.detail.liability_start),
      },
    ],
  };
}

export function nameField(id: string, label: string, what = 'Full name'): Field {
  return {
    id,
    kind: 'text',
    label,
    summary: label,
    required: `Enter their ${what.toLowerCase()}`,
    check: (v) => nameError(v, what),
    autocomplete: 'off',
  };
}

export function dobField(id: string, label = 'Date of birth'): Field {
  return {
    id,
    kind: 'date',
    label,
    hint: 'For example, 27 3 1987',
    summary: label,
    required: 'Enter their date of birth',
    check: (v, _a, ctx) => dobError(v, ctx.today),
  };
}
