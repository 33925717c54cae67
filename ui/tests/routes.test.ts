import { describe, expect, it } from 'vitest';

import type { Capability } from '../src/lib/bindings/Capability';
import { hrefFor, parseHash } from '../src/lib/router.svelte';
import { NAV, ROUTES, screenFor } from '../src/routes';
import * as f from './fixtures';

const canFrom = (caps: readonly Capability[]) => (c: Capability | null) => c === null || caps.includes(c);

describe('the route table', () => {
  it('names each route once, and its path is the address the router reads for it', () => {
    expect(new Set(ROUTES.map((r) => r.name)).size).toBe(ROUTES.length);
    for (const r of ROUTES) {
      const address = r.path
        .replace(/:\w+\(uuid\)/g, '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b')
        .replace(/:\w+/g, '7').replace('YYYY-MM-DD', '2026-12-02').replace('/*', '/no/such/screen');
      const parsed = parseHash(`#${address}`);
      expect(parsed.name, r.path).toBe(r.name);
      if (parsed.name !== 'not-found') expect(parseHash(hrefFor(parsed)), r.path).toEqual(parsed);
    }
  });

  it('gives the navigation in table order, each link opening a screen that needs the same capability', () => {
    expect(NAV.map((n) => n.id)).toEqual(['timetable', 'register-customer', 'check-in', 'spaces', 'school-today', 'record-absence', 'worklist', 'ct-search', 'attention']);
    for (const item of NAV) {
      const def = ROUTES.find((r) => r.name === parseHash(item.href).name);
      expect(def?.capability).toBe(item.capability);
    }
  });

  it('opens the timetable at #/ for leisure staff, and Home for staff with no service here', () => {
    const leisure = screenFor({ name: 'home' }, f.leisureStaff, canFrom(f.leisureCapabilities));
    expect(leisure.def.name).toBe('timetable');
    expect(leisure.props).toMatchObject({ centreId: null, day: null, staff: f.leisureStaff });
    expect(screenFor({ name: 'home' }, f.leisureStaff, canFrom(f.otherCapabilities)).def.name).toBe('home');
  });

  it('shows Home instead of a screen whose capability the staff member lacks', () => {
    const can = canFrom(f.otherCapabilities);
    for (const route of [{ name: 'session', id: 3 }, { name: 'book', id: 3 }, { name: 'customer-notes', id: 3 }, { name: 'customer-edit', id: 3 }] as const) {
      expect(screenFor(route, f.leisureStaff, can).def.name).toBe('home');
    }
    expect(screenFor({ name: 'attention' }, f.leisureStaff, can).def.name).toBe('attention');
    expect(screenFor({ name: 'not-found', path: 'x' }, f.leisureStaff, can).def.name).toBe('not-found');
    expect(screenFor({ name: 'session', id: 3 }, f.leisureStaff, canFrom(f.leisureCapabilities)).props).toEqual({ id: 3 });
  });

  it('opens Today at #/ for school-office staff, and keeps the school screens from everyone else', () => {
    const school = canFrom(['attention', 'school.office']);
    expect(screenFor({ name: 'home' }, f.leisureStaff, school).def.name).toBe('school-today');
    expect(screenFor({ name: 'worklist' }, f.leisureStaff, school).def.name).toBe('worklist');
    for (const caps of [f.leisureCapabilities, f.otherCapabilities]) {
      for (const route of [{ name: 'school-today' }, { name: 'worklist' }, { name: 'pupil', id: 401 }] as const) {
        expect(screenFor(route, f.leisureStaff, canFrom(caps)).def.name).toBe('home');
      }
    }
  });

  it('opens the account search at #/ for contact-centre staff, and keeps council-tax screens from everyone else', () => {
    const ct: Capability = 'council_tax.desk';
    const contact = canFrom(['attention', ct]);
    expect(screenFor({ name: 'home' }, f.leisureStaff, contact).def.name).toBe('ct-search');
    expect(screenFor({ name: 'ct-move-out', id: 7 }, f.leisureStaff, contact).props).toEqual({ id: 7, slug: 'move-out' });
    expect(parseHash('#/council-tax/accounts/7/single-person-discount')).toEqual({ name: 'ct-apply-spd', id: 7 });
    for (const caps of [f.leisureCapabilities, f.otherCapabilities, ['attention', 'school.office'] as Capability[]]) {
      for (const route of [{ name: 'ct-search' }, { name: 'ct-account', id: 7 }, { name: 'ct-check', id: 7 }, { name: 'ct-paperless-sign-up', id: 7 }] as const) {
        expect(screenFor(route, f.leisureStaff, canFrom(caps)).def.name).toBe('home');
      }
    }
  });
});
