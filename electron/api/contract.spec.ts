import { describe, expect, expectTypeOf, it } from 'vitest';
import type {
  BundleFile,
  BundleReview,
  BundleSubmitResult,
  ChaincodeOverview,
  ChannelConfigView,
  ConsoleContext,
  IdentitySummary,
  OrgDefinition,
  OrgDefinitionCheck,
  OrgIdentities,
} from '../services/console/types';
import type { LogLine, NetworkStatus, NodeStatus, ProgressEvent } from '../services/runtime/types';
import type { ApiClient } from './client';
import {
  API_CHANNEL_NAMES,
  apiChannels,
  isApiChannel,
  MAX_BUNDLE_BYTES,
  type ApiArgs,
  type ApiCallArgs,
  type ApiChannel,
  type ApiEventMessage,
  type ApiParsedArgs,
  type ApiResult,
  type NodeMetricsSnapshot,
} from './contract';

describe('API contract types', () => {
  it('names every channel domain:verb', () => {
    expectTypeOf<ApiChannel>().toEqualTypeOf<
      | 'network:status'
      | 'network:up'
      | 'network:down'
      | 'network:cancel'
      | 'node:start'
      | 'node:stop'
      | 'node:restart'
      | 'node:logs'
      | 'node:metrics'
      | 'chaincode:deploy'
      | 'chaincode:info'
      | 'console:context'
      | 'console:set-acting-org'
      | 'console:open-state-dir'
      | 'console:prepare-join'
      | 'console:join-package'
      | 'console:join-status'
      | 'identity:list'
      | 'identity:issue'
      | 'org:export-definition'
      | 'channel:config'
      | 'channel:propose-update'
      | 'channel:review-bundle'
      | 'channel:sign-bundle'
      | 'channel:submit-bundle'
      | 'org:import-definition'
      | 'ledger:status'
      | 'ledger:blocks'
      | 'ledger:block'
      | 'ledger:transaction'
      | 'ledger:search'
      | 'ledger:claim'
      | 'dashboard:hospital'
      | 'dashboard:insurer'
      | 'dashboard:regulator'
      | 'dashboard:claims'
      | 'dashboard:export-csv'
      | 'audit:run'
      | 'audit:report'
      | 'certificates:inventory'
      | 'certificates:renew-node'
      | 'ca:status'
      | 'ca:register'
      | 'ca:enroll'
      | 'ca:reenroll'
      | 'ca:revoke'
      | 'ca:publish-crl'
    >();
    for (const name of API_CHANNEL_NAMES) expect(name).toMatch(/^[a-z]+:[a-z]+(-[a-z]+)*$/);
  });

  it('maps each channel to the runtime result type', () => {
    expectTypeOf<ApiResult<'network:status'>>().toEqualTypeOf<NetworkStatus>();
    expectTypeOf<ApiResult<'network:up'>>().toEqualTypeOf<NetworkStatus>();
    expectTypeOf<ApiResult<'network:down'>>().toEqualTypeOf<null>();
    expectTypeOf<ApiResult<'node:start'>>().toEqualTypeOf<NodeStatus>();
    expectTypeOf<ApiResult<'node:stop'>>().toEqualTypeOf<NodeStatus>();
    expectTypeOf<ApiResult<'node:restart'>>().toEqualTypeOf<NodeStatus>();
    expectTypeOf<ApiResult<'node:logs'>>().toEqualTypeOf<LogLine[]>();
    expectTypeOf<ApiResult<'node:metrics'>>().toEqualTypeOf<NodeMetricsSnapshot>();
    expectTypeOf<ApiResult<'console:context'>>().toEqualTypeOf<ConsoleContext>();
    expectTypeOf<ApiResult<'identity:list'>>().toEqualTypeOf<OrgIdentities[]>();
    expectTypeOf<ApiResult<'identity:issue'>>().toEqualTypeOf<IdentitySummary>();
    expectTypeOf<ApiResult<'org:export-definition'>>().toEqualTypeOf<OrgDefinition>();
    expectTypeOf<ApiResult<'channel:config'>>().toEqualTypeOf<ChannelConfigView>();
    expectTypeOf<ApiResult<'chaincode:info'>>().toEqualTypeOf<ChaincodeOverview>();
    expectTypeOf<ApiResult<'channel:propose-update'>>().toEqualTypeOf<BundleFile>();
    expectTypeOf<ApiResult<'channel:review-bundle'>>().toEqualTypeOf<BundleReview>();
    expectTypeOf<ApiResult<'channel:sign-bundle'>>().toEqualTypeOf<BundleFile>();
    expectTypeOf<ApiResult<'channel:submit-bundle'>>().toEqualTypeOf<BundleSubmitResult>();
    expectTypeOf<ApiResult<'org:import-definition'>>().toEqualTypeOf<OrgDefinitionCheck>();
  });

  it('types arguments as callers write them and as handlers receive them', () => {
    expectTypeOf<ApiArgs<'node:restart'>>().toEqualTypeOf<{ nodeId: string }>();
    expectTypeOf<ApiArgs<'node:logs'>>().toEqualTypeOf<{ nodeId: string; limit?: number | undefined }>();
    expectTypeOf<ApiParsedArgs<'node:logs'>>().toEqualTypeOf<{ nodeId: string; limit: number }>();
  });

  it('lets callers omit arguments only where none are required', () => {
    expectTypeOf<[]>().toExtend<ApiCallArgs<'network:status'>>();
    expectTypeOf<[]>().not.toExtend<ApiCallArgs<'node:start'>>();
    const call: ApiClient['call'] = async () => {
      throw new Error('type-level test only');
    };
    expectTypeOf(call<'node:logs'>).toBeCallableWith('node:logs', { nodeId: 'peer0.hospital', limit: 10 });
    expectTypeOf(call<'network:status'>).toBeCallableWith('network:status');
    // @ts-expect-error a node channel needs its nodeId
    expectTypeOf(call<'node:stop'>).toBeCallableWith('node:stop', {});
    // @ts-expect-error unknown channels do not type-check
    expectTypeOf(call).toBeCallableWith('node:delete', { nodeId: 'x' });
    // @ts-expect-error the result of node:logs is not a NodeStatus
    expectTypeOf(call<'node:logs'>).returns.resolves.toEqualTypeOf<NodeStatus>();
  });

  it('types push events by name', () => {
    expectTypeOf<Extract<ApiEventMessage, { event: 'log' }>['payload']>().toEqualTypeOf<LogLine>();
    expectTypeOf<Extract<ApiEventMessage, { event: 'node-state' }>['payload']>().toEqualTypeOf<NodeStatus>();
    expectTypeOf<Extract<ApiEventMessage, { event: 'progress' }>['payload']>().toEqualTypeOf<ProgressEvent>();
  });
});

