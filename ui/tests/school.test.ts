import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';

import type { AbsenceView } from '../src/lib/bindings/AbsenceView';
import type { CallForm } from '../src/lib/bindings/CallForm';
import type { PupilPage } from '../src/lib/bindings/PupilPage';
import type { PupilView } from '../src/lib/bindings/PupilView';
import type { WorklistEntry } from '../src/lib/bindings/WorklistEntry';
import { desk, resetDesk } from './desk';

vi.mock('../src/lib/ipc', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/lib/ipc')>();
  return { ...(await import('./desk')).withDesk(real) };
});

const { default: RecordAbsence } = await import('../src/services/school/screens/RecordAbsence.svelte');
const { default: Worklist } = await import('../src/services/school/screens/Worklist.svelte');
const { default: PupilPageScreen } = await import('../src/services/school/screens/PupilPage.svelte');
const { default: Today } = await import('../src/services/school/screens/Today.svelte');
const { school } = await import('../src/services/school/stores/school.svelte');
const { chosenOpenings } = await import('../src/services/school/screens/calendar');

const eilidh: PupilView = {
  id: 401,
  school_id: 4,
  first_name: 'Eilidh',
  last_name: 'MacDonald',
  date_of_birth: '2018-05-02',
  stage: 'P4',
  class: 'P4B',
  sounds_like: false,
};
const mum = { id: 4011, name: 'Catriona MacDonald', relationship: 'Mum', phone: '07700 900401', email: null, priority: 1 };
const dad = { id: 4012, name: 'Iain MacDonald', relationship: 'Dad', phone: '07700 901401', email: null, priority: 2 };

// Tuesday 1 to Friday 4 December, then a holiday Monday 7th and term again on the 8th.
const days = [
  ['2026-12-01', 'term'],
  ['2026-12-02', 'term'],
  ['2026-12-03', 'term'],
  ['2026-12-04', 'term'],
  ['2026-12-07', 'holiday'],
  ['2026-12-08', 'term'],
].map(([date, kind]) => ({ date: date!, kind: kind as 'term' | 'holiday', am: kind === 'term', pm: kind === 'term', label: '' }));

const form: CallForm = {
  pupil: eilidh,
  contacts: [mum, dad],
  codes: [
    { code: 'LC-ILL', label: 'Sickness (no learning provided)', category: 'authorised', needs_note: false, local: true },
    { code: '02', label: 'Extended leave with parental consent', category: 'not_counted', needs_note: true, local: false },
  ],
  days,
  today: '2026-12-01',
};

function absence(extra: Partial<AbsenceView> = {}): AbsenceView {
  return {
    id: 'a-1',
    pupil_id: 401,
    pupil_name: 'Eilidh MacDonald',
    class: 'P4B',
    kind: 'absence',
    status: 'recorded',
    openings: [
      { date: '2026-12-01', half: 'AM' },
      { date: '2026-12-01', half: 'PM' },
    ],
    code: 'LC-ILL',
    code_label: 'Sickness (no learning provided)',
    category: 'authorised',
    reason: 'Temperature',
    caller_name: 'Catriona MacDonald',
    caller_relationship: 'Mum',
    called_at: '2026-12-01T08:40:00',
    expected_return: null,
    channel: 'phone',
    at_time: null,
    recorded_at: '2026-12-01T08:41:00Z',
    pending: true,
    history: [],
    ...extra,
  };
}

beforeEach(() => {
  resetDesk();
  school.reset();
  desk.schools.mockResolvedValue([{ id: 4, name: 'Elgin Birchwood Primary School' }]);
});

