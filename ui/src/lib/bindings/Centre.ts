// Hand-written to match the Rust type exactly until src-tauri generates this file with ts-rs.

export type Centre = { id: number; name: string; town: string };
