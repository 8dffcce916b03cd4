import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nodeOuOf, readCaller } from '../src/lib/caller';
import { stableStringify } from '../src/lib/canonical-json';
import { requireTimestamp, requireUri } from '../src/lib/validation';
import { contextFor, FakeClientIdentity, FakeLedger } from './support/fake-fabric';

describe('stableStringify', () => {
  it('sorts keys at every depth and leaves out undefined members', () => {
    const value = { b: 1, a: { d: [3, { z: true, y: null }], c: 'x' }, skipped: undefined };
    assert.equal(stableStringify(value), '{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}');
  });

  it('gives the same bytes whatever the insertion order', () => {
    assert.equal(stableStringify({ x: 1, y: [1, 2] }), stableStringify({ y: [1, 2], x: 1 }));
  });

  it('refuses values without a JSON form', () => {
    assert.throws(() => stableStringify({ n: Number.NaN }), /not a finite number/);
    assert.throws(() => stableStringify({ big: 1n }), /type bigint/);
    assert.throws(() => stableStringify([undefined]), /type undefined/);
  });
});

describe('input guards', () => {
  it('normalises ISO 8601 timestamps to UTC milliseconds', () => {
    assert.equal(requireTimestamp('2025-02-14T16:30:00+01:00', 't'), '2025-02-14T15:30:00.000Z');
    assert.equal(requireTimestamp('2025-02-14T16:30:00.123456789Z', 't'), '2025-02-14T16:30:00.123Z');
  });

  it('rejects impossible dates and timestamps without a zone', () => {
    assert.throws(
      () => requireTimestamp('2025-02-30T00:00:00Z', 'admittedAt'),
      /admittedAt is not a valid calendar/,
    );
    assert.throws(() => requireTimestamp('2025-02-10T25:00:00Z', 't'), /not a valid calendar/);
    assert.throws(() => requireTimestamp('2025-02-10T10:00:00', 't'), /with a time zone/);
    assert.throws(() => requireTimestamp('yesterday', 't'), /ISO 8601/);
  });

  it('accepts URIs and rejects whitespace or missing schemes', () => {
    assert.equal(requireUri('s3://bucket/key', 'l'), 's3://bucket/key');
    assert.throws(() => requireUri('no scheme here', 'location'), /location must be a URI/);
    assert.throws(() => requireUri('https://a b', 'location'), /location must be a URI/);
  });
});

describe('caller identity', () => {
  const subject = (ous: string): string =>
    `x509::/C=US/O=HospitalMSP${ous}/CN=user1::/C=US/O=HospitalMSP/CN=ca`;

  it('reads the single node OU from the certificate subject', () => {
    assert.equal(nodeOuOf(subject('/OU=client')), 'client');
    assert.equal(nodeOuOf(subject('/OU=admin/OU=department1')), 'admin');
  });

  it('refuses subjects with no node OU or with two of them', () => {
    assert.throws(() => nodeOuOf(subject('/OU=department1')), /exactly one node OU.*found 0/);
    assert.throws(() => nodeOuOf(subject('/OU=client/OU=admin')), /exactly one node OU.*found 2/);
    assert.throws(() => nodeOuOf('not-an-x509-id'), /not identified by an X.509 certificate/);
  });

  it('ignores node OU names that only appear in the issuer', () => {
    assert.throws(() => nodeOuOf('x509::/C=US/CN=user1::/C=US/OU=admin/CN=ca'), /found 0/);
  });

  it('returns MSP, id, role and the patientId of patients only', () => {
    const ledger = new FakeLedger();
    const read = (attributes: Record<string, string>) =>
      readCaller(
        contextFor(
          ledger.beginTransaction(new Map()),
          new FakeClientIdentity({ mspId: 'HospitalMSP', nodeOu: 'client', commonName: 'u', attributes }),
        ),
      );
    assert.deepEqual(read({ role: 'patient', patientId: 'p-1' }), {
      mspId: 'HospitalMSP',
      id: 'x509::/C=US/O=HospitalMSP/OU=client/CN=u::/C=US/O=HospitalMSP/CN=ca.HospitalMSP',
      nodeOu: 'client',
      role: 'patient',
      patientId: 'p-1',
    });
    assert.equal(read({ role: 'doctor', patientId: 'p-1' }).patientId, null);
    assert.equal(read({}).role, null);
    assert.throws(() => read({ role: 'surgeon' }), /Access denied: .*'surgeon' is not a known role/);
    assert.throws(
      () => read({ role: 'patient' }),
      /Access denied: a patient identity must carry a patientId/,
    );
  });
});