describe('openings of a range', () => {
  it('covers only term days, from the first half chosen to the last', () => {
    expect(chosenOpenings(days, '2026-12-01', 'PM', '2026-12-02', 'AM')).toEqual([
      { date: '2026-12-01', half: 'PM' },
      { date: '2026-12-02', half: 'AM' },
    ]);
    // Friday to Tuesday: the weekend and the holiday Monday are skipped.
    expect(chosenOpenings(days, '2026-12-04', 'AM', '2026-12-08', 'AM').map((o) => `${o.date} ${o.half}`)).toEqual([
      '2026-12-04 AM',
      '2026-12-04 PM',
      '2026-12-08 AM',
    ]);
    expect(chosenOpenings(days, '2026-12-07', 'AM', '2026-12-07', 'PM')).toEqual([]);
  });
});

describe('record an absence', () => {
  it('finds the pupil, takes the call, checks it and confirms exactly the openings recorded', async () => {
    const user = userEvent.setup();
    desk.search_pupils.mockResolvedValue([eilidh]);
    desk.call_form.mockResolvedValue(form);
    desk.record_absence.mockResolvedValue(absence());
    render(RecordAbsence, {});

    await user.type(screen.getByTestId('pupil-search'), 'eilidh mac');
    await screen.findByTestId('pupil-result');
    expect(desk.search_pupils).toHaveBeenLastCalledWith({ text: 'eilidh mac', limit: 20 });
    // Enter on the only match chooses it, and focus moves to the call's heading.
    await user.keyboard('{Enter}');
    expect(desk.call_form).toHaveBeenCalledWith({ pupilId: 401 });
    const heading = await screen.findByRole('heading', { level: 1, name: /The call/ });
    expect(heading).toHaveFocus();
    expect(screen.getByTestId('call-pupil')).toHaveTextContent('Eilidh MacDonald, P4B');
    // The contacts in calling order, the first chosen.
    const callers = screen.getAllByTestId('caller-contact');
    expect(callers.map((c) => (c as HTMLInputElement).value)).toEqual(['4011', '4012']);
    expect(callers[0]).toBeChecked();

    // Without a reason: an error beside the field and in the summary.
    await user.click(screen.getByTestId('call-continue'));
    expect(await screen.findByTestId('code-error')).toHaveTextContent('Choose the reason for the absence');
    expect(desk.record_absence).not.toHaveBeenCalled();

    await user.click(screen.getByLabelText(/Sickness \(no learning provided\)/));
    await user.type(screen.getByTestId('reason'), 'Temperature');
    await user.selectOptions(screen.getByTestId('last-date'), '2026-12-02');
    await user.selectOptions(screen.getByTestId('last-half'), 'AM');
    expect(screen.getAllByTestId('calendar-covered').map((t) => t.dataset.opening)).toEqual([
      '2026-12-01 AM',
      '2026-12-01 PM',
      '2026-12-02 AM',
    ]);
    await user.clear(screen.getByTestId('called-at'));
    await user.type(screen.getByTestId('called-at'), '08:40');
    await user.click(screen.getByTestId('call-continue'));

    expect(await screen.findByRole('heading', { level: 1, name: 'Check the absence before recording it' })).toHaveFocus();
    expect(screen.getByTestId('check-caller')).toHaveTextContent('Catriona MacDonald (Mum) — Phone call at 08:40');
    expect(screen.getByTestId('check-openings')).toHaveTextContent('3 openings');
    await user.click(screen.getByTestId('record-submit'));

    expect(desk.record_absence).toHaveBeenCalledWith({
      absence: {
        pupil_id: 401,
        first: { date: '2026-12-01', half: 'AM' },
        last: { date: '2026-12-02', half: 'AM' },
        code: 'LC-ILL',
        reason: 'Temperature',
        caller: { contact_id: 4011, name: 'Catriona MacDonald', relationship: 'Mum' },
        called_at: '2026-12-01T08:40:00',
        expected_return: null,
        channel: 'phone',
      },
    });
    expect(await screen.findByRole('heading', { level: 1, name: 'Absence recorded' })).toHaveFocus();
    // The confirmation lists what the desk recorded, not what was asked for.
    expect(screen.getAllByTestId('recorded-opening').map((li) => li.dataset.opening)).toEqual(['2026-12-01 AM', '2026-12-01 PM']);
  });

  it('names someone who is not a contact, and shows a refusal from the desk beside the button', async () => {
    const user = userEvent.setup();
    desk.call_form.mockResolvedValue(form);
    desk.record_absence.mockRejectedValue({ code: 'openings_explained', message: 'Those openings are already explained.' });
    render(RecordAbsence, { pupilId: 401 });
    await screen.findByRole('heading', { level: 1, name: /The call/ });
    await user.click(screen.getByTestId('caller-other'));
    await user.click(screen.getByLabelText(/Sickness/));
    await user.click(screen.getByTestId('call-continue'));
    expect(screen.getByText('Enter the name of the person who called', { selector: 'a' })).toBeInTheDocument();
    await user.type(screen.getByTestId('other-name'), 'Morag Reid');
    await user.type(screen.getByTestId('other-relationship'), 'Childminder');
    await user.click(screen.getByTestId('call-continue'));
    await user.click(await screen.findByTestId('record-submit'));
    expect(desk.record_absence.mock.calls[0]![0].absence.caller).toEqual({ contact_id: null, name: 'Morag Reid', relationship: 'Childminder' });
    expect(await screen.findByTestId('record-error')).toHaveTextContent('already explained');
  });
});

