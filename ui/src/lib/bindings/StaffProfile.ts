// Hand-written to match the Rust type exactly until src-tauri generates this file with ts-rs.

import type { Role } from "./Role";
import type { Site } from "./Site";

export type StaffProfile = { id: number; username: string; display_name: string; roles: Array<Role>; sites: Array<Site> };
