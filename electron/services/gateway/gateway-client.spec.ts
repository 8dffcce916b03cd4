import { Metadata } from '@grpc/grpc-js';
import { EndorseError } from '@hyperledger/fabric-gateway';
import { peer } from '@hyperledger/fabric-protos';
import { describe, expect, it } from 'vitest';
import { FabricCallError, isEndorsementMismatch, retryOnReadConflict } from './gateway-client';

function mismatch(): EndorseError {
  return new EndorseError({
    code: 10,
    message:
      '10 ABORTED: failed to collect enough transaction endorsements, see attached details for more info',
    details: [
      {
        address: 'peer0.regulator:7051',
        mspId: 'RegulatorMSP',
        message: 'ProposalResponsePayloads do not match',
      },
    ],
    cause: Object.assign(new Error('aborted'), { code: 10, details: 'aborted', metadata: new Metadata() }),
    transactionId: 'tx-1',
  });
}

describe('retryOnReadConflict', () => {
  it('recognises endorsers at different heights, raw or described', () => {
    expect(isEndorsementMismatch(mismatch())).toBe(true);
    expect(
      isEndorsementMismatch(
        new FabricCallError('adjudicate failed:\n    peer0: ProposalResponsePayloads do not match'),
      ),
    ).toBe(true);
    expect(isEndorsementMismatch(new Error('access denied'))).toBe(false);
    expect(isEndorsementMismatch('ProposalResponsePayloads do not match')).toBe(false);
  });

  it('endorses again after a mismatch or an MVCC read conflict, and gives up after the attempts', async () => {
    const failures = [
      mismatch(),
      new FabricCallError('conflict', undefined, 'tx-2', peer.TxValidationCode.MVCC_READ_CONFLICT),
    ];
    let calls = 0;
    const result = await retryOnReadConflict(
      async () => {
        calls += 1;
        const failure = failures.shift();
        if (failure) throw failure;
        return 'committed';
      },
      3,
      1,
    );
    expect(result).toBe('committed');
    expect(calls).toBe(3);

    let attempts = 0;
    await expect(
      retryOnReadConflict(
        async () => {
          attempts += 1;
          throw mismatch();
        },
        2,
        1,
      ),
    ).rejects.toBeInstanceOf(EndorseError);
    expect(attempts).toBe(2);
  });

  it('does not repeat a transaction that failed for any other reason', async () => {
    let attempts = 0;
    await expect(
      retryOnReadConflict(async () => {
        attempts += 1;
        throw new FabricCallError('decryption proof rejected');
      }),
    ).rejects.toThrow(/decryption proof rejected/);
    expect(attempts).toBe(1);
  });
});
