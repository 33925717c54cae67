import { describe, expect, it } from 'vitest';

import { hrefFor, parseHash, type Route } from '../src/lib/router.svelte';

describe('hash routes', () => {
  it('round-trip', () => {
    const routes: Route[] = [
      { name: 'home' },
      { name: 'timetable', centreId: 3, day: '2026-12-02' },
      { name: 'timetable', centreId: null, day: null },
      { name: 'session', id: 17 },
      { name: 'book', id: 17 },
      { name: 'customer-notes', id: 101 },
      { name: 'attention' },
    ];
    for (const route of routes) expect(parseHash(hrefFor(route))).toEqual(route);
  });

  it('treat junk as not found or drop bad parameters', () => {
    expect(parseHash('#/sessions/abc')).toEqual({ name: 'not-found', path: '/sessions/abc' });
    expect(parseHash('#/sessions/0')).toMatchObject({ name: 'not-found' });
    expect(parseHash('#/timetable?centre=-1&day=tomorrow')).toEqual({ name: 'timetable', centreId: null, day: null });
    expect(parseHash('')).toEqual({ name: 'home' });
    expect(parseHash('#/customers/101')).toMatchObject({ name: 'not-found' });
    expect(parseHash('#/customers/0/notes')).toMatchObject({ name: 'not-found' });
  });
});
