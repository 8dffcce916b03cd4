/**
 * Two error kinds so callers (and the console) can tell bad input from a refused caller. Both are
 * thrown before any write: a failed transaction never produces a write set or an event.
 */
export class InvalidInputError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(`Invalid input: ${message}`, options);
    this.name = 'InvalidInputError';
  }
}

export class AccessDeniedError extends Error {
  constructor(message: string) {
    super(`Access denied: ${message}`);
    this.name = 'AccessDeniedError';
  }
}

/** A well-formed request that the current ledger state does not allow (unknown id, wrong status...). */
export class StateConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StateConflictError';
  }
}
