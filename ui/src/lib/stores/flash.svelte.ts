// A one-off success message carried to the next screen (GOV.UK notification banner). It stays
// on the screen it was first shown on and goes when the member of staff moves elsewhere.
export interface FlashMessage {
  heading: string;
  body?: string;
}

class Flash {
  message = $state<FlashMessage | null>(null);
  #shownOn: string | null = null;

  set(message: FlashMessage): void {
    this.message = message;
    this.#shownOn = null;
  }

  /** Called with the screen's address each time a screen is shown. */
  screen(key: string): void {
    if (this.message === null) return;
    if (this.#shownOn === null) this.#shownOn = key;
    else if (this.#shownOn !== key) this.clear();
  }

  clear(): void {
    this.message = null;
    this.#shownOn = null;
  }
}

export const flash = new Flash();