describe('API contract schemas', () => {
  it('accepts well-formed node ids and rejects the rest', () => {
    const schema = apiChannels['node:start'].args;
    for (const nodeId of ['peer0.hospital', 'orderer0', '9', 'a'.repeat(128)]) {
      expect(schema.safeParse({ nodeId }).success).toBe(true);
    }
    for (const nodeId of ['', 'Peer0', '-peer', '.peer', 'peer/../x', 'peer 0', 'a'.repeat(129), 42]) {
      expect(schema.safeParse({ nodeId }).success).toBe(false);
    }
  });

  it('bounds the log limit and defaults it', () => {
    const schema = apiChannels['node:logs'].args;
    expect(schema.parse({ nodeId: 'peer0' })).toEqual({ nodeId: 'peer0', limit: 500 });
    expect(schema.safeParse({ nodeId: 'peer0', limit: 5000 }).success).toBe(true);
    expect(schema.safeParse({ nodeId: 'peer0', limit: 5001 }).success).toBe(false);
    expect(schema.safeParse({ nodeId: 'peer0', limit: 0 }).success).toBe(false);
    expect(schema.safeParse({ nodeId: 'peer0', limit: 1.5 }).success).toBe(false);
  });

  it('validates identity enrollment requests', () => {
    const schema = apiChannels['identity:issue'].args;
    expect(schema.safeParse({ mspId: 'HospitalMSP', name: 'dr-house', role: 'doctor' }).success).toBe(true);
    expect(
      schema.safeParse({ mspId: 'HospitalMSP', name: 'p-1', role: 'patient', patientId: 'P-0001' }).success,
    ).toBe(true);
    for (const bad of [
      { mspId: 'HospitalMSP', name: '../admin', role: 'doctor' },
      { mspId: 'HospitalMSP', name: 'dr', role: 'Doctor' },
      { mspId: 'Hospital MSP', name: 'dr', role: 'doctor' },
      { mspId: 'HospitalMSP', name: 'dr', role: 'doctor', patientId: 'x y' },
      { mspId: 'HospitalMSP', name: 'dr', role: 'doctor', ou: 'admin' },
    ]) {
      expect(schema.safeParse(bad).success).toBe(false);
    }
  });

  it('validates channel update proposals: every edit kind, nothing else', () => {
    const schema = apiChannels['channel:propose-update'].args;
    const ok = (edit: unknown, extra: Record<string, unknown> = {}) =>
      schema.safeParse({ edit, description: 'why', ...extra }).success;
    expect(ok({ kind: 'batch', timeoutMs: 750 })).toBe(true);
    expect(ok({ kind: 'batch', timeoutMs: 750, maxMessageCount: 100 })).toBe(true);
    expect(ok({ kind: 'anchor-peers', mspId: 'HospitalMSP', endpoints: ['127.0.0.1:7051'] })).toBe(true);
    expect(ok({ kind: 'anchor-peers', mspId: 'HospitalMSP', endpoints: [] })).toBe(true);
    expect(ok({ kind: 'add-org', definition: '{"format":"medfabric.org-definition/v1"}' })).toBe(true);
    expect(ok({ kind: 'remove-org', mspId: 'Hospital2MSP' })).toBe(true);
    expect(ok({ kind: 'capability', level: 'Application', name: 'V2_5', enabled: true })).toBe(true);
    expect(ok({ kind: 'batch', timeoutMs: 750 }, { deadline: '2030-01-01T00:00:00.000Z' })).toBe(true);
    expect(ok({ kind: 'acl', resource: 'qscc/GetChainInfo', policy: '/Channel/Application/Admins' })).toBe(
      true,
    );
    expect(ok({ kind: 'acl', resource: 'qscc/GetChainInfo', policy: null })).toBe(true);
    expect(ok({ kind: 'policy', level: 'Application', name: 'Writers', rule: 'MAJORITY Writers' })).toBe(
      true,
    );
    expect(
      ok({ kind: 'policy', level: 'Application', mspId: 'HospitalMSP', name: 'Readers', rule: null }),
    ).toBe(true);
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    expect(
      ok({
        kind: 'add-consenter',
        endpoint: 'orderer1.example:7050',
        clientTlsCert: pem,
        serverTlsCert: pem,
      }),
    ).toBe(true);
    expect(ok({ kind: 'remove-consenter', endpoint: 'orderer1.example:7050' })).toBe(true);
    for (const bad of [
      { kind: 'acl', resource: 'GetChainInfo', policy: '/Channel/Application/Admins' },
      { kind: 'acl', resource: 'qscc/GetChainInfo', policy: '/Channel/../x' },
      { kind: 'policy', level: 'Channel', mspId: 'HospitalMSP', name: 'Readers', rule: 'ANY Readers' },
      { kind: 'policy', level: 'Application', name: '1bad', rule: 'ANY Readers' },
      { kind: 'policy', level: 'Application', name: 'Writers', rule: '   ' },
      {
        kind: 'add-consenter',
        endpoint: 'orderer1.example:7050',
        clientTlsCert: 'not a pem',
        serverTlsCert: pem,
      },
      { kind: 'remove-consenter', endpoint: 'orderer1.example' },
      { kind: 'batch', timeoutMs: 0 },
      { kind: 'batch', timeoutMs: 60_001 },
      { kind: 'batch', timeoutMs: 1.5 },
      { kind: 'batch', timeoutMs: 500, extra: true },
      { kind: 'anchor-peers', mspId: 'HospitalMSP', endpoints: ['no-port'] },
      { kind: 'anchor-peers', mspId: 'HospitalMSP', endpoints: ['host:70000'] },
      { kind: 'add-org', definition: '   ' },
      { kind: 'remove-org', mspId: '../x' },
      { kind: 'capability', level: 'Orderer', name: 'latest', enabled: true },
      { kind: 'rename-channel' },
    ]) {
      expect(ok(bad)).toBe(false);
    }
    expect(schema.safeParse({ edit: { kind: 'batch', timeoutMs: 500 }, description: '' }).success).toBe(
      false,
    );
    expect(ok({ kind: 'batch', timeoutMs: 500 }, { deadline: 'next week' })).toBe(false);
    expect(ok({ kind: 'batch', timeoutMs: 500 }, { path: '/tmp/bundle.json' })).toBe(false);
  });

  it('takes bundles as file text of at most 1 MiB, never as a path', () => {
    const schema = apiChannels['channel:review-bundle'].args;
    expect(schema.safeParse({ bundle: '{"format":"medfabric.config-update-bundle"}' }).success).toBe(true);
    expect(schema.safeParse({ bundle: 'x'.repeat(MAX_BUNDLE_BYTES) }).success).toBe(true);
    expect(schema.safeParse({ bundle: 'x'.repeat(MAX_BUNDLE_BYTES + 1) }).success).toBe(false);
    // Counted in UTF-8 bytes, not characters.
    expect(schema.safeParse({ bundle: 'é'.repeat(MAX_BUNDLE_BYTES / 2 + 1) }).success).toBe(false);
    expect(schema.safeParse({ bundle: '' }).success).toBe(false);
    expect(schema.safeParse({ path: '/tmp/bundle.json' }).success).toBe(false);
    expect(schema.safeParse({ bundle: { format: 'x' } }).success).toBe(false);
  });

  it('accepts only absolute state directories', () => {
    const schema = apiChannels['console:open-state-dir'].args;
    expect(schema.safeParse({ path: '/var/lib/medfabric' }).success).toBe(true);
    expect(schema.safeParse({ path: 'C:\\MedFabric' }).success).toBe(true);
    expect(schema.safeParse({ path: 'relative/dir' }).success).toBe(false);
  });

  it('rejects unexpected keys', () => {
    expect(apiChannels['network:status'].args.safeParse({ force: true }).success).toBe(false);
    expect(apiChannels['node:stop'].args.safeParse({ nodeId: 'peer0', signal: 'KILL' }).success).toBe(false);
  });

  it('recognises only its own channel names', () => {
    expect(isApiChannel('node:logs')).toBe(true);
    expect(isApiChannel('toString')).toBe(false);
    expect(isApiChannel('__proto__')).toBe(false);
  });
});

