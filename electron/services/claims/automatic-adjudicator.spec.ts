import type { ChaincodeEvent, CloseableAsyncIterable, ProposalOptions } from '@hyperledger/fabric-gateway';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import {
  encryptWithRandomness,
  generateClaimKeyPair,
  parseProof,
  randomUnit,
  verifyDecryption,
  type ClaimKeyPair,
} from '../../../chaincode/src/lib/claim-crypto';
import {
  ClaimAdjudicator,
  type AdjudicationOutcome,
  type ClaimsContract,
  type ClaimSummary,
} from './automatic-adjudicator';

const INSURER = 'InsurerMSP';
const KEY_ID = 'key-1';

let keyPair: ClaimKeyPair;
beforeAll(async () => {
  keyPair = await generateClaimKeyPair(512);
});

/** A claim of the fake ledger: covered ones decrypt to m = 0, uncovered ones to m ≠ 0. */
function claimOf(claimId: string, covered: boolean, status = 'filed'): ClaimSummary {
  const n = keyPair.publicKey.n;
  return {
    claimId,
    status,
    insurerMspId: INSURER,
    hospitalMspId: 'HospitalMSP',
    claimKeyId: KEY_ID,
    encryptedEligibility: encryptWithRandomness(n, covered ? 0n : 4242n, randomUnit(n)).toString(),
    totalSubmitted: '25000',
    alertIds: [],
  };
}

/**
 * The Claims contract in memory: verifies each decryption proof as the chaincode does, refuses
 * claims that are not filed (or that `heldAtSubmission` holds, as if held between read and
 * submission), and fails a whole batch for one bad entry.
 */
class FakeClaimsContract implements ClaimsContract {
  readonly claims = new Map<string, ClaimSummary>();
  readonly submissions: Array<{ transaction: string; claimIds: string[] }> = [];
  readonly heldAtSubmission = new Set<string>();
  /** While set, submissions wait for it: a transaction in flight. */
  gate: Promise<void> | undefined;

  add(claim: ClaimSummary): void {
    this.claims.set(claim.claimId, claim);
  }

  async evaluateTransaction(name: string, ...args: Array<string | Uint8Array>): Promise<Uint8Array> {
    const claim = this.claims.get(String(args[0]));
    if (name !== 'GetClaim' || claim === undefined) throw new Error(`fake: no ${name}(${String(args[0])})`);
    return Buffer.from(JSON.stringify(claim));
  }

  async submit(name: string, options: ProposalOptions = {}): Promise<Uint8Array> {
    const args = (options.arguments ?? []).map(String);
    const entries =
      name === 'AdjudicateClaims'
        ? (JSON.parse(args[0] ?? '[]') as Array<{ claimId: string; m: string; rho: string }>)
        : [{ claimId: args[0] ?? '', m: args[1], rho: args[2] }];
    this.submissions.push({ transaction: name, claimIds: entries.map((entry) => entry.claimId) });
    await this.gate;
    const refused = entries.filter((entry) => {
      const claim = this.claims.get(entry.claimId);
      return (
        claim === undefined ||
        claim.status !== 'filed' ||
        this.heldAtSubmission.has(entry.claimId) ||
        !verifyDecryption(keyPair.publicKey.n, BigInt(claim.encryptedEligibility), parseProof(entry))
      );
    });
    if (refused.length > 0) {
      throw new Error(`fake chaincode: claims ${refused.map((entry) => entry.claimId).join(', ')} refused`);
    }
    const updated = entries.map((entry) => {
      const claim = this.claims.get(entry.claimId) as ClaimSummary;
      const covered = entry.m === '0';
      const result = {
        ...claim,
        status: covered ? 'paid' : 'denied',
        adjudication: {
          outcome: covered ? 'approved' : 'denied',
          reasonCode: covered ? null : 'NOT_COVERED',
          totalBenefit: covered ? '20000' : '0',
        },
      };
      this.claims.set(entry.claimId, result);
      return result;
    });
    return Buffer.from(JSON.stringify(name === 'AdjudicateClaims' ? updated : updated[0]));
  }
}

