// Hand-written to match the Rust type exactly until src-tauri generates this file with ts-rs.

/**
 * One timetabled occurrence of an activity. `booked` and `waiting` are maintained by the
 * server; a desk adds its own pending bookings on top in its overlay.
 */
export type Session = {
  id: number;
  centre_id: number;
  activity_id: number;
  activity_name: string;
  starts_at: string;
  duration_minutes: number;
  capacity: number;
  booked: number;
  waiting: number;
  location: string;
  instructor: string;
  cancelled: boolean;
};
