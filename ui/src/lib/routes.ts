// What a route table entry says about a screen. Each service lists its own entries
// (`services/<service>/routes.ts`); `src/routes.ts` joins them into the one table that drives
// App.svelte's screen, title, route guard and the service navigation.
import type { Component } from 'svelte';

import type { Capability } from './bindings/Capability';
import type { StaffProfile } from './bindings/StaffProfile';
import type { Route } from './router.svelte';

export type RouteName = Route['name'];
export type RouteOf<N extends RouteName> = Extract<Route, { name: N }>;

export interface RouteDef<N extends RouteName = RouteName> {
  name: N;
  /** The address, as `lib/router.svelte.ts` reads it (`:id` a positive id; a test checks both agree). */
  path: string;
  /** The window title while this screen shows (before " – Council Desk"). */
  title: string;
  /** What the signed-in member of staff must be able to do, as the desk reports it; `null`: anyone. */
  capability: Capability | null;
  // Each screen has its own props; `props` below gives them from the route.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  component: Component<any>;
  props?: (route: RouteOf<N>, staff: StaffProfile) => Record<string, unknown>;
  /** The service-navigation entry the screen belongs under (its `nav.id`), if any. */
  section?: string;
  /** A link in the service navigation to this screen. */
  nav?: NavItem;
  /** `#/` opens the first such screen the staff member may use (else the core Home screen). */
  start?: boolean;
  /** New data arrived from the server while this screen shows. */
  onSynced?: () => void;
}

export interface NavItem {
  /** Also the link's `data-testid`: `nav-<id>`. */
  id: string;
  label: string;
  href: string;
  /** Who sees the link: the same capability as the screen it opens. */
  capability: Capability | null;
}

/** Route entries are written per route name; the table holds them side by side. */
export function route<N extends RouteName>(def: RouteDef<N>): RouteDef {
  return def as unknown as RouteDef;
}
