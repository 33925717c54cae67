// A tiny hash router over the one route table (`src/routes.ts`): each entry's `path` pattern
// (`/sessions/:id/book`, `/timetable?centre=:centreId&day=YYYY-MM-DD`; see `lib/routes.ts`) is how
// its address is read (`parseHash`) and written (`hrefFor`), and `Route` is typed from the table.
// `#/timetable?centre=1&day=2026-12-02`, `#/sessions/7`, `#/sessions/7/book`, `#/attention`,
// `#/customers/7/notes`. Hashes that do not start with `#/` are ignored, so in-page links never
// lose the screen.
import { ROUTES } from '../routes';
import type { RoutesOf } from './routes';

/** Every route of the table, by its name, with the fields its path pattern gives it. */
export type Route = RoutesOf<(typeof ROUTES)[number]>;

// Up to 16 digits: a customer registered on a desk has an id in 2^52..2^53 (docs/storage.md),
// still exact as a JavaScript number; anything past 2^53 - 1 is refused rather than rounded.
const positiveId = (text: string | undefined): number | null => {
  if (!text || !/^\d{1,16}$/.test(text)) return null;
  const n = Number(text);
  return n > 0 && Number.isSafeInteger(n) ? n : null;
};

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A `:name(uuid)` segment's field name. */
const fieldOf = (segment: string): string => segment.slice(1).replace(/\(uuid\)$/, '');

interface QueryField {
  key: string;
  field: string;
  kind: 'id' | 'date';
}

/** A path pattern, taken apart once. */
interface Pattern {
  name: string;
  kind: 'home' | 'any' | 'path';
  /** Literal segments, and `:name` for a positive id. */
  segments: string[];
  query: QueryField[];
}

function compile(def: { name: string; path: string }): Pattern {
  const [path = '', queryText] = def.path.split('?', 2);
  if (path === '/') return { name: def.name, kind: 'home', segments: [], query: [] };
  if (path === '/*') return { name: def.name, kind: 'any', segments: [], query: [] };
  if (!path.startsWith('/')) throw new Error(`route ${def.name}: its path must start with /: ${def.path}`);
  const segments = path.split('/').filter(Boolean);
  if (segments.some((s) => s.includes('*') || s === ':')) {
    throw new Error(`route ${def.name}: only /* may be a wildcard, and each :placeholder needs a name: ${def.path}`);
  }
  const query = (queryText ?? '')
    .split('&')
    .filter(Boolean)
    .map((pair): QueryField => {
      const [key = '', value = ''] = pair.split('=', 2);
      if (key && /^:\w+$/.test(value)) return { key, field: value.slice(1), kind: 'id' };
      if (key && value === 'YYYY-MM-DD') return { key, field: key, kind: 'date' };
      throw new Error(`route ${def.name}: a query parameter is key=:name or key=YYYY-MM-DD, not ${pair}`);
    });
  return { name: def.name, kind: 'path', segments, query };
}

/**
 * Reading and writing the addresses of a route table, from its entries' path patterns. The app's
 * `parseHash`/`hrefFor` are this over `ROUTES`; a table needs one `/` and one `/*` entry.
 */
export function addressesOf<R extends { name: string }>(table: readonly { name: string; path: string }[]) {
  const patterns = table.map(compile);
  const home = patterns.find((p) => p.kind === 'home');
  const any = patterns.find((p) => p.kind === 'any');
  if (!home || !any) throw new Error('the route table needs a / entry and a /* entry');
  const byName = new Map(patterns.map((p) => [p.name, p]));

  function match(p: Pattern, parts: string[], query: URLSearchParams): Record<string, unknown> | null {
    if (p.kind !== 'path' || p.segments.length !== parts.length) return null;
    const out: Record<string, unknown> = { name: p.name };
    for (const [i, segment] of p.segments.entries()) {
      if (segment.startsWith(':') && segment.endsWith('(uuid)')) {
        const text = parts[i] ?? '';
        if (!UUID.test(text)) return null;
        out[fieldOf(segment)] = text.toLowerCase();
      } else if (segment.startsWith(':')) {
        const id = positiveId(parts[i]);
        if (id === null) return null;
        out[segment.slice(1)] = id;
      } else if (segment !== parts[i]) {
        return null;
      }
    }
    for (const q of p.query) {
      const value = query.get(q.key);
      out[q.field] = q.kind === 'id' ? positiveId(value ?? undefined) : value && DATE.test(value) ? value : null;
    }
    return out;
  }

  function parseHash(hash: string): R {
    const raw = hash.replace(/^#/, '');
    if (raw === '' || raw === '/') return { name: home!.name } as R;
    const [path = '', queryText = ''] = raw.split('?', 2);
    const query = new URLSearchParams(queryText);
    const parts = path.split('/').filter(Boolean);
    for (const p of patterns) {
      const found = match(p, parts, query);
      if (found) return found as R;
    }
    return { name: any!.name, path: raw } as unknown as R;
  }

  function hrefFor(route: R): string {
    const p = byName.get(route.name);
    if (!p) throw new Error(`no route table entry for ${route.name}`);
    const fields = route as unknown as Record<string, unknown>;
    if (p.kind === 'home') return '#/';
    if (p.kind === 'any') return `#/${String(fields.path)}`;
    const path = p.segments.map((s) => (s.startsWith(':') ? String(fields[fieldOf(s)]) : s)).join('/');
    const q = new URLSearchParams();
    for (const { key, field } of p.query) {
      const value = fields[field];
      if (value !== null && value !== undefined) q.set(key, String(value));
    }
    const s = q.toString();
    return s ? `#/${path}?${s}` : `#/${path}`;
  }

  return { parseHash, hrefFor };
}

// Built on first use, not on load: the table's screens import this module (to link to each
// other), so `ROUTES` may not be there yet while modules load.
let app: ReturnType<typeof addressesOf<Route>> | null = null;
const addresses = (): ReturnType<typeof addressesOf<Route>> => (app ??= addressesOf<Route>(ROUTES));

/** The route an address shows (`#/sessions/7` → `{ name: 'session', id: 7 }`); unknown ones are `not-found`. */
export function parseHash(hash: string): Route {
  return addresses().parseHash(hash);
}

/** The address of a route, as `parseHash` reads it back. */
export function hrefFor(route: Route): string {
  return addresses().hrefFor(route);
}

class Router {
  current = $state<Route>({ name: 'home' });
  #started = false;

  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.current = parseHash(window.location.hash);
    window.addEventListener('hashchange', () => {
      if (window.location.hash === '' || window.location.hash.startsWith('#/')) {
        this.current = parseHash(window.location.hash);
      }
    });
  }

  go(route: Route): void {
    const href = hrefFor(route);
    if (window.location.hash === href) {
      this.current = parseHash(href);
    } else {
      window.location.hash = href;
      // jsdom and some webviews deliver hashchange late; the screen follows at once either way.
      this.current = parseHash(href);
    }
  }
}

export const router = new Router();
