// The late arrival and early leave form: the code the rules gave is what the confirmation says,
// errors sit beside their fields, and focus goes to the heading when the screen changes.
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';

import type { AbsenceView } from '../src/lib/bindings/AbsenceView';
import type { CallForm } from '../src/lib/bindings/CallForm';
import { desk, resetDesk } from './desk';

vi.mock('../src/lib/ipc', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/lib/ipc')>();
  return { ...(await import('./desk')).withDesk(real) };
});

const { default: LateOrLeave } = await import('../src/services/school/screens/LateOrLeave.svelte');
const { default: Today } = await import('../src/services/school/screens/Today.svelte');
const { school } = await import('../src/services/school/stores/school.svelte');

const form: CallForm = {
  pupil: {
    id: 403,
    school_id: 4,
    first_name: 'Catherine',
    last_name: 'Grant',
    date_of_birth: '2016-03-02',
    stage: 'P6',
    class: 'P6A',
    sounds_like: false,
  },
  contacts: [{ id: 4031, name: 'Fiona Grant', relationship: 'Mum', phone: '07700 900403', email: null, priority: 1 }],
  codes: [{ code: 'LC-ILL', label: 'Sickness (no learning provided)', category: 'authorised', needs_note: false, local: true }],
  days: [{ date: '2026-12-01', kind: 'term', am: true, pm: true, label: '' }],
  today: '2026-12-01',
};

function recorded(extra: Partial<AbsenceView>): AbsenceView {
  return {
    id: 'l-1',
    pupil_id: 403,
    pupil_name: 'Catherine Grant',
    class: 'P6A',
    kind: 'late',
    status: 'recorded',
    openings: [{ date: '2026-12-01', half: 'AM' }],
    code: 'LC-LT2',
    code_label: 'Late, after registers closed',
    category: 'unauthorised',
    reason: 'Bus late',
    caller_name: 'Catherine Grant',
    caller_relationship: 'pupil',
    called_at: '2026-12-01T11:00:00',
    expected_return: null,
    channel: 'in_person',
    at_time: '11:00:00',
    recorded_at: '2026-12-01T11:01:00Z',
    pending: true,
    history: [],
    ...extra,
  };
}

beforeEach(() => {
  resetDesk();
  school.reset();
  desk.call_form.mockResolvedValue(form);
});

describe('a late arrival', () => {
  it('sends the time and reason, and confirms the code the rules gave', async () => {
    const user = userEvent.setup();
    desk.record_late.mockResolvedValue(recorded({}));
    render(LateOrLeave, { id: 403, kind: 'late' });
    await screen.findByTestId('late-form');
    expect(desk.call_form).toHaveBeenCalledWith({ pupilId: 403 });
    // A time that is not a time: the error beside the field, nothing sent.
    await user.clear(screen.getByTestId('late-time'));
    await user.click(screen.getByTestId('late-submit'));
    expect(await screen.findByTestId('late-time-error')).toHaveTextContent('Enter the time the pupil arrived');
    expect(desk.record_late).not.toHaveBeenCalled();

    await user.type(screen.getByTestId('late-time'), '11:00');
    await user.type(screen.getByTestId('late-reason'), 'Bus late');
    await user.click(screen.getByTestId('late-submit'));
    expect(desk.record_late).toHaveBeenCalledWith({ pupilId: 403, date: '2026-12-01', arrivedAt: '11:00:00', reason: 'Bus late' });
    expect(await screen.findByRole('heading', { level: 1, name: 'Late arrival recorded' })).toHaveFocus();
    expect(screen.getByTestId('late-code')).toHaveTextContent('the school\'s rules gave code LC-LT2');
  });

  it('shows the desk\'s refusal beside the button', async () => {
    const user = userEvent.setup();
    desk.record_late.mockRejectedValue({ code: 'outside_school_day', message: '08:00 is not during an opening, so it is not a late arrival.' });
    render(LateOrLeave, { id: 403, kind: 'late' });
    await screen.findByTestId('late-form');
    await user.clear(screen.getByTestId('late-time'));
    await user.type(screen.getByTestId('late-time'), '08:00');
    await user.click(screen.getByTestId('late-submit'));
    expect(await screen.findByTestId('late-error')).toHaveTextContent('not a late arrival');
  });
});

describe('an early leave', () => {
  it('needs a reason and who collected them, then records the afternoon', async () => {
    const user = userEvent.setup();
    desk.record_early_leave.mockResolvedValue(
      recorded({ kind: 'early_leave', openings: [{ date: '2026-12-01', half: 'PM' }], code: 'LC-ILL', code_label: 'Sickness (no learning provided)', category: 'authorised', caller_name: 'Morag Grant', at_time: '11:30:00' }),
    );
    render(LateOrLeave, { id: 403, kind: 'leave' });
    await screen.findByTestId('late-form');
    await user.click(screen.getByTestId('leave-collector-other'));
    await user.click(screen.getByTestId('late-submit'));
    expect(await screen.findByTestId('leave-code-error')).toHaveTextContent('Choose the reason for leaving');
    expect(screen.getByTestId('leave-other-name-error')).toHaveTextContent('Enter the name of the person who collected the pupil');
    expect(desk.record_early_leave).not.toHaveBeenCalled();

    await user.click(screen.getByTestId('leave-code-option'));
    await user.type(screen.getByTestId('leave-other-name'), 'Morag Grant');
    await user.type(screen.getByTestId('leave-other-relationship'), 'Aunt');
    await user.clear(screen.getByTestId('late-time'));
    await user.type(screen.getByTestId('late-time'), '11:30');
    await user.click(screen.getByTestId('late-submit'));
    expect(desk.record_early_leave).toHaveBeenCalledWith({
      pupilId: 403,
      date: '2026-12-01',
      leftAt: '11:30:00',
      code: 'LC-ILL',
      reason: '',
      collectedBy: { contact_id: null, name: 'Morag Grant', relationship: 'Aunt' },
    });
    expect(await screen.findByRole('heading', { level: 1, name: 'Early leave recorded' })).toHaveFocus();
    expect(screen.getByTestId('late-code')).toHaveTextContent('Left at 11:30 with Morag Grant');
  });
});

describe('today', () => {
  it('finds the pupil signing in late and links to their late arrival form', async () => {
    const user = userEvent.setup();
    desk.schools.mockResolvedValue([{ id: 4, name: 'Elgin Birchwood Primary School' }]);
    desk.school_today.mockResolvedValue({
      school_id: 4,
      school_name: 'Elgin Birchwood Primary School',
      date: '2026-12-01',
      reported: [],
      unexplained_left: 0,
      marked_absent: 0,
      late: [recorded({})],
      escalations: [],
    });
    desk.search_pupils.mockResolvedValue([form.pupil]);
    render(Today, {});
    expect(await screen.findByTestId('today-late')).toHaveTextContent('Catherine Grant (P6A) arrived at 11:00');
    expect(screen.getByTestId('today-class-lists')).toHaveAttribute('href', '#/school/classes');
    await user.type(screen.getByTestId('late-find'), 'cath');
    const link = await screen.findByTestId('late-find-result');
    expect(desk.search_pupils).toHaveBeenLastCalledWith({ text: 'cath', limit: 20 });
    expect(link).toHaveTextContent('Catherine Grant, P6A');
    expect(link.getAttribute('href')).toBe('#/school/pupils/403/late');
  });
});
