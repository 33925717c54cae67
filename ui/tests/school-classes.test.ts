// The class lists: a compact table per class, each pupil's figure and the thresholds' flag.
import { render, screen, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';

import { desk, resetDesk } from './desk';

vi.mock('../src/lib/ipc', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/lib/ipc')>();
  return { ...(await import('./desk')).withDesk(real) };
});

const { default: ClassLists } = await import('../src/services/school/screens/ClassLists.svelte');
const { school } = await import('../src/services/school/stores/school.svelte');

beforeEach(() => {
  resetDesk();
  school.reset();
  desk.schools.mockResolvedValue([{ id: 4, name: 'Elgin Birchwood Primary School' }]);
});

describe('class lists', () => {
  it('shows each class with its pupils, their figure and flag, linked to the pupil page', async () => {
    desk.class_lists.mockResolvedValue({
      school_id: 4,
      school_name: 'Elgin Birchwood Primary School',
      year_label: '2026/27',
      from: '2026-08-19',
      to: '2026-12-01',
      classes: [
        {
          class: 'P4B',
          pupils: [
            { pupil_id: 401, name: 'Eilidh MacDonald', attendance_percent: 78.5, flag: 'red' },
            { pupil_id: 402, name: "Callum O'Neill", attendance_percent: 88, flag: 'flagged' },
          ],
        },
        { class: 'P6A', pupils: [{ pupil_id: 403, name: 'Catherine Grant', attendance_percent: null, flag: 'none' }] },
      ],
    });
    render(ClassLists, {});
    const tables = await screen.findAllByTestId('class-list');
    expect(desk.class_lists).toHaveBeenCalledWith({ schoolId: 4, date: null });
    expect(tables.map((t) => t.dataset.class)).toEqual(['P4B', 'P6A']);
    expect(within(tables[0]!).getByText(/2 pupils, 2 below 90%/)).toBeInTheDocument();
    const rows = screen.getAllByTestId('class-pupil');
    expect(rows.map((r) => Array.from(r.children).map((c) => c.textContent?.trim()))).toEqual([
      ['Eilidh MacDonald', '78.5%', 'Below 80%'],
      ["Callum O'Neill", '88.0%', 'Below 90%'],
      ['Catherine Grant', '—', ''],
    ]);
    expect(within(rows[0]!).getByRole('link', { name: 'Eilidh MacDonald' })).toHaveAttribute('href', '#/school/pupils/401');
    expect(screen.getByTestId('classes-range')).toHaveTextContent('in 2026/27');
  });

  it('says so when the desk holds no school year', async () => {
    desk.class_lists.mockResolvedValue({
      school_id: 4,
      school_name: 'Elgin Birchwood Primary School',
      year_label: null,
      from: null,
      to: '2026-12-01',
      classes: [],
    });
    render(ClassLists, {});
    expect(await screen.findByTestId('classes-empty')).toBeInTheDocument();
  });
});
