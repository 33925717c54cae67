// Hand-written to match the Rust type exactly until src-tauri generates this file with ts-rs.

import type { Alternative } from "./Alternative";
import type { Channel } from "./Channel";
import type { JsonValue } from "./serde_json/JsonValue";

export type AttentionItem = {
  id: string;
  name: string;
  summary: string;
  args: JsonValue;
  channel: Channel;
  entered_at: string;
  code: string;
  message: string;
  alternatives: Array<Alternative>;
};
