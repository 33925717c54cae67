// A tiny hash router: `#/timetable?centre=1&day=2026-12-02`, `#/sessions/7`, `#/sessions/7/book`,
// `#/attention`. Hashes that do not start with `#/` are ignored, so in-page links never lose the
// screen.
export type Route =
  | { name: 'home' }
  | { name: 'timetable'; centreId: number | null; day: string | null }
  | { name: 'session'; id: number }
  | { name: 'book'; id: number }
  | { name: 'customer-notes'; id: number }
  | { name: 'attention' }
  | { name: 'not-found'; path: string };

const positiveId = (text: string | undefined): number | null => {
  if (!text || !/^\d{1,15}$/.test(text)) return null;
  const n = Number(text);
  return n > 0 ? n : null;
};

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#/, '');
  if (raw === '' || raw === '/') return { name: 'home' };
  const [path = '', queryText = ''] = raw.split('?', 2);
  const query = new URLSearchParams(queryText);
  const parts = path.split('/').filter(Boolean);
  if (parts.length === 1 && parts[0] === 'timetable') {
    const day = query.get('day');
    return {
      name: 'timetable',
      centreId: positiveId(query.get('centre') ?? undefined),
      day: day && /^\d{4}-\d{2}-\d{2}$/.test(day) ? day : null,
    };
  }
  if (parts[0] === 'sessions') {
    const id = positiveId(parts[1]);
    if (id !== null && parts.length === 2) return { name: 'session', id };
    if (id !== null && parts.length === 3 && parts[2] === 'book') return { name: 'book', id };
  }
  if (parts[0] === 'customers') {
    const id = positiveId(parts[1]);
    if (id !== null && parts.length === 3 && parts[2] === 'notes') return { name: 'customer-notes', id };
  }
  if (parts.length === 1 && parts[0] === 'attention') return { name: 'attention' };
  return { name: 'not-found', path: raw };
}

export function hrefFor(route: Route): string {
  switch (route.name) {
    case 'home':
      return '#/';
    case 'timetable': {
      const q = new URLSearchParams();
      if (route.centreId !== null) q.set('centre', String(route.centreId));
      if (route.day !== null) q.set('day', route.day);
      const s = q.toString();
      return s ? `#/timetable?${s}` : '#/timetable';
    }
    case 'session':
      return `#/sessions/${route.id}`;
    case 'book':
      return `#/sessions/${route.id}/book`;
    case 'customer-notes':
      return `#/customers/${route.id}/notes`;
    case 'attention':
      return '#/attention';
    case 'not-found':
      return `#/${route.path}`;
  }
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
