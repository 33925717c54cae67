// Every store that holds records (people, bookings) registers here how to forget them, so that
// locking and signing out empty them all without the sign-in code knowing each service's stores.

const forgetters: Array<() => void> = [];

/** Called once by a store holding records, when its module loads. */
export function onForgetRecords(forget: () => void): void {
  forgetters.push(forget);
}

/** Empties every registered store: the desk locked or nobody is signed in. */
export function forgetRegisteredRecords(): void {
  for (const forget of forgetters) forget();
}
