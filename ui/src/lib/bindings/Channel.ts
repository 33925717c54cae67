// Hand-written to match the Rust type exactly until src-tauri generates this file with ts-rs.

export type Channel = "face-to-face" | "telephone" | "email" | "assisted-digital";
