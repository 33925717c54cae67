// Hand-written to match the Rust type exactly until src-tauri generates this file with ts-rs.

export type JsonValue = number | string | boolean | Array<JsonValue> | { [key in string]?: JsonValue } | null;
