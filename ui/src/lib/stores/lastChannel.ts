// The channel this desk recorded last: a reception desk takes nearly every booking face to face
// and a phone line nearly every one by telephone, so each form starts on what the desk last
// used (issue 11 §6), and the member of staff changes it when this customer differs. Kept in the
// window's own storage: it is a fact about the desk, not about any person.
import type { Channel } from '../bindings/Channel';
import { CHANNELS } from '../format';

const KEY = 'council-desk.last-channel';

export function lastChannel(): Channel | null {
  try {
    const value = window.localStorage.getItem(KEY);
    return CHANNELS.includes(value as Channel) ? (value as Channel) : null;
  } catch {
    return null;
  }
}

export function rememberChannel(channel: Channel): void {
  try {
    window.localStorage.setItem(KEY, channel);
  } catch {
    // Storage refused (private mode): the next form starts without a channel, as before.
  }
}

export function forgetChannel(): void {
  try {
    window.localStorage.removeItem(KEY);
  } catch {
    // Nothing kept.
  }
}
