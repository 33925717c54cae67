// Hand-written to match the Rust type exactly until src-tauri generates this file with ts-rs.

import type { Session } from "./Session";

export type SessionView = { session: Session; pending: boolean };
