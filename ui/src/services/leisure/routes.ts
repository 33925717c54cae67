// The leisure service's screens: timetable by centre and day, a session's bookings, booking a
// customer, a customer's notes.
import { route } from '../../lib/routes';
import { timetable } from './stores/timetable.svelte';
import BookCustomer from './screens/BookCustomer.svelte';
import CashUp from './screens/CashUp.svelte';
import CustomerNotes from './screens/CustomerNotes.svelte';
import SessionDetail from './screens/SessionDetail.svelte';
import Timetable from './screens/Timetable.svelte';

export const leisureRoutes = [
  route({
    name: 'timetable',
    path: '/timetable?centre=:centreId&day=YYYY-MM-DD',
    title: 'Leisure timetable',
    capability: 'leisure.book',
    component: Timetable,
    props: (r, staff) => ({ staff, centreId: r.centreId, day: r.day }),
    section: 'timetable',
    nav: { id: 'timetable', label: 'Leisure timetable', href: '#/timetable', capability: 'leisure.book', key: 't' },
    start: true,
    onSynced: () => void timetable.refresh(),
  }),
  route({
    name: 'session',
    path: '/sessions/:id',
    title: 'Session',
    capability: 'leisure.book',
    component: SessionDetail,
    props: (r) => ({ id: r.id }),
    section: 'timetable',
  }),
  route({
    name: 'book',
    path: '/sessions/:id/book',
    title: 'Book a customer',
    capability: 'leisure.book',
    component: BookCustomer,
    props: (r) => ({ id: r.id }),
    section: 'timetable',
  }),
  route({
    name: 'cash-up',
    path: '/cash-up?centre=:centreId',
    title: 'Cash-up',
    capability: 'leisure.book',
    component: CashUp,
    props: (r, staff) => ({ staff, centreId: r.centreId }),
    section: 'timetable',
  }),
  route({
    name: 'customer-notes',
    path: '/customers/:id/notes',
    title: 'Customer notes',
    capability: 'leisure.book',
    component: CustomerNotes,
    props: (r) => ({ id: r.id }),
    section: 'timetable',
  }),
];