describe('the worklist', () => {
  const entry = (attempts = 0): WorklistEntry => ({
    pupil: eilidh,
    openings: [
      { date: '2026-12-01', half: 'AM' },
      { date: '2026-12-01', half: 'PM' },
    ],
    contacts: [mum, dad],
    attempts: [],
    unanswered: attempts,
    due_for_escalation: attempts >= 3,
  });

  it('logs an attempt in two key presses and lets the pupil go once explained', async () => {
    const user = userEvent.setup();
    desk.worklist.mockResolvedValue([entry()]);
    render(Worklist, {});
    const section = await screen.findByTestId('worklist-entry');
    expect(screen.getByTestId('worklist-left')).toHaveTextContent('1 pupil left to explain');
    expect(within(section).getAllByTestId('worklist-phone').map((p) => p.textContent)).toEqual(['07700 900401', '07700 901401']);
    desk.log_contact_attempt.mockResolvedValue({
      id: 't-1',
      contact_id: 4012,
      contact_name: 'Iain MacDonald',
      method: 'phone',
      outcome: 'no_answer',
      note: '',
      at: '2026-12-01T09:31:00Z',
      pending: true,
    });
    desk.worklist.mockResolvedValue([]);
    within(section).getByTestId('worklist-keys').focus();
    await user.keyboard('2n');
    expect(desk.log_contact_attempt).toHaveBeenCalledWith({
      pupilId: 401,
      date: '2026-12-01',
      contactId: 4012,
      method: 'phone',
      outcome: 'no_answer',
      note: '',
      explanation: null,
    });
    expect(await screen.findByTestId('worklist-empty')).toHaveTextContent('Every absence is explained');
  });

  it('marks a pupil due for escalation and escalates to the head teacher', async () => {
    const user = userEvent.setup();
    desk.worklist.mockResolvedValue([entry(3)]);
    render(Worklist, {});
    expect(await screen.findByTestId('worklist-due')).toHaveTextContent('Escalate');
    desk.escalate.mockResolvedValue({
      id: 'e-1',
      pupil_id: 401,
      pupil_name: 'Eilidh MacDonald',
      class: 'P4B',
      to: 'head_teacher',
      note: '',
      unanswered_attempts: 3,
      by_choice: false,
      at: '2026-12-01T10:00:00Z',
      pending: true,
    });
    desk.worklist.mockResolvedValue([]);
    await user.click(screen.getByTestId('worklist-escalate'));
    expect(desk.escalate).toHaveBeenCalledWith({ pupilId: 401, date: '2026-12-01', to: 'head_teacher', note: '3 unanswered attempts', byChoice: false });
    await screen.findByTestId('worklist-empty');
  });
});

