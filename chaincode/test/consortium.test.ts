import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HOSPITAL, ids, INSURER, parseArray, REGULATOR, TestNetwork } from './support/network';

describe('Consortium contract', () => {
  it('InitConsortium registers the regulator and emits medfabric.consortium.initialised', async () => {
    const network = new TestNetwork();
    assert.deepEqual(
      await network.evaluate(ids.hospitalAdmin, (ctx) => network.consortium.GetMembers(ctx)),
      [],
    );
    const config = await network.submitJson(ids.regulatorAdmin, (ctx) =>
      network.consortium.InitConsortium(ctx, REGULATOR),
    );
    assert.equal(config.regulatorMspId, REGULATOR);
    const event = network.lastEvent();
    assert.equal(event.name, 'medfabric.consortium.initialised');
    assert.equal(event.payload.regulatorMspId, REGULATOR);
    assert.equal(event.payload.schemaVersion, 1);
    const members = parseArray(
      await network.evaluate(ids.doctor, (ctx) => network.consortium.GetMembers(ctx)),
    );
    assert.deepEqual(
      members.map((member) => [member.mspId, member.kind]),
      [[REGULATOR, 'regulator']],
    );
  });

  it('InitConsortium runs once only', async () => {
    const network = new TestNetwork();
    await network.submit(ids.regulatorAdmin, (ctx) => network.consortium.InitConsortium(ctx, REGULATOR));
    await network.expectRejected(
      ids.regulatorAdmin,
      (ctx) => network.consortium.InitConsortium(ctx, REGULATOR),
      /already initialised/,
    );
  });

  it('InitConsortium is refused to non-admin identities and to other MSPs', async () => {
    const network = new TestNetwork();
    await network.expectRejected(
      ids.regulatorAuditor,
      (ctx) => network.consortium.InitConsortium(ctx, REGULATOR),
      /Access denied: only an admin OU identity of RegulatorMSP/,
    );
    await network.expectRejected(
      ids.hospitalAdmin,
      (ctx) => network.consortium.InitConsortium(ctx, REGULATOR),
      /Access denied: only an admin OU identity of RegulatorMSP/,
    );
    await network.expectRejected(
      ids.hospitalAdmin,
      (ctx) => network.consortium.InitConsortium(ctx, 'Bad.MSP'),
      /Invalid input: regulatorMspId must start with a letter or digit/,
    );
    await network.expectRejected(
      ids.regulatorAdmin,
      (ctx) => network.consortium.InitConsortium(ctx, undefined as unknown as string),
      /Invalid input: regulatorMspId is required/,
    );
  });

  it('RegisterMember adds hospitals and insurers, in MSP id order', async () => {
    const network = new TestNetwork();
    await network.bootstrap();
    const event = network.lastEvent();
    assert.equal(event.name, 'medfabric.consortium.memberRegistered');
    assert.deepEqual(
      [event.payload.mspId, event.payload.kind, event.payload.displayName],
      [INSURER, 'insurer', 'Mutual Insurer'],
    );
    const members = parseArray(
      await network.evaluate(ids.insurerAdjuster, (ctx) => network.consortium.GetMembers(ctx)),
    );
    assert.deepEqual(
      members.map((member) => `${String(member.mspId)}:${String(member.kind)}`),
      ['Hospital2MSP:hospital', 'HospitalMSP:hospital', 'InsurerMSP:insurer', 'RegulatorMSP:regulator'],
    );
  });

  it('RegisterMember is for the regulator admin only', async () => {
    const network = new TestNetwork();
    await network.bootstrap();
    for (const caller of [ids.hospitalAdmin, ids.regulatorAuditor, ids.insurerAdmin]) {
      await network.expectRejected(
        caller,
        (ctx) => network.consortium.RegisterMember(ctx, 'NewHospitalMSP', 'hospital', 'New'),
        /Access denied: only an admin OU identity of the regulator may register members/,
      );
    }
    await network.expectRejected(
      ids.outsiderAdmin,
      (ctx) => network.consortium.RegisterMember(ctx, 'OutsiderMSP', 'hospital', 'Me'),
      /Access denied: MSP OutsiderMSP is not a registered consortium member/,
    );
  });

  it('RegisterMember requires an initialised consortium', async () => {
    const network = new TestNetwork();
    await network.expectRejected(
      ids.regulatorAdmin,
      (ctx) => network.consortium.RegisterMember(ctx, HOSPITAL, 'hospital', 'City Hospital'),
      /Access denied: the consortium is not initialised yet/,
    );
  });

  it('RegisterMember rejects duplicates and malformed input', async () => {
    const network = new TestNetwork();
    await network.bootstrap();
    const register = (mspId: unknown, kind: unknown, displayName: unknown) =>
      network.expectRejected.bind(network, ids.regulatorAdmin, (ctx) =>
        network.consortium.RegisterMember(ctx, mspId as string, kind as string, displayName as string),
      );
    await register(HOSPITAL, 'hospital', 'Again')(/HospitalMSP is already registered as hospital/);
    await register(
      'NewMSP',
      'regulator',
      'Second regulator',
    )(/Invalid input: kind must be one of hospital \| insurer/);
    await register(
      'NewMSP',
      'hospital',
      'x'.repeat(257),
    )(/Invalid input: displayName is 257 characters long; the limit is 256/);
    await register('NewMSP', 'hospital', '   ')(/Invalid input: displayName must not be empty/);
    await register('NewMSP', 42, 'Numbers')(/Invalid input: kind must be a string, got number/);
    await register(
      'M'.repeat(65),
      'hospital',
      'Long',
    )(/Invalid input: mspId is 65 characters long; the limit is 64/);
    await register('', 'hospital', 'Empty')(/Invalid input: mspId must not be empty/);
  });
});
