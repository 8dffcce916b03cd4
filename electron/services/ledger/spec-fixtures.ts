// Fixtures for the ledger unit tests: a small signed chain with medfabric events of every kind,
// built with fabric-protos and a real orderer CA (ECDSA P-256) so signatures and chains verify.
import { peer } from '@hyperledger/fabric-protos';
import { createCertificateAuthority, issueCertificate } from '../pki';
import {
  configEnvelope,
  endorserEnvelope,
  fakeCertificatePem,
  SyntheticChain,
  syntheticTxId,
  type SyntheticEndorserTx,
  type SyntheticIdentity,
} from './synthetic-blocks';
import type { RawBlock } from './raw-block';

export const HOSPITAL: SyntheticIdentity = {
  mspId: 'HospitalMSP',
  certPem: fakeCertificatePem('hospital-admin'),
};
export const INSURER: SyntheticIdentity = {
  mspId: 'InsurerMSP',
  certPem: fakeCertificatePem('insurer-admin'),
};
export const REGULATOR: SyntheticIdentity = {
  mspId: 'RegulatorMSP',
  certPem: fakeCertificatePem('regulator-admin'),
};

export interface OrdererPki {
  caPem: string;
  signer: SyntheticIdentity;
  /** Same MSP id, issued by a CA that is NOT in the channel config. */
  rogue: SyntheticIdentity;
}

export async function ordererPki(): Promise<OrdererPki> {
  const ca = await createCertificateAuthority({ commonName: 'ca.orderer.test', organization: 'OrdererOrg' });
  const leaf = await issueCertificate(ca, {
    kind: 'identity',
    commonName: 'orderer0.orderer.test',
    organization: 'OrdererOrg',
    nodeOu: 'orderer',
  });
  const rogueCa = await createCertificateAuthority({
    commonName: 'ca.orderer.test',
    organization: 'OrdererOrg',
  });
  const rogue = await issueCertificate(rogueCa, {
    kind: 'identity',
    commonName: 'orderer0.orderer.test',
    organization: 'OrdererOrg',
    nodeOu: 'orderer',
  });
  return {
    caPem: ca.certPem,
    signer: { mspId: 'OrdererMSP', certPem: leaf.certPem, keyPem: leaf.keyPem },
    rogue: { mspId: 'OrdererMSP', certPem: rogue.certPem, keyPem: rogue.keyPem },
  };
}

export function event(
  name: string,
  body: Record<string, unknown>,
  txId = 'f'.repeat(64),
  timestamp = '2025-03-01T09:00:00.000Z',
): string {
  const payload: Record<string, unknown> = { ...body, event: name, schemaVersion: 1, txId, timestamp };
  const sorted = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(sorted)
      : value !== null && typeof value === 'object'
        ? Object.fromEntries(
            Object.keys(value)
              .sort()
              .map((key) => [key, sorted((value as Record<string, unknown>)[key])]),
          )
        : value;
  return JSON.stringify(sorted(payload));
}

// Transaction times follow the wall clock: the audit checks certificates were valid at block time.
let clock = Date.now();
function tick(): Date {
  clock += 60_000;
  return new Date(clock);
}

export function medfabricTx(
  fn: string,
  eventName: string | null,
  body: Record<string, unknown>,
  options: Partial<SyntheticEndorserTx> = {},
): { txId: string; bytes: Uint8Array } {
  const timestamp = options.timestamp ?? tick();
  const creator = options.creator ?? HOSPITAL;
  const txId = options.txId ?? syntheticTxId(`${fn}:${JSON.stringify(body)}:${timestamp.toISOString()}`);
  return endorserEnvelope({
    kind: 'endorser',
    txId,
    timestamp,
    creator,
    chaincode: 'medfabric',
    args: [fn, 'argument-that-must-not-be-indexed'],
    endorsers: [REGULATOR, creator],
    reads: [['medfabric', `\u0000medfabric.member\u0000${creator.mspId}\u0000`]],
    writes: [['medfabric', `\u0000medfabric.thing\u0000${fn}\u0000`]],
    event: eventName
      ? { name: eventName, payload: event(eventName, body, txId, timestamp.toISOString()) }
      : undefined,
    ...options,
  });
}

/** Block n of a chain, or a test failure. */
export function blockAt(blocks: readonly RawBlock[], n: number): RawBlock {
  const block = blocks[n];
  if (!block) throw new Error(`fixture block ${n} missing`);
  return block;
}

/** The claim members every medfabric.claim.* event carries (EVENTS.md). */
export function claimBody(claimId: string, status: string): Record<string, unknown> {
  return {
    claimId,
    status,
    recordId: 'rec-1',
    patientPseudonym: 'pp-1',
    hospitalMspId: 'HospitalMSP',
    insurerMspId: 'InsurerMSP',
    policyId: 'pol-1',
    productId: 'prod-1',
    itemCount: 2,
    totalSubmitted: '50000',
  };
}

