// What a route table entry says about a screen. Each service lists its own entries
// (`services/<service>/routes.ts`); `src/routes.ts` joins them into the one table that drives
// App.svelte's screen, title, route guard and the service navigation, and `lib/router.svelte.ts`
// reads and writes addresses from the entries' `path` patterns: a new screen is one entry.
//
// A `path` pattern is the address with placeholders:
// - `/sessions/:id/book`: a path segment `:name` is a positive id, the route's `name: number`
//   (the address does not match without it); `:name(uuid)` is a UUID, `name: string` (a
//   booking made on a desk has one);
// - `/timetable?centre=:centreId&day=YYYY-MM-DD`: a query parameter `key=:name` is a positive id
//   `name: number | null`, and `key=YYYY-MM-DD` a date `key: string | null` (null when missing or
//   not of that form); other query parameters are ignored;
// - `/` is the start address (`#/`) and `/*` every address nothing else matches
//   (`path: string`, the address as written).
import type { Component } from 'svelte';

import type { Capability } from './bindings/Capability';
import type { StaffProfile } from './bindings/StaffProfile';

type Simplify<T> = { [K in keyof T]: T[K] } & NonNullable<unknown>;
type None = Record<never, never>;

type SegmentParam<S extends string> = S extends `:${infer Name}(uuid)`
  ? { [K in Name]: string }
  : S extends `:${infer Name}`
  ? { [K in Name]: number }
  : S extends '*'
    ? { path: string }
    : None;
type PathParams<S extends string> = S extends `${infer Head}/${infer Rest}`
  ? SegmentParam<Head> & PathParams<Rest>
  : SegmentParam<S>;
type QueryParam<S extends string> = S extends `${string}=:${infer Name}`
  ? { [K in Name]: number | null }
  : S extends `${infer Key}=YYYY-MM-DD`
    ? { [K in Key]: string | null }
    : None;
type QueryParams<S extends string> = S extends `${infer Head}&${infer Rest}`
  ? QueryParam<Head> & QueryParams<Rest>
  : QueryParam<S>;

/** The fields a path pattern gives its route: `'/sessions/:id'` → `{ id: number }`. */
export type ParamsOf<P extends string> = P extends `${infer Path}?${infer Query}`
  ? PathParams<Path> & QueryParams<Query>
  : PathParams<P>;

/** The route (`router.current`, `hrefFor`'s argument) of the entry named `N` with pattern `P`. */
export type RouteFor<N extends string, P extends string> = Simplify<{ name: N } & ParamsOf<P>>;

/** The route of each entry of a table: `RoutesOf<(typeof ROUTES)[number]>` is the `Route` union. */
export type RoutesOf<D> = D extends { name: infer N extends string; path: infer P extends string } ? RouteFor<N, P> : never;

export interface RouteDef<N extends string = string, P extends string = string> {
  name: N;
  /** The address pattern (see the top of this file); `lib/router.svelte.ts` reads and writes it. */
  path: P;
  /** The window title while this screen shows (before " – Council Desk"). */
  title: string;
  /** What the signed-in member of staff must be able to do, as the desk reports it; `null`: anyone. */
  capability: Capability | null;
  // Each screen has its own props; `props` below gives them from the route.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  component: Component<any>;
  /** The screen's props from its route (fields as its `path` pattern gives them) and the staff member. */
  props?(route: RouteFor<N, P>, staff: StaffProfile): Record<string, unknown>;
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
  /** A key that opens the screen from anywhere (see `lib/shortcuts.svelte.ts`), if any. */
  key?: string;
}

/** One entry of a service's list; its name and path pattern stay literal, so routes are typed by them. */
export function route<const N extends string, const P extends string>(def: RouteDef<N, P>): RouteDef<N, P> {
  return def;
}
