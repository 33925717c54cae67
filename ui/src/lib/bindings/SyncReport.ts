// Hand-written to match the Rust type exactly until src-tauri generates this file with ts-rs.

export type SyncReport = { pushed: number; applied: number; rejected: number; pulled_rows: number; pages: number };
