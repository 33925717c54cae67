// Screens every member of staff has: the start screen when no service is theirs, Needs attention
// and Page not found. Sign-in and the lock screen stand outside the table: they replace it.
import { route } from '../../lib/routes';
import Home from './screens/Home.svelte';
import NeedsAttention from './screens/NeedsAttention.svelte';
import NotFound from './screens/NotFound.svelte';

export const coreRoutes = [
  // `#/` shows the first screen in the navigation the staff member may use (see `src/routes.ts`);
  // this entry is what they see when there is none.
  route({
    name: 'home',
    path: '/',
    title: 'Council Desk',
    capability: null,
    component: Home,
    props: (_r, staff) => ({ staff }),
  }),
  route({
    name: 'attention',
    path: '/attention',
    title: 'Needs attention',
    capability: 'attention',
    component: NeedsAttention,
    section: 'attention',
    nav: { id: 'attention', label: 'Needs attention', href: '#/attention', capability: 'attention', key: 'a' },
  }),
  route({
    name: 'not-found',
    path: '/*',
    title: 'Page not found',
    capability: null,
    component: NotFound,
  }),
];
