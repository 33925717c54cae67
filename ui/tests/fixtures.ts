// Test data shaped exactly as the desk sends it over IPC.
import type { AppInfo } from '../src/lib/bindings/AppInfo';
import type { AttentionItem } from '../src/lib/bindings/AttentionItem';
import type { BookingView } from '../src/lib/bindings/BookingView';
import type { Capability } from '../src/lib/bindings/Capability';
import type { Centre } from '../src/lib/bindings/Centre';
import type { CustomerNote } from '../src/lib/bindings/CustomerNote';
import type { CustomerView } from '../src/lib/bindings/CustomerView';
import type { SessionDetail } from '../src/lib/bindings/SessionDetail';
import type { SessionView } from '../src/lib/bindings/SessionView';
import type { StaffProfile } from '../src/lib/bindings/StaffProfile';
import type { SyncStatus } from '../src/lib/bindings/SyncStatus';

export const centres: Centre[] = [
  { id: 1, name: 'Riverside Leisure Centre', town: 'Perth' },
  { id: 2, name: 'Glen Pool', town: 'Crieff' },
];

export const leisureStaff: StaffProfile = {
  id: 5,
  username: 'ailsa.mackenzie',
  display_name: 'Ailsa Mackenzie',
  roles: ['leisure-desk'],
  sites: ['leisure:1'],
};

/** What the desk reports a leisure-desk member (and a supervisor) may do: scope.rs `capabilities`. */
export const leisureCapabilities: Capability[] = ['leisure.book', 'attention'];
/** What it reports for any other role. */
export const otherCapabilities: Capability[] = ['attention'];

export function sessionView(
  id: number,
  activity: string,
  time: string,
  booked: number,
  capacity: number,
  extra: Partial<SessionView['session']> & { pending?: boolean } = {},
): SessionView {
  const { pending = false, ...rest } = extra;
  return {
    pending,
    session: {
      id,
      centre_id: 1,
      activity_id: id * 10,
      activity_name: activity,
      starts_at: `2026-12-02T${time}:00`,
      duration_minutes: 45,
      capacity,
      booked,
      waiting: 0,
      location: 'Main pool',
      instructor: 'Iain',
      cancelled: false,
      ...rest,
    },
  };
}

export const day = [
  sessionView(12, 'Spin', '18:00', 10, 16),
  sessionView(10, 'Aqua Fit', '09:00', 20, 20, { waiting: 2 }),
  sessionView(11, 'Aqua Fit', '10:00', 5, 20, { pending: true }),
  sessionView(13, 'Yoga', '12:00', 3, 12),
];

export const customers: CustomerView[] = [
  { id: 101, first_name: 'Mòrag', last_name: "O'Neill", date_of_birth: '1987-03-27', membership_no: 'M0001', postcode: 'PH1 5AA' },
  { id: 102, first_name: 'Morven', last_name: 'Ross', date_of_birth: '1990-07-01', membership_no: 'M0002', postcode: 'PH2 7BB' },
  { id: 103, first_name: 'Moira', last_name: 'Stewart', date_of_birth: '1975-01-15', membership_no: 'M0003', postcode: 'PH7 3CC' },
];

export function booking(id: string, name: string, status: BookingView['status'], pending = false): BookingView {
  return { id, session_id: 11, customer_id: 100, customer_name: name, status, pending };
}

export function note(id: string, text: string, createdAt: string, customerId = 101): CustomerNote {
  return { id, customer_id: customerId, centre_id: 1, text, created_at: createdAt, staff_id: 5 };
}

export function detail(view: SessionView, bookings: BookingView[]): SessionDetail {
  return { session: view, bookings };
}

export function status(extra: Partial<SyncStatus> = {}): SyncStatus {
  return {
    online: true,
    signed_in: leisureStaff,
    last_synced_at: null,
    pending: 0,
    needs_attention: 0,
    progress: null,
    last_error: null,
    ...extra,
  };
}

export const attentionItem: AttentionItem = {
  id: '0193a0f0-0000-7000-8000-000000000001',
  name: 'leisure.book_place',
  summary: "Book Mòrag O'Neill into Aqua Fit 09:00 Wed 2 Dec",
  args: { session_id: 10, customer_id: 101 },
  channel: 'telephone',
  entered_at: '2026-12-02T08:15:00Z',
  code: 'session_full',
  message: 'Aqua Fit at 09:00 Wed 2 Dec is full: all 20 places were taken before this booking reached the server.',
  alternatives: [
    { kind: 'join_waiting_list', session_id: 10 },
    { kind: 'book_session', session_id: 14, starts_at: '2026-12-03T09:00:00', activity_name: 'Aqua Fit', spaces: 3 },
  ],
};

export function appInfo(extra: Partial<AppInfo> = {}): AppInfo {
  return {
    demo: true,
    version: '0.1.0',
    server_url: 'http://127.0.0.1:1',
    default_username: 'demo.leisure',
    idle_lock_secs: 300,
    plain_http_allowed: false,
    locked_for: null,
    signed_in: true,
    capabilities: leisureCapabilities,
    device_id: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
    ...extra,
  };
}
