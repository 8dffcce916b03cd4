import { describe, expect, it } from 'vitest';
import { hostPortSchema, hostSchema, matchHostPort, portSchema } from './host-port';

describe('host:port', () => {
  it('takes host names, IPv4 and bracketed IPv6 addresses with a port from 1 to 65535', () => {
    expect(matchHostPort('peer0.hospital.example:7051')).toEqual({
      host: 'peer0.hospital.example',
      port: 7051,
    });
    expect(matchHostPort('127.0.0.1:1')).toEqual({ host: '127.0.0.1', port: 1 });
    expect(matchHostPort('[::1]:65535')).toEqual({ host: '[::1]', port: 65_535 });
    expect(matchHostPort('a:7050')).toEqual({ host: 'a', port: 7050 });
  });

  it.each([
    'peer0.example',
    ':7051',
    'peer0.example:',
    'peer0.example:0',
    'peer0.example:65536',
    'peer0.example:123456',
    '-peer0.example:7051',
    'peer0.example.:7051',
    'peer 0.example:7051',
    '::1:7051',
    ' peer0.example:7051',
    `${'a'.repeat(254)}:7051`,
  ])('refuses %j', (endpoint) => {
    expect(matchHostPort(endpoint)).toBeUndefined();
    expect(hostPortSchema.safeParse(endpoint).success).toBe(false);
  });

  it('says which part is wrong', () => {
    const messages = (value: string) =>
      hostPortSchema.safeParse(value).error?.issues.map((issue) => issue.message);
    expect(messages('peer0.example')).toContain('must be host:port');
    expect(messages('peer0.example:70000')).toEqual(['the port must be between 1 and 65535']);
    expect(messages('peer0.example:7051')).toBeUndefined();
  });

  it('checks a host and a port given apart (anchor peers) by the same rules', () => {
    expect(
      ['peer0.hospital.example', '127.0.0.1', '[::1]'].map((host) => hostSchema.safeParse(host).success),
    ).toEqual([true, true, true]);
    expect(
      ['peer0.example:7051', '-peer0.example', 'peer0.example.', ''].map(
        (host) => hostSchema.safeParse(host).success,
      ),
    ).toEqual([false, false, false, false]);
    expect([1, 65_535, 0, 65_536, 7051.5].map((port) => portSchema.safeParse(port).success)).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
  });
});