/** A chaincode event stream fed by the test: next() settles at once when an event is buffered. */
class FakeEventStream implements CloseableAsyncIterable<ChaincodeEvent> {
  private readonly buffered: ChaincodeEvent[] = [];
  private waiting: ((result: IteratorResult<ChaincodeEvent>) => void) | undefined;
  private closed = false;
  private block = 1n;

  /** Delivers the events of one new block. */
  deliver(...events: Array<{ name: string; claimId: string; insurerMspId?: string }>): ChaincodeEvent[] {
    const blockNumber = this.block++;
    const delivered = events.map(({ name, claimId, insurerMspId = INSURER }) => ({
      blockNumber,
      transactionId: `tx-${claimId}-${name}`,
      chaincodeName: 'medfabric',
      eventName: name,
      payload: Buffer.from(JSON.stringify({ claimId, insurerMspId, event: name })),
    }));
    for (const event of delivered) {
      const waiting = this.waiting;
      this.waiting = undefined;
      if (waiting) waiting({ done: false, value: event });
      else this.buffered.push(event);
    }
    return delivered;
  }

  close(): void {
    this.closed = true;
    this.waiting?.({ done: true, value: undefined });
    this.waiting = undefined;
  }

  [Symbol.dispose](): void {
    this.close();
  }

  [Symbol.asyncIterator](): AsyncIterator<ChaincodeEvent> {
    return {
      next: () => {
        const event = this.buffered.shift();
        if (event) return Promise.resolve({ done: false, value: event });
        if (this.closed) return Promise.resolve({ done: true, value: undefined });
        return new Promise((resolve) => (this.waiting = resolve));
      },
    };
  }
}

interface Harness {
  adjudicator: ClaimAdjudicator;
  contract: FakeClaimsContract;
  stream: FakeEventStream;
  adjudicated: AdjudicationOutcome[];
  queued: string[];
  errors: Error[];
  refusedBatches: { claimIds: string[]; message: string }[];
  checkpoints: ChaincodeEvent[];
  /** Claims adjudicated or queued, or events skipped, when each checkpoint was written. */
  settledAtCheckpoint: Array<Set<string>>;
}

async function startHarness(): Promise<Harness> {
  const contract = new FakeClaimsContract();
  const stream = new FakeEventStream();
  const keys = {
    get: vi.fn(async (keyId: string) => {
      if (keyId !== KEY_ID) throw new Error(`no key ${keyId}`);
      return keyPair.privateKey;
    }),
  };
  const harness: Harness = {
    contract,
    stream,
    adjudicated: [],
    queued: [],
    errors: [],
    refusedBatches: [],
    checkpoints: [],
    settledAtCheckpoint: [],
    adjudicator: new ClaimAdjudicator({
      insurerMspId: INSURER,
      regulatorMspId: 'RegulatorMSP',
      keys,
      claims: contract,
      endpoint: { address: '127.0.0.1:7051', tlsRootCertPem: '', label: 'peer0.insurer (fake)' },
      openEvents: async () => ({
        events: stream,
        checkpoint: async (event) => {
          harness.checkpoints.push(event);
          harness.settledAtCheckpoint.push(
            new Set([...harness.adjudicated.map((o) => o.claimId), ...harness.queued]),
          );
        },
      }),
    }),
  };
  harness.adjudicator.on('adjudicated', (outcome) => harness.adjudicated.push(outcome));
  harness.adjudicator.on('queued', (claim) => harness.queued.push(claim.claimId));
  harness.adjudicator.on('error', (error) => harness.errors.push(error));
  harness.adjudicator.on('batch-refused', ({ claimIds, error }) =>
    harness.refusedBatches.push({ claimIds, message: error.message }),
  );
  await harness.adjudicator.start();
  return harness;
}

