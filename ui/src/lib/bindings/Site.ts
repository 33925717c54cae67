// Hand-written to match the Rust type exactly until src-tauri generates this file with ts-rs.

/**
 * A place a staff member works: `leisure:3`, `school:12`, `office:1`.
 */
export type Site = string;
