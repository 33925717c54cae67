// Hand-written to match the Rust type exactly until src-tauri generates this file with ts-rs.

/**
 * Every error from the server (HTTP 4xx/5xx) and from the desk engine across IPC.
 */
export type ErrorBody = { code: string; message: string };
