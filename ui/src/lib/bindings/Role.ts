// Hand-written to match the Rust type exactly until src-tauri generates this file with ts-rs.

export type Role = "leisure-desk" | "school-office" | "contact-centre" | "supervisor" | "trainer" | "administrator";
