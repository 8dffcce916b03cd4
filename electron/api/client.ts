// Transport-independent typed client: a transport moves `(channel, args)` to the server and returns
// the raw envelope; this turns it back into a typed result or a thrown `ApiError`.
import type { ApiCallArgs, ApiChannel, ApiResult } from './contract';
import { unwrapEnvelope } from './errors';

export type ApiTransport = (channel: ApiChannel, args: unknown) => Promise<unknown>;

export interface ApiClient {
  call<C extends ApiChannel>(channel: C, ...args: ApiCallArgs<C>): Promise<ApiResult<C>>;
}

export function createApiClient(transport: ApiTransport): ApiClient {
  return {
    async call<C extends ApiChannel>(channel: C, ...args: ApiCallArgs<C>): Promise<ApiResult<C>> {
      const envelope = await transport(channel, args[0] ?? {});
      // The server validated the arguments and produced the result from this same contract.
      return unwrapEnvelope(envelope) as ApiResult<C>;
    },
  };
}
