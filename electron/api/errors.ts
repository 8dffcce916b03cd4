// Error model shared by every transport: a closed set of codes the renderer can act on, and the
// `{result} | {error}` envelope that carries either a result or an error across IPC or HTTP.
import { z } from 'zod';

export const API_ERROR_CODES = [
  'invalid-argument',
  'unknown-channel',
  'unauthorized',
  'forbidden',
  'not-found',
  'conflict',
  'cancelled',
  'unavailable',
  'timeout',
  'payload-too-large',
  'internal',
] as const;

export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

export interface ApiErrorBody {
  code: ApiErrorCode;
  message: string;
  details?: unknown;
}

export type ApiEnvelope<Result> = { result: Result } | { error: ApiErrorBody };

export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly code: ApiErrorCode;
  readonly details: unknown;

  constructor(code: ApiErrorCode, message: string, details?: unknown) {
    super(message);
    this.code = code;
    this.details = details;
  }

  toBody(): ApiErrorBody {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

export function isApiErrorCode(value: unknown): value is ApiErrorCode {
  return typeof value === 'string' && (API_ERROR_CODES as readonly string[]).includes(value);
}

// Envelopes arrive from another process or over the network, so their shape is checked rather
// than trusted. An unknown error code from a newer server degrades to `internal`.
const errorBodySchema = z.object({
  code: z.string().transform((code): ApiErrorCode => (isApiErrorCode(code) ? code : 'internal')),
  message: z.string(),
  details: z.unknown().optional(),
});

/** Returns the result of an envelope, or throws the `ApiError` it carries. */
export function unwrapEnvelope(envelope: unknown): unknown {
  if (typeof envelope === 'object' && envelope !== null) {
    if (Object.hasOwn(envelope, 'result') && !Object.hasOwn(envelope, 'error')) {
      return (envelope as { result: unknown }).result;
    }
    const errorBody = errorBodySchema.safeParse((envelope as { error?: unknown }).error);
    if (errorBody.success) {
      const { code, message, details } = errorBody.data;
      throw new ApiError(code, message, details);
    }
  }
  throw new ApiError('internal', 'The console server sent a reply in an unexpected format.');
}
