// The fake desk's school office: one primary school, a calendar of weekdays around today with
// a holiday week, a few pupils with contacts, the shipped codes and today's register marks.
// Development only (see fakeDesk.ts).
import type { AbsenceInput } from '../lib/bindings/AbsenceInput';
import type { AbsenceView } from '../lib/bindings/AbsenceView';
import type { AttemptView } from '../lib/bindings/AttemptView';
import type { ClassLists } from '../lib/bindings/ClassLists';
import type { CallerInput } from '../lib/bindings/CallerInput';
import type { CalendarDay } from '../lib/bindings/CalendarDay';
import type { CodeView } from '../lib/bindings/CodeView';
import type { ContactView } from '../lib/bindings/ContactView';
import type { EscalationView } from '../lib/bindings/EscalationView';
import type { OpeningRef } from '../lib/bindings/OpeningRef';
import type { PupilView } from '../lib/bindings/PupilView';
import type { WorklistEntry } from '../lib/bindings/WorklistEntry';
import { addDays, parseIsoDate, todayIso } from '../lib/format';
import { chosenOpenings } from '../services/school/screens/calendar';

const NAMES: Array<[string, string, string]> = [
  ['Eilidh', 'MacDonald', 'P4B'],
  ['Callum', "O'Neill", 'P4B'],
  ['Seònaid', 'Grant', 'P5A'],
  ['Ruairidh', 'Stewart', 'P6A'],
  ['Catherine', 'Fraser', 'P7C'],
  ['Isla', 'Murray', 'P2A'],
];

export class FakeSchool {
  today = todayIso();
  pupils: PupilView[] = NAMES.map(([first, last, cls], i) => ({
    id: 401 + i,
    school_id: 4,
    first_name: first,
    last_name: last,
    date_of_birth: `201${5 + (i % 4)}-0${1 + i}-1${i}`,
    stage: cls.slice(0, 2),
    class: cls,
    sounds_like: false,
  }));
  contacts = new Map<number, ContactView[]>(
    this.pupils.map((p) => [
      p.id,
      [
        { id: p.id * 10 + 1, name: `Catriona ${p.last_name}`, relationship: 'Mum', phone: `07700 900${p.id}`, email: null, priority: 1 },
        { id: p.id * 10 + 2, name: `Iain ${p.last_name}`, relationship: 'Dad', phone: `07700 901${p.id}`, email: null, priority: 2 },
      ],
    ]),
  );
  codes: CodeView[] = [
    { code: 'LC-ILL', label: 'Sickness (no learning provided)', category: 'authorised', needs_note: false, local: true },
    { code: 'LC-MED', label: 'Medical or dental appointment', category: 'authorised', needs_note: false, local: true },
    { code: 'LC-HOL', label: 'Family holiday not agreed', category: 'unauthorised', needs_note: false, local: true },
    { code: '02', label: 'Extended leave with parental consent', category: 'not_counted', needs_note: true, local: false },
  ];
  days: CalendarDay[] = [];
  absences: AbsenceView[] = [];
  attempts = new Map<number, AttemptView[]>();
  escalations: EscalationView[] = [];
  /** Pupils marked absent at registration today. */
  marked = [401, 402, 404];

  constructor() {
    for (let d = -14; d <= 91; d++) {
      const date = addDays(this.today, d);
      const parts = parseIsoDate(date)!;
      const weekday = new Date(Date.UTC(parts.year, parts.month - 1, parts.day)).getUTCDay();
      if (weekday === 0 || weekday === 6) continue;
      const holiday = d >= 21 && d < 28;
      this.days.push({ date, kind: holiday ? 'holiday' : 'term', am: !holiday, pm: !holiday, label: holiday ? 'Holiday' : '' });
    }
  }

  pupil(id: number): PupilView {
    const p = this.pupils.find((x) => x.id === id);
    if (!p) throw { code: 'not_found', message: `Pupil ${id} is not on this desk.` };
    return p;
  }

