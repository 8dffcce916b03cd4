import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { contextFor } from './support/fake-fabric';
import { ids, TestNetwork } from './support/network';

describe('Diagnostics contract', () => {
  it('Ping returns the tx id and attempts no write and no event', async () => {
    const network = new TestNetwork();
    await network.bootstrap();
    const before = network.ledger.snapshot();
    for (const caller of [ids.doctor, ids.insurerAdjuster, ids.patient, ids.hospitalPeer]) {
      const transaction = network.ledger.beginTransaction(new Map());
      assert.equal(await network.diagnostics.Ping(contextFor(transaction, caller)), transaction.getTxID());
      assert.ok(transaction.isReadOnly);
    }
    assert.deepEqual(network.ledger.snapshot(), before);
  });

  it('GetInfo returns the package name and version', async () => {
    const network = new TestNetwork();
    await network.bootstrap();
    const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
      name: string;
      version: string;
    };
    assert.deepEqual(
      await network.evaluate(ids.regulatorAuditor, (ctx) => network.diagnostics.GetInfo(ctx)),
      {
        name: manifest.name,
        version: manifest.version,
      },
    );
  });

  it('is for registered members of an initialised consortium', async () => {
    const network = new TestNetwork();
    await network.expectRejected(
      ids.doctor,
      (ctx) => network.diagnostics.Ping(ctx),
      /the consortium is not initialised yet/,
    );
    await network.bootstrap();
    await network.expectRejected(
      ids.outsiderDoctor,
      (ctx) => network.diagnostics.Ping(ctx),
      /Access denied: MSP OutsiderMSP is not a registered consortium member/,
    );
    await network.expectRejected(
      ids.outsiderDoctor,
      (ctx) => network.diagnostics.GetInfo(ctx),
      /Access denied: MSP OutsiderMSP is not a registered consortium member/,
    );
  });
});
