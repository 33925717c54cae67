// Hand-written to match the Rust type exactly until src-tauri generates this file with ts-rs.

export type AppInfo = { demo: boolean; version: string; server_url: string | null; default_username: string | null };