describe('the pupil page', () => {
  const page: PupilPage = {
    pupil: eilidh,
    school_name: 'Elgin Birchwood Primary School',
    contacts: [mum, dad],
    viewed: [{ at: '2026-12-01T09:00:00Z', staff_id: 7, staff_name: 'Office One', detail: 'pupil page' }],
    absences: [absence({ pending: false })],
    attendance: {
      year_label: '2026/27',
      year_to_date: {
        from: '2026-08-19',
        to: '2026-12-01',
        possible: 100,
        attended: 88,
        authorised: 10,
        unauthorised: 2,
        exclusion: 0,
        attendance_percent: 88,
        authorised_percent: 10,
        unauthorised_percent: 2,
        exclusion_percent: 0,
        flag: 'flagged',
      },
      weeks: [
        { week_of: '2026-11-16', possible: 10, attended: 10, attendance_percent: 100 },
        { week_of: '2026-11-23', possible: 10, attended: 7, attendance_percent: 70 },
      ],
    },
  };

  it('shows the contacts in order, the year, the figure with its chart and table, and who viewed it', async () => {
    desk.pupil_page.mockResolvedValue(page);
    render(PupilPageScreen, { id: 401 });
    expect(await screen.findByTestId('pupil-name')).toHaveTextContent('Eilidh MacDonald');
    expect(desk.pupil_page).toHaveBeenCalledWith({ pupilId: 401 });
    expect(screen.getAllByTestId('pupil-contact').map((r) => r.dataset.contactId)).toEqual(['4011', '4012']);
    expect(screen.getByTestId('pupil-attendance')).toHaveTextContent('88.0%');
    expect(screen.getByTestId('pupil-attendance-flag')).toHaveTextContent('Below 90%');
    const bars = screen.getAllByTestId('attendance-bar');
    expect(bars).toHaveLength(2);
    expect(bars[1]).toHaveClass('desk-chart__bar--red');
    expect(screen.getByRole('img', { name: /lowest 70.0% in the week of Mon 23 Nov/ })).toBeInTheDocument();
    expect(screen.getAllByTestId('attendance-week').map((r) => Array.from(r.children).map((c) => c.textContent))).toEqual([
      ['Mon 16 Nov', '10', '10', '100.0%'],
      ['Mon 23 Nov', '10', '7', '70.0%'],
    ]);
    expect(screen.getByTestId('pupil-absence')).toHaveTextContent('Sickness (no learning provided) (LC-ILL, authorised absence) — Temperature');
    expect(screen.getByTestId('pupil-viewing')).toHaveTextContent('Office One');
  });

  it('withdraws an absence only with a reason, and shows its history', async () => {
    const user = userEvent.setup();
    desk.pupil_page.mockResolvedValue(page);
    desk.withdraw_absence.mockResolvedValue(
      absence({
        status: 'withdrawn',
        history: [
          {
            revision: 1,
            at: '2026-12-01T10:00:00Z',
            what: 'withdrawn: Wrong pupil',
            openings: absence().openings,
            code: 'LC-ILL',
            reason: 'Temperature',
          },
        ],
      }),
    );
    render(PupilPageScreen, { id: 401 });
    await user.click(await screen.findByTestId('absence-withdraw'));
    expect(screen.getByTestId('absence-change-heading')).toHaveFocus();
    // No reason: the error beside the field and in the summary, nothing sent.
    await user.click(screen.getByTestId('change-submit'));
    expect(await screen.findByTestId('change-why-error')).toHaveTextContent('Say why the absence is withdrawn');
    expect(screen.getByText('Say why the absence is withdrawn', { selector: 'a' })).toBeInTheDocument();
    expect(desk.withdraw_absence).not.toHaveBeenCalled();
    await user.type(screen.getByTestId('change-why'), 'Wrong pupil');
    await user.click(screen.getByTestId('change-submit'));
    expect(desk.withdraw_absence).toHaveBeenCalledWith({ absenceId: 'a-1', reason: 'Wrong pupil' });
    expect(await screen.findByTestId('absence-changed')).toHaveFocus();
    expect(screen.getByTestId('pupil-absence')).toHaveTextContent('Withdrawn');
    expect(screen.queryByTestId('absence-withdraw')).not.toBeInTheDocument();
    expect(screen.getByTestId('absence-history')).toHaveTextContent('withdrawn: Wrong pupil');
  });

  it('changes an absence to the morning only, with why, and Escape closes the form', async () => {
    const user = userEvent.setup();
    desk.pupil_page.mockResolvedValue(page);
    desk.call_form.mockResolvedValue(form);
    desk.amend_absence.mockResolvedValue(absence({ openings: [{ date: '2026-12-01', half: 'AM' }] }));
    render(PupilPageScreen, { id: 401 });
    await user.click(await screen.findByTestId('absence-amend'));
    expect(screen.getByTestId('absence-change-heading')).toHaveFocus();
    await user.keyboard('{Escape}');
    expect(screen.queryByTestId('absence-change')).not.toBeInTheDocument();
    expect(screen.getByTestId('absence-amend')).toHaveFocus();

    await user.click(screen.getByTestId('absence-amend'));
    await screen.findByTestId('last-half');
    await user.selectOptions(screen.getByTestId('last-half'), 'AM');
    await user.type(screen.getByTestId('change-why'), 'Mum rang back');
    await user.click(screen.getByTestId('change-submit'));
    expect(desk.amend_absence).toHaveBeenCalledWith({
      absenceId: 'a-1',
      first: { date: '2026-12-01', half: 'AM' },
      last: { date: '2026-12-01', half: 'AM' },
      code: 'LC-ILL',
      reason: 'Temperature',
      expectedReturn: null,
      why: 'Mum rang back',
    });
    expect(await screen.findByTestId('absence-changed')).toHaveTextContent('Changed: Tue 1 Dec morning (1 opening)');
  });
});

