import { describe, expect, it } from 'vitest';

import { addressesOf, hrefFor, parseHash, type Route } from '../src/lib/router.svelte';

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
    // A customer's reception view; a bad session in its query is dropped, a bad id is not found.
    expect(parseHash('#/customers/101')).toEqual({ name: 'customer', id: 101, sessionId: null });
    expect(parseHash('#/customers/101?session=x')).toEqual({ name: 'customer', id: 101, sessionId: null });
    expect(parseHash('#/customers/abc')).toMatchObject({ name: 'not-found' });
    // A desk-made customer id (2^52 and over) is kept exactly; past 2^53 - 1 it could not be.
    expect(parseHash('#/customers/4503599627370573')).toEqual({ name: 'customer', id: 4503599627370573, sessionId: null });
    expect(parseHash('#/customers/9007199254740993')).toMatchObject({ name: 'not-found' });
    expect(parseHash('#/customers/0/notes')).toMatchObject({ name: 'not-found' });
  });
});

describe('addresses from path patterns', () => {
  type Made =
    | { name: 'start' }
    | { name: 'lost'; path: string }
    | { name: 'note'; id: number; noteId: number }
    | { name: 'diary'; siteId: number | null; from: string | null };
  const made = addressesOf<Made>([
    { name: 'start', path: '/' },
    { name: 'note', path: '/customers/:id/notes/:noteId' },
    { name: 'diary', path: '/diary?site=:siteId&from=YYYY-MM-DD' },
    { name: 'lost', path: '/*' },
  ]);

  it('reads each placeholder as its field, and writes it back', () => {
    expect(made.parseHash('#/customers/4/notes/9')).toEqual({ name: 'note', id: 4, noteId: 9 });
    expect(made.hrefFor({ name: 'note', id: 4, noteId: 9 })).toBe('#/customers/4/notes/9');
    expect(made.parseHash('#/diary?from=2026-12-02&site=3&other=1')).toEqual({ name: 'diary', siteId: 3, from: '2026-12-02' });
    expect(made.hrefFor({ name: 'diary', siteId: 3, from: '2026-12-02' })).toBe('#/diary?site=3&from=2026-12-02');
    expect(made.hrefFor({ name: 'diary', siteId: null, from: null })).toBe('#/diary');
    expect(made.parseHash('#/')).toEqual({ name: 'start' });
    expect(made.hrefFor({ name: 'start' })).toBe('#/');
  });

  it('needs path ids, and drops bad query values', () => {
    expect(made.parseHash('#/customers/4/notes/x')).toEqual({ name: 'lost', path: '/customers/4/notes/x' });
    expect(made.parseHash('#/customers/4/notes')).toEqual({ name: 'lost', path: '/customers/4/notes' });
    expect(made.parseHash('#/diary?site=0&from=2026-12')).toEqual({ name: 'diary', siteId: null, from: null });
  });

  it('refuses a pattern it cannot read, and a table without / and /*', () => {
    expect(() => addressesOf([{ name: 'x', path: '/x?when=tomorrow' }, { name: 'h', path: '/' }, { name: 'a', path: '/*' }])).toThrow(
      /key=:name or key=YYYY-MM-DD/,
    );
    expect(() => addressesOf([{ name: 'x', path: '/x/*/y' }, { name: 'h', path: '/' }, { name: 'a', path: '/*' }])).toThrow(
      /wildcard/,
    );
    expect(() => addressesOf([{ name: 'h', path: '/' }])).toThrow(/needs a \/ entry and a \/\* entry/);
  });
});
