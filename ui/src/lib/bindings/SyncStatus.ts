// Hand-written to match the Rust type exactly until src-tauri generates this file with ts-rs.

import type { ErrorBody } from "./ErrorBody";
import type { StaffProfile } from "./StaffProfile";
import type { SyncProgress } from "./SyncProgress";

export type SyncStatus = {
  online: boolean;
  signed_in: StaffProfile | null;
  last_synced_at: string | null;
  pending: number;
  needs_attention: number;
  progress: SyncProgress | null;
  last_error: ErrorBody | null;
};
