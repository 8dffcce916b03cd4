// Issue 2 acceptance against the real network: cross-peer reads, equal heights, agreement with
// Fabric's own peer CLI, lifecycle of an arbitrary chaincode folder, crash recovery, resume after
// down/up, and a clear error for a port in use.
import { execFile } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NetworkRuntime } from '../../electron/services/runtime/network-runtime';
import type { NetworkStatus } from '../../electron/services/runtime/types';
import { isAlive } from '../../electron/services/runtime/probes';
import { api, ApiCallError, attachRuntime, eventually, repoRoot, runCli } from './support/shared-network';
import { peerOrgOf } from '../../electron/services/medfabric/medfabric-client';
import { serviceNodeId } from '../../electron/services/lifecycle/chaincode-deployer';

const execFileAsync = promisify(execFile);
const PROBE_FOLDER = path.join(repoRoot, 'test', 'fixtures', 'probe-chaincode');

let runtime: NetworkRuntime;

function peerByRole(role: 'hospital' | 'insurer' | 'regulator') {
  return runtime.firstPeerOf(peerOrgOf(runtime, role));
}

async function probeSubmit(
  role: 'hospital' | 'insurer' | 'regulator',
  fn: string,
  args: string[],
): Promise<string> {
  const connection = runtime.gateway(peerByRole(role));
  try {
    const result = await connection.gateway
      .getNetwork(runtime.channel)
      .getContract('probe', 'Probe')
      .submitTransaction(fn, ...args);
    return Buffer.from(result).toString();
  } finally {
    connection.close();
  }
}

async function probeRead(role: 'hospital' | 'insurer' | 'regulator', key: string): Promise<string> {
  const connection = runtime.gateway(peerByRole(role));
  try {
    const result = await connection.gateway
      .getNetwork(runtime.channel)
      .getContract('probe', 'Probe')
      .evaluate('Get', { arguments: [key], endorsingOrganizations: [peerByRole(role).org.mspId] });
    return Buffer.from(result).toString();
  } finally {
    connection.close();
  }
}

async function equalHeights(): Promise<number> {
  return eventually(
    async () => {
      const status = await api('network:status');
      const heights = status.heights.map((h) => h.height);
      return heights.length === runtime.topology.peers.length && new Set(heights).size === 1
        ? heights[0]
        : undefined;
    },
    60_000,
    'all peers at the same height',
  );
}

beforeAll(async () => {
  runtime = await attachRuntime();
  await api('chaincode:deploy', { path: PROBE_FOLDER, name: 'probe', version: '1' });
});

afterAll(() => undefined);

