// Calls the headless server: POST /api/<channel> with the session cookie of this origin.
import type { ApiTransport } from '../../../electron/api/client';
import { ApiError } from '../../../electron/api/errors';

export function createHttpTransport(
  fetchImpl: typeof fetch = (...args) => globalThis.fetch(...args),
): ApiTransport {
  return async (channel, args) => {
    let response: Response;
    try {
      response = await fetchImpl(`/api/${channel}`, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(args),
      });
    } catch (error) {
      throw new ApiError('unavailable', `Cannot reach the console server: ${(error as Error).message}`);
    }
    // Error replies carry an envelope too; the client turns it into an ApiError.
    try {
      return (await response.json()) as unknown;
    } catch (error) {
      throw new ApiError(
        response.ok ? 'internal' : 'unavailable',
        `The console server answered ${response.status} ${response.statusText} without a readable reply ` +
          `(${(error as Error).message}).`,
      );
    }
  };
}
