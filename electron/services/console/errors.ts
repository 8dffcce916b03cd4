// Errors the console services raise, each with one of the API contract's codes so the transports
// can tell the renderer what kind of failure it is (the message says what to do). `details`
// (plain JSON) crosses the API too, e.g. the problems of a refused config update bundle.
export type ConsoleErrorCode = 'invalid-argument' | 'not-found' | 'conflict' | 'unavailable' | 'forbidden';

export class ConsoleError extends Error {
  override readonly name = 'ConsoleError';

  constructor(
    readonly code: ConsoleErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}