describe('sandbox network', () => {
  it('commits a transaction submitted through the hospital peer, readable through the insurer and regulator peers', async () => {
    const value = `written-at-${Date.now()}`;
    await probeSubmit('hospital', 'Put', ['cross-peer', value]);
    // Every peer validates and commits the same block, so each answers from its own ledger.
    const reads = await Promise.all(
      (['hospital', 'insurer', 'regulator'] as const).map((role) =>
        eventually(
          async () => ((await probeRead(role, 'cross-peer')) === value ? value : undefined),
          30_000,
          `${role} read`,
        ),
      ),
    );
    expect(reads).toEqual([value, value, value]);
    const height = await equalHeights();
    expect(height).toBeGreaterThan(5);
  });

  it('runs chaincode servers at the shim log level WARNING: no info line per transaction', async () => {
    await probeSubmit('hospital', 'Put', ['log-level', 'quiet']);
    // A failing call is logged at error: it shows that this server's log is captured at all.
    await expect(probeRead('hospital', 'log-level-missing')).rejects.toThrow();
    const nodeId = serviceNodeId('probe', peerByRole('hospital'));
    const lines = await eventually(
      async () => {
        const tail = await api('node:logs', { nodeId, limit: 1000 });
        return tail.some(({ line }) => line.includes('no value for log-level-missing')) ? tail : undefined;
      },
      15_000,
      'the failed Get in the probe server log',
    );
    // At fabric-shim's default (info) every transaction logs "Calling chaincode Invoke() succeeded".
    expect(lines.filter(({ line }) => line.includes('Calling chaincode Invoke() succeeded'))).toEqual([]);
  });

  it("agrees with Fabric's own peer CLI run with `network env ORG`", async () => {
    const cliStatus = await runCli(['status', '--json']);
    expect(cliStatus.code, cliStatus.stderr).toBe(0);
    const status = JSON.parse(cliStatus.stdout) as NetworkStatus;
    const apiStatus = await api('network:status');
    expect(status.nodes.map((n) => [n.id, n.pid])).toEqual(
      expect.arrayContaining(apiStatus.nodes.map((n) => [n.id, n.pid])),
    );
    for (const org of runtime.topology.peerOrgs) {
      const envOutput = await runCli(['env', org.name]);
      expect(envOutput.code, envOutput.stderr).toBe(0);
      const env: Record<string, string> = {};
      for (const line of envOutput.stdout.trim().split('\n')) {
        const match = /^export ([A-Z_]+)=(.*)$/.exec(line);
        if (match?.[1] && match[2]) env[match[1]] = JSON.parse(match[2]) as string;
      }
      expect(Object.keys(env)).toEqual(
        expect.arrayContaining([
          'FABRIC_CFG_PATH',
          'CORE_PEER_ADDRESS',
          'CORE_PEER_LOCALMSPID',
          'CORE_PEER_MSPCONFIGPATH',
          'CORE_PEER_TLS_ENABLED',
          'CORE_PEER_TLS_ROOTCERT_FILE',
        ]),
      );
      const peerEnv = { ...process.env, ...env };
      const info = await execFileAsync('peer', ['channel', 'getinfo', '-c', runtime.channel], {
        env: peerEnv,
      });
      const chain = JSON.parse(/Blockchain info: (\{.*\})/.exec(info.stdout)?.[1] ?? '{}') as {
        height: number;
        currentBlockHash: string;
      };
      const ours = status.heights.find((h) => h.peerId === runtime.firstPeerOf(org).id);
      expect(ours?.height).toBe(chain.height);
      expect(Buffer.from(chain.currentBlockHash, 'base64').toString('hex')).toBe(ours?.currentBlockHash);

      const committed = await execFileAsync(
        'peer',
        ['lifecycle', 'chaincode', 'querycommitted', '-C', runtime.channel, '-O', 'json'],
        { env: peerEnv },
      );
      const definitions = (
        JSON.parse(committed.stdout) as {
          chaincode_definitions: Array<{ name: string; version: string; sequence: number }>;
        }
      ).chaincode_definitions;
      for (const cc of status.chaincodes) {
        expect(definitions).toContainEqual(
          expect.objectContaining({ name: cc.name, version: cc.version, sequence: cc.sequence }),
        );
      }
      expect(status.chaincodes.map((cc) => cc.name).sort()).toEqual(definitions.map((d) => d.name).sort());
    }
  });

  it('deploys a new version of a chaincode folder with the next sequence', async () => {
    const before = (await api('network:status')).chaincodes.find((cc) => cc.name === 'probe');
    const deployed = await api('chaincode:deploy', { path: PROBE_FOLDER, name: 'probe', version: '2' });
    expect(deployed.sequence).toBe((before?.sequence ?? 0) + 1);
    await probeSubmit('hospital', 'Put', ['after-upgrade', 'v2']);
    expect(await probeRead('regulator', 'after-upgrade')).toBe('v2');
    await expect(
      api('chaincode:deploy', { path: PROBE_FOLDER, name: 'probe', version: '2' }),
    ).rejects.toThrow(/already deployed/);
  });

  it('cancels a chaincode deployment at a step boundary; deploying the same version again resumes it', async () => {
    const before = (await api('network:status')).chaincodes.find((cc) => cc.name === 'probe');
    const deployment = api('chaincode:deploy', {
      path: PROBE_FOLDER,
      name: 'probe',
      version: 'cancelled-once',
    }).then(
      () => undefined,
      (error: unknown) => error,
    );
    // A readiness probe, not a sleep: cancel answers true as soon as the deployment is running.
    await eventually(
      async () => ((await api('network:cancel')).cancelled ? true : undefined),
      30_000,
      'a running deployment',
    );
    const failure = await deployment;
    expect(failure).toBeInstanceOf(ApiCallError);
    expect((failure as ApiCallError).code).toBe('cancelled');
    expect((failure as Error).message).toMatch(/cancelled before/);
    expect((await api('network:status')).chaincodes.find((cc) => cc.name === 'probe')?.sequence).toBe(
      before?.sequence,
    );
    expect((await api('network:cancel')).cancelled).toBe(false);

    const resumed = await api('chaincode:deploy', {
      path: PROBE_FOLDER,
      name: 'probe',
      version: 'cancelled-once',
    });
    expect(resumed.sequence).toBe((before?.sequence ?? 0) + 1);
    expect(await probeRead('hospital', 'cross-peer')).toMatch(/^written-at-/);
  });

  it('notices a peer killed with SIGKILL, restarts it, and the peer catches up', async () => {
    const insurer = peerByRole('insurer');
    const before = (await api('network:status')).nodes.find((n) => n.id === insurer.id);
    expect(before?.pid).toBeDefined();
    process.kill(before?.pid as number, 'SIGKILL');
    // Blocks committed while it is down: hospital + regulator endorse without the insurer.
    await probeSubmit('hospital', 'Put', ['while-insurer-down', 'yes']);
    const restarted = await eventually(
      async () => {
        const node = (await api('network:status')).nodes.find((n) => n.id === insurer.id);
        return node?.state === 'running' && node.pid !== before?.pid ? node : undefined;
      },
      90_000,
      'the insurer peer restarted',
    );
    expect(restarted.restarts).toBeGreaterThanOrEqual(1);
    expect(restarted.lastExit?.signal).toBe('SIGKILL');
    await equalHeights();
    expect(
      await eventually(async () => probeRead('insurer', 'while-insurer-down'), 60_000, 'insurer catch-up'),
    ).toBe('yes');
  });

  it('keeps the ledger across down and up, and names the node and port when a port is taken', async () => {
    const height = await equalHeights();
    const pidsBefore = (await api('network:status')).nodes
      .map((n) => n.pid)
      .filter((pid): pid is number => pid !== undefined);
    await api('network:down');
    for (const pid of pidsBefore) expect(isAlive(pid)).toBe(false);

    const orderer = runtime.topology.orderers[0];
    if (!orderer?.adminPort) throw new Error('no orderer');
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(orderer.adminPort, '127.0.0.1', resolve));
    try {
      const failure = await api('network:up').then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(ApiCallError);
      expect((failure as Error).message).toContain(String(orderer.adminPort));
      expect((failure as Error).message).toContain(orderer.id);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
    await api('network:down');

    const status = await api('network:up');
    expect(status.state).toBe('up');
    expect(await equalHeights()).toBe(height);
    expect(await probeRead('insurer', 'cross-peer')).toMatch(/^written-at-/);
  });
});
