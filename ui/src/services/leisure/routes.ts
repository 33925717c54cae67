// The leisure service's screens: timetable by centre and day, a session's bookings, booking a
// customer, a customer's notes.
import { route } from '../../lib/routes';
import { timetable } from './stores/timetable.svelte';
import BlockBooking from './screens/BlockBooking.svelte';
import BookCustomer from './screens/BookCustomer.svelte';
import BookSpace from './screens/BookSpace.svelte';
import CancelSpace from './screens/CancelSpace.svelte';
import CashUp from './screens/CashUp.svelte';
import ChangeCustomer from './screens/ChangeCustomer.svelte';
import CheckIn from './screens/CheckIn.svelte';
import CustomerNotes from './screens/CustomerNotes.svelte';
import MoveBooking from './screens/MoveBooking.svelte';
import Reception from './screens/Reception.svelte';
import RegisterCustomer from './screens/RegisterCustomer.svelte';
import Offers from './screens/Offers.svelte';
import SessionDetail from './screens/SessionDetail.svelte';
import Spaces from './screens/Spaces.svelte';
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
    name: 'move',
    path: '/sessions/:id/move',
    title: 'Move a place',
    capability: 'leisure.book',
    component: MoveBooking,
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
  route({
    name: 'customer-edit',
    path: '/customers/:id/edit',
    title: 'Change a customer’s details',
    capability: 'leisure.book',
    component: ChangeCustomer,
    props: (r) => ({ id: r.id }),
    section: 'timetable',
  }),
  route({
    name: 'register-customer',
    path: '/customers/new?centre=:centreId',
    title: 'Register a customer',
    capability: 'leisure.book',
    component: RegisterCustomer,
    props: (r) => ({ centreId: r.centreId }),
    section: 'timetable',
    nav: { id: 'register-customer', label: 'Register a customer', href: '#/customers/new', capability: 'leisure.book' },
  }),
  route({
    name: 'customer',
    path: '/customers/:id?session=:sessionId',
    title: 'Customer',
    capability: 'leisure.book',
    component: Reception,
    props: (r) => ({ id: r.id, sessionId: r.sessionId }),
    section: 'timetable',
  }),
  route({
    name: 'check-in',
    path: '/check-in',
    title: 'Check-in',
    capability: 'leisure.book',
    component: CheckIn,
    props: () => ({}),
    section: 'check-in',
    nav: { id: 'check-in', label: 'Check-in', href: '#/check-in', capability: 'leisure.book' },
  }),
  route({
    name: 'offers',
    path: '/offers',
    title: 'Waiting-list offers',
    capability: 'leisure.book',
    component: Offers,
    props: () => ({}),
    section: 'check-in',
  }),
  route({
    name: 'spaces',
    path: '/spaces?centre=:centreId&day=YYYY-MM-DD',
    title: 'Spaces',
    capability: 'leisure.book',
    component: Spaces,
    props: (r, staff) => ({ staff, centreId: r.centreId, day: r.day }),
    section: 'spaces',
    nav: { id: 'spaces', label: 'Spaces', href: '#/spaces', capability: 'leisure.book' },
  }),
  route({
    name: 'space-book',
    path: '/spaces/book?centre=:centreId&day=YYYY-MM-DD&space=:space&hour=:hour',
    title: 'Book a space',
    capability: 'leisure.book',
    component: BookSpace,
    props: (r, staff) => ({ staff, centreId: r.centreId, day: r.day, space: r.space, hour: r.hour }),
    section: 'spaces',
  }),
  route({
    name: 'space-block',
    path: '/spaces/block?centre=:centreId&day=YYYY-MM-DD',
    title: 'Block booking',
    capability: 'leisure.book',
    component: BlockBooking,
    props: (r, staff) => ({ staff, centreId: r.centreId, day: r.day }),
    section: 'spaces',
  }),
  route({
    name: 'space-cancel',
    path: '/spaces/bookings/:bookingId(uuid)/cancel?centre=:centreId',
    title: 'Cancel a space hire',
    capability: 'leisure.book',
    component: CancelSpace,
    props: (r) => ({ bookingId: r.bookingId, centreId: r.centreId }),
    section: 'spaces',
  }),
];
