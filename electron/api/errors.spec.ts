import { describe, expect, it } from 'vitest';
import { createApiClient } from './client';
import { ApiError, unwrapEnvelope } from './errors';

describe('unwrapEnvelope', () => {
  it('returns the result, including null', () => {
    expect(unwrapEnvelope({ result: { height: 3 } })).toEqual({ height: 3 });
    expect(unwrapEnvelope({ result: null })).toBeNull();
  });

  it('throws a real ApiError carrying code, message and details', () => {
    const thrown = (() => {
      try {
        unwrapEnvelope({
          error: { code: 'not-found', message: 'No node named "x".', details: { nodeId: 'x' } },
        });
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(thrown).toBeInstanceOf(ApiError);
    expect(thrown).toBeInstanceOf(Error);
    expect(thrown).toMatchObject({
      code: 'not-found',
      message: 'No node named "x".',
      details: { nodeId: 'x' },
    });
  });

  it('maps unknown error codes to internal and rejects malformed envelopes', () => {
    expect(() => unwrapEnvelope({ error: { code: 'teapot', message: 'short and stout' } })).toThrow(
      expect.objectContaining({ code: 'internal', message: 'short and stout' }),
    );
    for (const malformed of [
      {},
      null,
      'result',
      { error: 'boom' },
      { result: 1, error: { code: 'x', message: 'y' } },
    ]) {
      expect(() => unwrapEnvelope(malformed)).toThrow(expect.objectContaining({ code: 'internal' }));
    }
  });
});

describe('createApiClient', () => {
  it('sends {} for channels called without arguments and unwraps the result', async () => {
    const sent: unknown[] = [];
    const client = createApiClient(async (channel, args) => {
      sent.push([channel, args]);
      return { result: null };
    });
    await expect(client.call('network:down')).resolves.toBeNull();
    expect(sent).toEqual([['network:down', {}]]);
  });

  it('rejects with the ApiError of an error envelope', async () => {
    const client = createApiClient(async () => ({
      error: { code: 'conflict', message: 'Network is stopping.' },
    }));
    await expect(client.call('node:start', { nodeId: 'peer0' })).rejects.toMatchObject({
      name: 'ApiError',
      code: 'conflict',
      message: 'Network is stopping.',
    });
  });
});
