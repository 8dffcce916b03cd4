import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  deriveTopology,
  endorsementPolicyFor,
  findNode,
  loadProfile,
  ProfileError,
  validateProfile,
} from './profile';

describe('network profiles', () => {
  it('loads the sandbox profile and derives one orderer and three peers with distinct ports', async () => {
    const topology = deriveTopology(await loadProfile('sandbox'));
    expect(topology.orderers).toHaveLength(1);
    expect(topology.peers.map((p) => p.org.role)).toEqual(['hospital', 'insurer', 'regulator']);
    const ports = topology.nodes
      .flatMap((n) => [n.listenPort, n.operationsPort, n.adminPort, n.chaincodePort])
      .filter(Boolean);
    expect(new Set(ports).size).toBe(ports.length);
  });

  it('derives the regulator-plus-one endorsement policy from the org roles', async () => {
    const topology = deriveTopology(await loadProfile('sandbox'));
    expect(endorsementPolicyFor(topology)).toBe(
      "AND('RegulatorMSP.peer', OR('HospitalMSP.peer', 'InsurerMSP.peer'))",
    );
  });

  it('lists every problem of a malformed profile with its path', () => {
    const error = (() => {
      try {
        validateProfile({
          name: 'x',
          basePort: 80,
          channel: 'Bad Channel',
          ordererOrg: { name: 'O', mspId: 'O', domain: 'o', orderers: ['a', 'b'] },
          peerOrgs: [],
        });
      } catch (caught) {
        return caught as Error;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ProfileError);
    expect(error?.message).toMatch(/basePort/);
    expect(error?.message).toMatch(/channel/);
    expect(error?.message).toMatch(/Raft needs 1 orderer or at least 3/);
    expect(error?.message).toMatch(/peerOrgs/);
  });

  it('rejects duplicate MSP ids and a second regulator', async () => {
    const sandbox = await loadProfile('sandbox');
    const duplicate = {
      ...sandbox,
      peerOrgs: [...sandbox.peerOrgs, { ...sandbox.peerOrgs[2], name: 'Second' }],
    };
    expect(() => validateProfile(duplicate)).toThrow(
      /RegulatorMSP" is used by more than one org|at most one org can have the role regulator/,
    );
  });

  it('reports YAML syntax errors and missing files clearly', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'profile-'));
    const file = path.join(dir, 'broken.yaml');
    await writeFile(file, 'name: [unclosed\n');
    await expect(loadProfile(file)).rejects.toThrow(/not valid YAML/);
    await expect(loadProfile(path.join(dir, 'missing.yaml'))).rejects.toThrow(/network profile not found/);
  });

  it('finds nodes by unambiguous prefix and explains ambiguous or unknown names', () => {
    const nodes = [{ id: 'peer0.hospital.x' }, { id: 'peer0.insurer.x' }];
    expect(findNode(nodes, 'peer0.hos').id).toBe('peer0.hospital.x');
    expect(() => findNode(nodes, 'peer0')).toThrow(/matches several nodes/);
    expect(() => findNode(nodes, 'orderer')).toThrow(/no node named "orderer"; known nodes/);
  });
});