function filed(claimId: string): { name: string; claimId: string } {
  return { name: 'medfabric.claim.filed', claimId };
}

describe('ClaimAdjudicator', () => {
  it('adjudicates a lone claim at once through AdjudicateClaim', async () => {
    const h = await startHarness();
    try {
      h.contract.add(claimOf('claim-1', true));
      const [event] = h.stream.deliver(filed('claim-1'));
      await vi.waitFor(() => expect(h.checkpoints).toEqual([event]));
      expect(h.contract.submissions).toEqual([{ transaction: 'AdjudicateClaim', claimIds: ['claim-1'] }]);
      expect(h.adjudicated).toEqual([
        {
          claimId: 'claim-1',
          status: 'paid',
          outcome: 'approved',
          reasonCode: null,
          totalBenefit: '20000',
          elapsedMs: expect.any(Number),
        },
      ]);
      expect(h.errors).toEqual([]);
    } finally {
      await h.adjudicator.stop();
    }
  });

  it('submits five claims available at once in one AdjudicateClaims, in event order', async () => {
    const h = await startHarness();
    try {
      const ids = ['c-1', 'c-2', 'c-3', 'c-4', 'c-5'];
      ids.forEach((id, index) => h.contract.add(claimOf(id, index !== 2)));
      // Another insurer's claim and another kind of event come in the same blocks.
      h.stream.deliver(filed('c-1'), filed('c-2'), { name: 'medfabric.fund.deposited', claimId: 'none' });
      const last = h.stream.deliver(
        filed('c-3'),
        { name: 'medfabric.claim.filed', claimId: 'other', insurerMspId: 'OtherInsurerMSP' },
        filed('c-4'),
        filed('c-5'),
      );
      await vi.waitFor(() => expect(h.checkpoints).toEqual([last.at(-1)]));
      expect(h.contract.submissions).toEqual([{ transaction: 'AdjudicateClaims', claimIds: ids }]);
      expect(h.adjudicated.map((o) => [o.claimId, o.status, o.reasonCode])).toEqual([
        ['c-1', 'paid', null],
        ['c-2', 'paid', null],
        ['c-3', 'denied', 'NOT_COVERED'],
        ['c-4', 'paid', null],
        ['c-5', 'paid', null],
      ]);
      expect(h.errors).toEqual([]);
    } finally {
      await h.adjudicator.stop();
    }
  });

  it('batches at most 16 claims, and the claims that arrive during a submission go in the next one', async () => {
    const h = await startHarness();
    try {
      const ids = Array.from({ length: 20 }, (_, index) => `c-${index + 1}`);
      for (const id of ids) h.contract.add(claimOf(id, true));
      let release = (): void => undefined;
      h.contract.gate = new Promise((resolve) => (release = resolve));
      h.stream.deliver(...ids.slice(0, 18).map(filed));
      await vi.waitFor(() => expect(h.contract.submissions).toHaveLength(1));
      h.stream.deliver(...ids.slice(18).map(filed));
      release();
      await vi.waitFor(() => expect(h.adjudicated).toHaveLength(20));
      expect(h.contract.submissions).toEqual([
        { transaction: 'AdjudicateClaims', claimIds: ids.slice(0, 16) },
        { transaction: 'AdjudicateClaims', claimIds: ids.slice(16) },
      ]);
    } finally {
      await h.adjudicator.stop();
    }
  });

  it('falls back to one by one when the batch fails: one error for the bad claim, the others adjudicated', async () => {
    const h = await startHarness();
    try {
      for (const id of ['c-1', 'c-2', 'c-3']) h.contract.add(claimOf(id, true));
      h.contract.heldAtSubmission.add('c-2');
      const events = h.stream.deliver(filed('c-1'), filed('c-2'), filed('c-3'));
      await vi.waitFor(() => expect(h.checkpoints).toEqual([events.at(-1)]));
      expect(h.contract.submissions).toEqual([
        { transaction: 'AdjudicateClaims', claimIds: ['c-1', 'c-2', 'c-3'] },
        { transaction: 'AdjudicateClaim', claimIds: ['c-1'] },
        { transaction: 'AdjudicateClaim', claimIds: ['c-2'] },
        { transaction: 'AdjudicateClaim', claimIds: ['c-3'] },
      ]);
      expect(h.adjudicated.map((o) => [o.claimId, o.status])).toEqual([
        ['c-1', 'paid'],
        ['c-3', 'paid'],
      ]);
      expect(h.errors.map((error) => error.message)).toEqual([
        expect.stringMatching(/^adjudicate claim c-2 via peer0\.insurer \(fake\) failed: .*c-2 refused/),
      ]);
      expect(h.refusedBatches).toEqual([
        { claimIds: ['c-1', 'c-2', 'c-3'], message: expect.stringMatching(/c-2/) },
      ]);
    } finally {
      await h.adjudicator.stop();
    }
  });

  it('queues held claims for review without submitting them, and skips claims adjudicated before a restart', async () => {
    const h = await startHarness();
    try {
      h.contract.add(claimOf('held-1', true, 'held'));
      h.contract.add(claimOf('done-1', true, 'paid'));
      h.contract.add(claimOf('c-1', true));
      const events = h.stream.deliver(
        { name: 'medfabric.claim.held', claimId: 'held-1' },
        filed('done-1'),
        filed('c-1'),
      );
      await vi.waitFor(() => expect(h.checkpoints).toEqual([events.at(-1)]));
      expect(h.queued).toEqual(['held-1']);
      expect(h.contract.submissions).toEqual([{ transaction: 'AdjudicateClaim', claimIds: ['c-1'] }]);

      // Released by the compliance officer: the release event brings it to adjudication.
      h.contract.add({ ...(h.contract.claims.get('held-1') as ClaimSummary), status: 'filed' });
      h.stream.deliver({ name: 'medfabric.claim.released', claimId: 'held-1' });
      await vi.waitFor(() => expect(h.adjudicated.map((o) => o.claimId)).toEqual(['c-1', 'held-1']));
      expect(h.errors).toEqual([]);
    } finally {
      await h.adjudicator.stop();
    }
  });

  it('never checkpoints past an event whose claim is not yet adjudicated or queued', async () => {
    const h = await startHarness();
    try {
      for (const id of ['c-1', 'c-2', 'c-3']) h.contract.add(claimOf(id, true));
      h.contract.add(claimOf('held-1', true, 'held'));
      let release = (): void => undefined;
      h.contract.gate = new Promise((resolve) => (release = resolve));
      const delivered = [
        ...h.stream.deliver(filed('c-1'), { name: 'medfabric.claim.held', claimId: 'held-1' }),
      ];
      await vi.waitFor(() => expect(h.contract.submissions).toHaveLength(1));
      delivered.push(...h.stream.deliver(filed('c-2'), filed('c-3')));
      // A submission in flight: its events and the ones after it stay unconfirmed.
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(h.checkpoints).toEqual([]);
      release();
      await vi.waitFor(() => expect(h.checkpoints.at(-1)).toBe(delivered.at(-1)));

      const claimOfEvent = (event: ChaincodeEvent): string =>
        (JSON.parse(Buffer.from(event.payload).toString()) as { claimId: string }).claimId;
      h.checkpoints.forEach((checkpoint, index) => {
        const upTo = delivered.slice(0, delivered.indexOf(checkpoint) + 1);
        const settled = h.settledAtCheckpoint[index] ?? new Set<string>();
        expect(upTo.filter((event) => !settled.has(claimOfEvent(event)))).toEqual([]);
      });
      expect(h.contract.submissions.map((s) => s.claimIds)).toEqual([['c-1'], ['c-2', 'c-3']]);
    } finally {
      await h.adjudicator.stop();
    }
  });
});