  search(text: string, limit: number): PupilView[] {
    const plain = (s: string): string => s.normalize('NFD').replace(/\p{Diacritic}/gu, '').replace(/['’\s-]/g, '').toLowerCase();
    const wanted = plain(text);
    return this.pupils.filter((p) => plain(`${p.first_name}${p.last_name}${p.class}`).includes(wanted) || plain(p.class).startsWith(wanted)).slice(0, limit);
  }

  record(input: AbsenceInput): AbsenceView {
    const pupil = this.pupil(input.pupil_id);
    const openings = chosenOpenings(this.days, input.first.date, input.first.half, input.last.date, input.last.half);
    if (openings.length === 0) throw { code: 'no_openings', message: 'The school has no openings in that range.' };
    const clash = this.absences.find((a) => a.pupil_id === pupil.id && a.openings.some((o) => openings.some((n) => n.date === o.date && n.half === o.half)));
    if (clash) throw { code: 'openings_explained', message: `Those openings are already explained by ${clash.caller_name}'s call.` };
    const code = this.codes.find((c) => c.code === input.code);
    const contact = this.contacts.get(pupil.id)?.find((c) => c.id === input.caller.contact_id);
    const view: AbsenceView = {
      id: crypto.randomUUID(),
      pupil_id: pupil.id,
      pupil_name: `${pupil.first_name} ${pupil.last_name}`,
      class: pupil.class,
      kind: 'absence',
      status: 'recorded',
      openings,
      code: input.code,
      code_label: code?.label ?? null,
      category: code?.category ?? null,
      reason: input.reason,
      caller_name: contact?.name ?? input.caller.name,
      caller_relationship: contact?.relationship ?? input.caller.relationship,
      called_at: input.called_at,
      expected_return: input.expected_return,
      channel: input.channel,
      at_time: null,
      recorded_at: new Date().toISOString(),
      pending: true,
      history: [],
    };
    this.absences.push(view);
    return view;
  }

  /** A late arrival, by the default rules: the opening is the one the time falls in; before
   * its middle is Late 1 (code 11), after it the late-as-absence code (LC-LT2). */
  late(pupilId: number, date: string, arrivedAt: string, reason: string): AbsenceView {
    const minutes = (t: string): number => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
    const at = minutes(arrivedAt);
    const spans: Array<['AM' | 'PM', number, number]> = [['AM', 8 * 60 + 50, 12 * 60 + 20], ['PM', 13 * 60 + 15, 15 * 60 + 15]];
    const span = spans.find(([, start, end]) => at > start && at < end);
    if (!span) throw { code: 'outside_school_day', message: `${arrivedAt.slice(0, 5)} is not during an opening, so it is not a late arrival.` };
    const [half, start, end] = span;
    const code = at < start + (end - start) / 2 ? '11' : 'LC-LT2';
    const pupil = this.pupil(pupilId);
    return this.#put({
      pupil, kind: 'late', openings: [{ date, half }], code, reason, at: arrivedAt, date,
      caller: { contact_id: null, name: `${pupil.first_name} ${pupil.last_name}`, relationship: 'pupil' },
    });
  }

  /** An early leave: the afternoon is recorded when the pupil leaves before it starts. */
  earlyLeave(pupilId: number, date: string, leftAt: string, code: string, reason: string, by: CallerInput): AbsenceView {
    if (by.contact_id === null && by.name.trim() === '') throw { code: 'invalid_input', message: 'Enter the name of the person who called.' };
    const pupil = this.pupil(pupilId);
    const openings = leftAt < '13:15' ? [{ date, half: 'PM' as const }] : [];
    return this.#put({ pupil, kind: 'early_leave', openings, code, reason, at: leftAt, date, caller: by });
  }