describe('today', () => {
  it('shows how many unexplained are left, what was reported and who was escalated', async () => {
    desk.school_today.mockResolvedValue({
      school_id: 4,
      school_name: 'Elgin Birchwood Primary School',
      date: '2026-12-01',
      reported: [absence()],
      unexplained_left: 3,
      marked_absent: 7,
      late: [],
      escalations: [],
    });
    render(Today, {});
    expect(await screen.findByTestId('today-unexplained-left')).toHaveTextContent('3');
    expect(desk.school_today).toHaveBeenCalledWith({ schoolId: 4, date: null });
    expect(screen.getByTestId('today-unexplained')).toHaveTextContent('of 7 marked absent');
    expect(screen.getByTestId('today-reported-row')).toHaveTextContent('Eilidh MacDonald');
    expect(screen.getByTestId('today-late-empty')).toBeInTheDocument();
    expect(screen.getByTestId('today-escalations-empty')).toBeInTheDocument();
  });

  it('opens before the first pull has brought the school, and shows the day once a sync brings it', async () => {
    desk.schools.mockResolvedValueOnce([]);
    desk.school_today.mockResolvedValue({
      school_id: 4,
      school_name: 'Elgin Birchwood Primary School',
      date: '2026-12-01',
      reported: [],
      unexplained_left: 2,
      marked_absent: 2,
      late: [],
      escalations: [],
    });
    render(Today, {});
    expect(await screen.findByTestId('today-no-school')).toBeInTheDocument();
    school.synced();
    expect(await screen.findByTestId('today-unexplained-left')).toHaveTextContent('2');
    expect(desk.schools).toHaveBeenCalledTimes(2);
  });
});
