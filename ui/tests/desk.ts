// A desk for tests: one mock per command of the generated contract, answering the app's single
// `ipc.call`. A test file mocks the IPC module with
//   vi.mock('../src/lib/ipc', async (real) => (await import('./desk')).withDesk(await real()));
// and then sets answers (`desk.timetable.mockResolvedValue(...)`) and checks requests
// (`expect(desk.book_place).toHaveBeenCalledWith({ sessionId: 11, ... })`).
import { vi, type Mock } from 'vitest';

import { COMMANDS, type CommandName, type Requests, type Responses } from '../src/lib/bindings/commands';

type Answer<K extends CommandName> = (...req: Requests[K] extends void ? [] : [Requests[K]]) => Promise<Responses[K]>;

export type Desk = { [K in CommandName]: Mock<Answer<K>> };

/** What a command nobody set answers: as before the desk existed, the shell is not there. */
const NOT_SET = { code: 'ipc', message: 'The desk did not answer (no answer set in this test).' };

export const desk = Object.fromEntries(
  COMMANDS.map((name) => [name, vi.fn().mockRejectedValue(NOT_SET)]),
) as unknown as Desk;

/** The real IPC module with `call` answered by `desk` (errors pass through as the mock throws them). */
export function withDesk<T extends object>(real: T): T {
  const call = vi.fn((name: CommandName, ...req: unknown[]) => (desk[name] as Mock)(...req));
  return { ...real, call };
}

/** Forgets every answer and call. */
export function resetDesk(): void {
  for (const name of COMMANDS) (desk[name] as Mock).mockReset().mockRejectedValue(NOT_SET);
}