describe('console:prepare-join arguments', () => {
  const schema = apiChannels['console:prepare-join'].args;
  const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
  const valid = {
    org: { name: 'ClinicOrg', mspId: 'ClinicMSP', domain: 'clinic.medfabric.local', role: 'hospital' },
    channel: 'medchannel',
    orderer: {
      endpoints: ['127.0.0.1:7100'],
      mspId: 'OrdererMSP',
      name: 'OrdererOrg',
      domain: 'orderer.medfabric.local',
      tlsCaPem: PEM,
    },
  };
  const issues = (patch: (request: typeof valid) => unknown): string[] => {
    const result = schema.safeParse(patch(structuredClone(valid)));
    return result.success
      ? []
      : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  };

  it('accepts a newcomer with one peer by default', () => {
    expect(schema.parse(valid).org.peers).toBe(1);
    expect(schema.safeParse({ ...valid, basePort: 21_000 }).success).toBe(true);
    expect(
      schema.safeParse({
        ...valid,
        orderer: { ...valid.orderer, endpoints: ['a.example:7050', 'b.example:7050', 'c.example:7050'] },
      }).success,
    ).toBe(true);
  });

  it('says which field is wrong and why', () => {
    expect(issues((r) => ({ ...r, org: { ...r.org, mspId: 'Clinic MSP' } }))).toEqual([
      'org.mspId: must be an MSP ID (letters, digits, "." and "-")',
    ]);
    expect(issues((r) => ({ ...r, org: { ...r.org, mspId: 'OrdererMSP' } }))).toEqual([
      "org.mspId: must differ from the orderer org's MSP ID",
    ]);
    expect(issues((r) => ({ ...r, org: { ...r.org, role: 'regulator' } }))[0]).toMatch(/hospital or insurer/);
    expect(issues((r) => ({ ...r, org: { ...r.org, domain: 'Clinic' } }))[0]).toMatch(/DNS domain/);
    expect(issues((r) => ({ ...r, org: { ...r.org, peers: 0 } }))[0]).toMatch(/at least 1/);
    expect(issues((r) => ({ ...r, orderer: { ...r.orderer, endpoints: ['127.0.0.1'] } }))[0]).toBe(
      'orderer.endpoints.0: must be host:port',
    );
    expect(issues((r) => ({ ...r, orderer: { ...r.orderer, endpoints: ['h:70000'] } }))[0]).toMatch(
      /between 1 and 65535/,
    );
    expect(issues((r) => ({ ...r, orderer: { ...r.orderer, endpoints: [] } }))[0]).toMatch(/host:port/);
    expect(issues((r) => ({ ...r, orderer: { ...r.orderer, endpoints: ['a:1', 'b:2'] } }))[0]).toMatch(
      /one orderer endpoint, or three or more/,
    );
    expect(issues((r) => ({ ...r, orderer: { ...r.orderer, tlsCaPem: 'hello' } }))[0]).toMatch(
      /PEM certificate/,
    );
    expect(issues((r) => ({ ...r, channel: 'MedChannel' }))[0]).toMatch(/channel name/);
    expect(issues((r) => ({ ...r, stateDir: '/tmp/x' }))[0]).toMatch(/stateDir/);
  });
});
