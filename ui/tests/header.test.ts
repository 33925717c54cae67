import { render, screen, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';

import Header from '../src/lib/components/Header.svelte';
import * as f from './fixtures';

describe('header', () => {
  it('shows who is signed in, where, and the counts', () => {
    render(Header, {
      staff: f.leisureStaff,
      status: f.status({ pending: 3, needs_attention: 2, last_synced_at: new Date().toISOString() }),
      centres: f.centres,
      capabilities: f.leisureCapabilities,
    });
    expect(screen.getByTestId('header-staff')).toHaveTextContent('Ailsa Mackenzie');
    expect(screen.getByTestId('header-site')).toHaveTextContent('Riverside Leisure Centre');
    expect(screen.getByTestId('header-online')).toHaveTextContent('Online');
    expect(screen.getByTestId('header-pending')).toHaveTextContent('3 changes waiting to send');
    expect(screen.getByTestId('header-pending')).toHaveAttribute('data-count', '3');
    expect(screen.getByTestId('header-attention')).toHaveTextContent('Needs attention: 2');
    expect(screen.getByTestId('nav-attention-count')).toHaveTextContent('2');
    expect(screen.getByTestId('header-last-synced')).toHaveTextContent(/Last synced \d\d:\d\d/);
  });

  it('says offline, one change, never synced', () => {
    render(Header, {
      staff: f.leisureStaff,
      status: f.status({ online: false, pending: 1 }),
      centres: [],
    });
    expect(screen.getByTestId('header-online')).toHaveTextContent('Offline');
    expect(screen.getByTestId('header-online')).toHaveAttribute('data-online', 'false');
    expect(screen.getByTestId('header-offline-hint')).toHaveTextContent('kept on this desk');
    expect(screen.getByTestId('header-pending')).toHaveTextContent('1 change waiting to send');
    expect(screen.getByTestId('header-last-synced')).toHaveTextContent('Not synced yet');
    // The centre is not on the desk yet: the site is still named.
    expect(screen.getByTestId('header-site')).toHaveTextContent('Leisure centre 1');
    expect(screen.queryByTestId('nav-attention-count')).toBeNull();
  });

  it('announces online/offline and counts politely', () => {
    render(Header, { staff: f.leisureStaff, status: f.status(), centres: [] });
    const live = screen.getByTestId('sync-live');
    expect(live).toHaveAttribute('aria-live', 'polite');
    expect(within(live).getByTestId('header-online')).toBeInTheDocument();
    expect(within(live).getByTestId('header-attention')).toBeInTheDocument();
  });

  it('shows first-sync progress with rows and percentage', () => {
    render(Header, {
      staff: f.leisureStaff,
      status: f.status({ progress: { rows: 12345, total: 100000, percent: 12 } }),
      centres: [],
    });
    expect(screen.getByTestId('sync-progress')).toHaveTextContent('12,345 of 100,000 (12%)');
    const bar = screen.getByTestId('sync-progress-bar');
    expect(bar).toHaveAttribute('value', '12');
    expect(screen.getByLabelText(/Getting records/)).toBe(bar);
  });

  it('tells screen readers once the first sync has finished', async () => {
    const { rerender } = render(Header, {
      staff: f.leisureStaff,
      status: f.status({ progress: { rows: 10, total: 100, percent: 10 } }),
      centres: [],
    });
    expect(screen.queryByTestId('sync-finished')).toBeNull();
    await rerender({ staff: f.leisureStaff, status: f.status({ progress: null }), centres: [] });
    expect(screen.queryByTestId('sync-progress')).toBeNull();
    expect(within(screen.getByTestId('sync-live')).getByTestId('sync-finished')).toHaveTextContent(
      'All records are now on this desk',
    );
  });

  it('offers the leisure timetable only to leisure roles (as the desk reports their capabilities)', () => {
    const { unmount } = render(Header, {
      staff: f.leisureStaff,
      status: f.status(),
      centres: [],
      capabilities: f.leisureCapabilities,
    });
    expect(screen.getByTestId('nav-timetable')).toHaveAttribute('href', '#/timetable');
    expect(screen.getByTestId('nav-attention')).toBeInTheDocument();
    unmount();

    render(Header, {
      staff: { ...f.leisureStaff, roles: ['school-office'], sites: ['school:4'] },
      status: f.status(),
      centres: [],
      capabilities: f.otherCapabilities,
    });
    expect(screen.queryByTestId('nav-timetable')).toBeNull();
    expect(screen.getByTestId('nav-attention')).toBeInTheDocument();
    expect(screen.getByTestId('header-site')).toHaveTextContent('School 4');
  });

  // Which roles open leisure is desk-domain's `capabilities` (tested there); the header follows it.
  it('lets a supervisor use leisure', () => {
    render(Header, {
      staff: { ...f.leisureStaff, roles: ['supervisor'] },
      status: f.status(),
      centres: [],
      capabilities: f.leisureCapabilities,
    });
    expect(screen.getByTestId('nav-timetable')).toBeInTheDocument();
  });

  it('shows no identity bar before sign-in', () => {
    render(Header, { staff: null, status: null });
    expect(screen.queryByTestId('identity-bar')).toBeNull();
    expect(screen.getByText('Council Desk')).toBeInTheDocument();
  });
});
