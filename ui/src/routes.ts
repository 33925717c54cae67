// The one route table: every screen behind sign-in, with its address, title, the capability it
// needs and its component, joined from each service's own list. App.svelte shows what
// `screenFor` picks and the header's navigation is `NAV`; neither names a screen itself.
import type { Capability } from './lib/bindings/Capability';
import type { StaffProfile } from './lib/bindings/StaffProfile';
import { parseHash, type Route } from './lib/router.svelte';
import type { NavItem, RouteDef } from './lib/routes';
import { coreRoutes } from './services/core/routes';
import { councilTaxRoutes } from './services/council-tax/routes';
import { leisureRoutes } from './services/leisure/routes';
import { schoolRoutes } from './services/school/routes';

/** In navigation order: each service's screens, then the core ones. Its entries type `Route`. */
export const ROUTES = [...leisureRoutes, ...schoolRoutes, ...councilTaxRoutes, ...coreRoutes];

/** The table as the screen picker reads it: entries side by side, whatever their routes. */
const TABLE: readonly RouteDef[] = ROUTES;

/** The service navigation, in table order; the header shows the links the staff member may use. */
export const NAV: readonly NavItem[] = TABLE.flatMap((r) => (r.nav ? [r.nav] : []));

const byName = (name: Route['name']): RouteDef => {
  const def = TABLE.find((r) => r.name === name);
  if (!def) throw new Error(`no route table entry for ${name}`);
  return def;
};

export interface Screen {
  def: RouteDef;
  /** The route the screen shows: `#/` becomes the start screen's own route. */
  route: Route;
  props: Record<string, unknown>;
}

/**
 * The screen a route shows to this member of staff: `#/` opens their first start screen, and a
 * screen whose capability they lack shows Home instead (the desk refuses its data anyway).
 */
export function screenFor(route: Route, staff: StaffProfile, can: (c: Capability | null) => boolean): Screen {
  let shown = route;
  if (route.name === 'home') {
    const start = TABLE.find((r) => r.start && r.nav && can(r.capability));
    if (start?.nav) shown = parseHash(start.nav.href);
  }
  let def = byName(shown.name);
  if (!can(def.capability)) {
    shown = { name: 'home' };
    def = byName('home');
  }
  return { def, route: shown, props: def.props?.(shown, staff) ?? {} };
}
