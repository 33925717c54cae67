// Hand-written to match the Rust type exactly until src-tauri generates this file with ts-rs.

/**
 * Something the member of staff can do instead of a rejected command, offered as a button.
 */
export type Alternative =
  | { kind: "join_waiting_list"; session_id: number }
  | { kind: "book_session"; session_id: number; starts_at: string; activity_name: string; spaces: number };
