// Hand-written to match the Rust type exactly until src-tauri generates this file with ts-rs.

import type { BookingView } from "./BookingView";
import type { SessionView } from "./SessionView";

export type SessionDetail = { session: SessionView; bookings: Array<BookingView> };
