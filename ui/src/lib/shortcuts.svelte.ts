// Keyboard shortcuts, for every service: the shell registers the ones that work everywhere
// (`?` lists them all, `/` finds the screen's search box…) and a screen registers its own while
// it shows (`b` books the session in focus on the timetable). One listener on the window runs
// them; App.svelte shows the list in the help overlay, and docs/keyboard.md documents them.
//
// A plain key is never taken from someone typing: it runs only when focus is not in a text
// field, a select or an editable area, and never with Ctrl, Alt or the Command key held, so the
// system's and the webview's own keys keep working.

import { untrack } from 'svelte';

export interface Shortcut {
  /** The key as `KeyboardEvent.key` gives it: `b`, `?`, `ArrowDown`, `[`. */
  key: string;
  /** Further keys doing the same (`j` beside `ArrowDown`), shown beside it in the list. */
  also?: string[];
  /** What it does, as the help overlay says it: "Book the session in focus". */
  description: string;
  /** Runs it; `false` when there was nothing to do (the key then does what it would anyway). */
  run: (event: KeyboardEvent) => boolean | void;
}

export interface ShortcutGroup {
  id: string;
  /** The heading of the group in the help overlay: "Everywhere", "Timetable". */
  title: string;
  shortcuts: Shortcut[];
}

/** Focus in one of these: the key is typing, not a shortcut. */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) {
    return !['button', 'checkbox', 'radio', 'submit', 'reset', 'image', 'file', 'range', 'color'].includes(target.type);
  }
  return false;
}

/** How a key is written in the help overlay. */
export function keyLabel(key: string): string {
  const names: Record<string, string> = {
    ArrowDown: '↓',
    ArrowUp: '↑',
    ArrowLeft: '←',
    ArrowRight: '→',
    Enter: 'Enter',
    Escape: 'Esc',
    ' ': 'Space',
  };
  return names[key] ?? key;
}

export class Shortcuts {
  // Raw, not deeply proxied: `register`'s unregister finds its group by identity, which a
  // proxy of the group would never equal (a screen's keys then outlived the screen).
  groups = $state.raw<ShortcutGroup[]>([]);
  /** The help overlay listing them is open. */
  helpOpen = $state(false);

  /** Adds a group (replacing one of the same id) until the returned function is called. */
  register(group: ShortcutGroup): () => void {
    // Called from a screen's effect: reading the list here must not make that effect depend on it.
    untrack(() => (this.groups = [...this.groups.filter((g) => g.id !== group.id), group]));
    return () => {
      untrack(() => (this.groups = this.groups.filter((g) => g !== group)));
    };
  }

  /** Runs the shortcut for this key press, if any; returns whether one ran. */
  handle(event: KeyboardEvent): boolean {
    if (event.defaultPrevented || event.isComposing || event.ctrlKey || event.altKey || event.metaKey) return false;
    if (isTyping(event.target)) return false;
    // The list is open: its own keys (Esc, ?) close it; nothing runs behind it.
    if (this.helpOpen) return false;
    // The screen's own shortcuts first (registered last), then the shell's.
    for (const group of [...this.groups].reverse()) {
      for (const s of group.shortcuts) {
        if (s.key !== event.key && !s.also?.includes(event.key)) continue;
        if (s.run(event) === false) return false;
        event.preventDefault();
        return true;
      }
    }
    return false;
  }
}

export const shortcuts = new Shortcuts();