export function alertBody(
  alertId: string,
  ruleId: string,
  severity: string,
  claimId: string,
): Record<string, unknown> {
  return {
    alertId,
    ruleId,
    severity,
    claimId,
    evidence: { claims: ['claim-0'] },
    raisedAt: new Date(clock).toISOString(),
  };
}

export function adjudicationBody(totalBenefit: string): Record<string, unknown> {
  return {
    covered: true,
    outcome: 'approved',
    reasonCode: null,
    totalSubmitted: '50000',
    totalEligible: '50000',
    totalDeductible: '5000',
    totalCopay: '5000',
    totalOverLimit: '0',
    totalBenefit,
    items: [],
  };
}

export interface MedfabricChain {
  chain: SyntheticChain;
  pki: OrdererPki;
  invalidTxId: string;
}

/**
 * Block 0: config (orderer + 3 orgs). Then one block per group below; block 4 holds three
 * transactions, the second of which is MVCC_READ_CONFLICT.
 */
export async function medfabricChain(): Promise<MedfabricChain> {
  const pki = await ordererPki();
  const chain = new SyntheticChain(pki.signer);
  chain.append(
    [
      configEnvelope({
        kind: 'config',
        timestamp: new Date(clock),
        sequence: 0,
        orgs: [
          { orgName: 'OrdererOrg', mspId: 'OrdererMSP', group: 'Orderer', rootCerts: [pki.caPem] },
          {
            orgName: 'HospitalOrg',
            mspId: 'HospitalMSP',
            group: 'Application',
            rootCerts: [fakeCertificatePem('h-ca')],
          },
          {
            orgName: 'InsurerOrg',
            mspId: 'InsurerMSP',
            group: 'Application',
            rootCerts: [fakeCertificatePem('i-ca')],
          },
          {
            orgName: 'RegulatorOrg',
            mspId: 'RegulatorMSP',
            group: 'Application',
            rootCerts: [fakeCertificatePem('r-ca')],
          },
        ],
      }).bytes,
    ],
    { isConfig: true },
  );
  // 1: consortium
  chain.append([
    medfabricTx(
      'Consortium:InitConsortium',
      'medfabric.consortium.initialised',
      { regulatorMspId: 'RegulatorMSP' },
      { creator: REGULATOR },
    ).bytes,
    medfabricTx(
      'Consortium:RegisterMember',
      'medfabric.consortium.memberRegistered',
      {
        mspId: 'HospitalMSP',
        kind: 'hospital',
        displayName: 'HospitalOrg',
      },
      { creator: REGULATOR },
    ).bytes,
  ]);
  // 2: a record and a consent request
  chain.append([
    medfabricTx('Records:RecordEncounter', 'medfabric.record.encountered', {
      recordId: 'rec-1',
      version: 1,
      rootRecordId: 'rec-1',
      previousVersion: null,
      patientPseudonym: 'pp-1',
      hospitalMspId: 'HospitalMSP',
      encounterType: 'inpatient',
      admittedAt: '2025-02-01T08:00:00.000Z',
      dischargedAt: '2025-02-03T08:00:00.000Z',
      contentSha256: 'a'.repeat(64),
      diagnosisTag: 'b'.repeat(64),
      encryptedDiagnosisSha256: 'c'.repeat(64),
    }).bytes,
    medfabricTx(
      'Consent:RequestAccess',
      'medfabric.consent.requested',
      {
        consentId: 'consent-1',
        status: 'proposed',
        patientPseudonym: 'pp-1',
        requesterMspId: 'InsurerMSP',
        requesterRole: 'adjuster',
        purpose: 'payment',
        scope: { recordIds: ['rec-1'], recordTypes: [] },
        periodStart: '2025-03-01T00:00:00.000Z',
        periodEnd: '2026-03-01T00:00:00.000Z',
      },
      { creator: INSURER },
    ).bytes,
  ]);
  // 3: consent approved, access granted, emergency access with its alert
  chain.append([
    medfabricTx('Consent:ApproveAccess', 'medfabric.consent.approved', {
      consentId: 'consent-1',
      status: 'active',
      patientPseudonym: 'pp-1',
    }).bytes,
    medfabricTx(
      'Access:AccessRecord',
      'medfabric.access.granted',
      {
        disclosureId: 'd-1',
        recordId: 'rec-1',
        recordVersion: 1,
        patientPseudonym: 'pp-1',
        hospitalMspId: 'HospitalMSP',
        accessorMspId: 'InsurerMSP',
        accessorRole: 'adjuster',
        purpose: 'payment',
        basis: 'consent',
        consentId: 'consent-1',
      },
      { creator: INSURER },
    ).bytes,
    medfabricTx('Access:EmergencyAccess', 'medfabric.access.emergency', {
      disclosureId: 'd-2',
      recordId: 'rec-1',
      recordVersion: 1,
      patientPseudonym: 'pp-1',
      hospitalMspId: 'HospitalMSP',
      accessorMspId: 'HospitalMSP',
      accessorRole: 'doctor',
      purpose: 'treatment',
      basis: 'emergency',
      consentId: null,
      reason: 'must never be indexed',
      alert: {
        alertId: 'alert-e1',
        kind: 'emergency-access',
        severity: 'high',
        regulatorMspId: 'RegulatorMSP',
      },
    }).bytes,
  ]);
  // 4: a deposit, an invalid claim filing (MVCC), a valid filing held by a hold alert. Shapes as
  // chaincode/EVENTS.md part 2 documents them.
  const invalid = medfabricTx('Claims:FileClaim', 'medfabric.claim.filed', claimBody('claim-X', 'filed'));
  chain.append(
    [
      medfabricTx(
        'Insurance:DepositFunds',
        'medfabric.fund.deposited',
        { insurerMspId: 'InsurerMSP', amount: '1000000', entryId: 'dep-1:0', balance: '1000000' },
        { creator: INSURER },
      ).bytes,
      invalid.bytes,
      medfabricTx('Claims:FileClaim', 'medfabric.claim.held', {
        ...claimBody('claim-1', 'held'),
        alerts: [alertBody('claim-1:R1:0', 'R1', 'hold', 'claim-1')],
      }).bytes,
    ],
    { validationCodes: [0, peer.TxValidationCode.MVCC_READ_CONFLICT, 0] },
  );
  // 5: claim-1 released by clearing its alert, then paid; an unprojected event; a non-medfabric event;
  // a ping; claim-2 payable (fund short) then settled; claim-3 held by the regulator and denied.
  chain.append([
    medfabricTx(
      'Supervision:ClearAlert',
      'medfabric.alert.cleared',
      {
        alertId: 'claim-1:R1:0',
        ruleId: 'R1',
        severity: 'hold',
        status: 'cleared',
        claimId: 'claim-1',
        claimReleased: true,
        claim: claimBody('claim-1', 'filed'),
      },
      { creator: REGULATOR },
    ).bytes,
    medfabricTx(
      'Claims:AdjudicateClaim',
      'medfabric.claim.paid',
      {
        ...claimBody('claim-1', 'paid'),
        adjudication: adjudicationBody('40000'),
        settlement: {
          amount: '40000',
          entryId: 'settle-1:0',
          settledAt: new Date(clock).toISOString(),
          txId: 'a'.repeat(64),
        },
        alert: null,
      },
      { creator: INSURER },
    ).bytes,
    medfabricTx(
      'Insurance:CreateProduct',
      'medfabric.product.created',
      { productId: 'prod-1', name: 'Basic', insurerMspId: 'InsurerMSP' },
      { creator: INSURER },
    ).bytes,
    medfabricTx('Probe:Put', 'probe.event', { anything: 'free text' }, { chaincode: 'probe' }).bytes,
    medfabricTx('Diagnostics:Ping', null, {}).bytes,
    medfabricTx('Claims:FileClaim', 'medfabric.claim.filed', { ...claimBody('claim-2', 'filed'), alerts: [] })
      .bytes,
    medfabricTx(
      'Claims:AdjudicateClaim',
      'medfabric.claim.payable',
      {
        ...claimBody('claim-2', 'payable'),
        adjudication: adjudicationBody('30000'),
        settlement: null,
        alert: alertBody('claim-2:FUND_SHORT:0', 'FUND_SHORT', 'warn', 'claim-2'),
      },
      { creator: INSURER },
    ).bytes,
    medfabricTx(
      'Claims:SettleClaim',
      'medfabric.claim.paid',
      {
        ...claimBody('claim-2', 'paid'),
        adjudication: adjudicationBody('30000'),
        settlement: {
          amount: '30000',
          entryId: 'settle-2:0',
          settledAt: new Date(clock + 1000).toISOString(),
          txId: 'b'.repeat(64),
        },
        alert: null,
      },
      { creator: INSURER },
    ).bytes,
    medfabricTx('Claims:FileClaim', 'medfabric.claim.filed', { ...claimBody('claim-3', 'filed'), alerts: [] })
      .bytes,
    medfabricTx(
      'Supervision:RaiseAlert',
      'medfabric.alert.raised',
      {
        alert: alertBody('claim-3:R7:0', 'R7', 'hold', 'claim-3'),
        claimId: 'claim-3',
        claimStatus: 'held',
        hospitalMspId: 'HospitalMSP',
        insurerMspId: 'InsurerMSP',
      },
      { creator: REGULATOR },
    ).bytes,
    medfabricTx(
      'Claims:DenyHeldClaim',
      'medfabric.claim.denied',
      {
        ...claimBody('claim-3', 'denied'),
        decision: 'denied',
        decidedByMspId: 'InsurerMSP',
        reasonCode: 'SUPERVISION_DENIED',
        adjudication: null,
        settlement: null,
        alert: null,
      },
      { creator: INSURER },
    ).bytes,
  ]);
  return { chain, pki, invalidTxId: invalid.txId };
}
