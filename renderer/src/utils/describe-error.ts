// Turns any failure into what an administrator needs: what failed, why, and what to do next.
import { ApiError, type ApiErrorCode } from '../../../electron/api/errors';

export interface UiError {
  title: string;
  detail: string;
  remedy: string;
  code: ApiErrorCode;
}

const REMEDIES: Record<ApiErrorCode, string> = {
  unauthorized:
    'Your session is not signed in. Open the login URL printed by the console server, then reload this page.',
  'invalid-argument':
    'The server rejected the request. Reload the page; if it happens again, report the message above.',
  'unknown-channel': 'The console page and the server are different versions. Reload the page.',
  'payload-too-large': 'The console page and the server are different versions. Reload the page.',
  forbidden:
    'The org the console acts as may not do this. Switch the acting org (sandbox) or ask that org’s administrator.',
  'not-found':
    'What you asked for is not part of this network (any more). Refresh the page and check the name.',
  conflict: 'Another operation is still running or a port is taken. Wait for it to finish, then try again.',
  cancelled: 'The operation stopped at your request. Run it again to finish it, or bring the network down.',
  unavailable:
    'Check that the network is up (Overview) and the console server is reachable from this machine, then try again.',
  timeout: 'The node did not answer in time. Read its log on the Nodes page for the cause, then try again.',
  internal:
    "Read the node's log on the Nodes page for the cause. If it persists, restart the console server.",
};

export function describeError(title: string, error: unknown): UiError {
  const apiError =
    error instanceof ApiError
      ? error
      : new ApiError('internal', error instanceof Error ? error.message : String(error));
  return { title, detail: apiError.message, remedy: REMEDIES[apiError.code], code: apiError.code };
}