  #put(r: {
    pupil: PupilView; kind: 'late' | 'early_leave'; openings: AbsenceView['openings']; code: string; reason: string;
    at: string; date: string; caller: CallerInput;
  }): AbsenceView {
    const code = this.codes.find((c) => c.code === r.code);
    const contact = this.contacts.get(r.pupil.id)?.find((c) => c.id === r.caller.contact_id);
    const view: AbsenceView = {
      id: crypto.randomUUID(),
      pupil_id: r.pupil.id,
      pupil_name: `${r.pupil.first_name} ${r.pupil.last_name}`,
      class: r.pupil.class,
      kind: r.kind,
      status: 'recorded',
      openings: r.openings,
      code: r.code,
      code_label: code?.label ?? null,
      category: code?.category ?? null,
      reason: r.reason,
      caller_name: contact?.name ?? r.caller.name,
      caller_relationship: contact?.relationship ?? r.caller.relationship,
      called_at: `${r.date}T${r.at}`,
      expected_return: null,
      channel: 'in_person',
      at_time: r.at,
      recorded_at: new Date().toISOString(),
      pending: true,
      history: [],
    };
    this.absences.push(view);
    return view;
  }

  /** Changes an absence; the version before goes in its history with `what`. */
  revise(id: string, what: string, change: Partial<AbsenceView>): AbsenceView {
    const i = this.absences.findIndex((a) => a.id === id);
    const before = this.absences[i];
    if (!before) throw { code: 'not_found', message: 'That absence is not on this desk.' };
    if (before.status === 'withdrawn') throw { code: 'withdrawn', message: 'That absence was withdrawn.' };
    const line = { revision: before.history.length + 1, at: new Date().toISOString(), what, openings: before.openings, code: before.code, reason: before.reason };
    const after = { ...before, ...change, history: [...before.history, line], pending: true };
    this.absences[i] = after;
    return after;
  }

  amend(id: string, first: OpeningRef, last: OpeningRef, code: string, reason: string, expectedReturn: string | null, why: string): AbsenceView {
    const openings = chosenOpenings(this.days, first.date, first.half, last.date, last.half);
    if (openings.length === 0) throw { code: 'no_openings', message: 'The school has no openings in that range.' };
    const found = this.codes.find((c) => c.code === code);
    return this.revise(id, `amended: ${why}`, {
      openings, code, reason, expected_return: expectedReturn, code_label: found?.label ?? null, category: found?.category ?? null,
    });
  }

  withdraw(id: string, reason: string): AbsenceView {
    if (reason.trim() === '') throw { code: 'note_required', message: 'Say why the record is withdrawn.' };
    return this.revise(id, `withdrawn: ${reason.trim()}`, { status: 'withdrawn' });
  }

  /** Year to date from a fixed start; each marked pupil has missed today and one day before. */
  classLists(schoolId: number): ClassLists {
    const byClass = new Map<string, ClassLists['classes'][number]>();
    for (const p of [...this.pupils].sort((a, b) => a.class.localeCompare(b.class) || a.last_name.localeCompare(b.last_name))) {
      const missed = this.marked.includes(p.id) ? 4 : 0;
      const attendance_percent = ((60 - missed) / 60) * 100;
      const flag = attendance_percent < 80 ? 'red' : attendance_percent < 90 ? 'flagged' : 'none';
      const list = byClass.get(p.class) ?? { class: p.class, pupils: [] };
      list.pupils.push({ pupil_id: p.id, name: `${p.first_name} ${p.last_name}`, attendance_percent, flag });
      byClass.set(p.class, list);
    }
    return { school_id: schoolId, school_name: 'Elgin Birchwood Primary School', year_label: null, from: null, to: this.today, classes: [...byClass.values()] };
  }

  worklist(): WorklistEntry[] {
    return this.marked
      .filter((id) => !this.absences.some((a) => a.pupil_id === id && a.openings.some((o) => o.date === this.today)))
      .filter((id) => !this.escalations.some((e) => e.pupil_id === id))
      .map((id) => {
        const attempts = this.attempts.get(id) ?? [];
        const unanswered = attempts.filter((a) => a.outcome !== 'explained').length;
        return {
          pupil: this.pupil(id),
          openings: [
            { date: this.today, half: 'AM' as const },
            { date: this.today, half: 'PM' as const },
          ],
          contacts: this.contacts.get(id) ?? [],
          attempts,
          unanswered,
          due_for_escalation: unanswered >= 3,
        };
      });
  }
}
