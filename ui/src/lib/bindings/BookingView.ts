// Hand-written to match the Rust type exactly until src-tauri generates this file with ts-rs.

import type { BookingStatus } from "./BookingStatus";

export type BookingView = {
  id: string;
  session_id: number;
  customer_id: number;
  customer_name: string;
  status: BookingStatus;
  pending: boolean;
};
