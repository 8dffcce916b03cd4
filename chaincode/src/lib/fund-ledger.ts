import type { Context } from 'fabric-contract-api';
import { FundAccount, FundEntry, type FundAccountKind, type FundEntryKind } from '../models/insurance';
import { StateConflictError } from './errors';
import { INSURANCE_KEY_TYPES as K } from './insurance-keys';
import { compositeKey, isIndexEntry, parseStored, readState, scanByPartialKey, writeState } from './ledger';
import { fromMinor, toMinor } from './money';

/**
 * The double-entry fund ledger. Every entry debits one account and credits another by the same
 * amount, so the balances of all accounts always sum to zero; deposits are credited to the insurer's
 * external capital (contra) account, hence the member accounts sum to the total deposited.
 */

export function memberAccountId(mspId: string): string {
  return mspId;
}

export function externalAccountId(insurerMspId: string): string {
  return `external.${insurerMspId}`;
}

export function fundAccountKey(ctx: Context, accountId: string): string {
  return compositeKey(ctx, K.fundAccount, [accountId]);
}

/** The stored account, or a zero-balance one (not yet written) when it has never been posted to. */
export async function readFundAccount(
  ctx: Context,
  accountId: string,
  ownerMspId: string,
  kind: FundAccountKind,
  now: string,
): Promise<FundAccount> {
  const stored = await readState(ctx, fundAccountKey(ctx, accountId));
  return stored === undefined
    ? new FundAccount({ accountId, ownerMspId, kind, balance: '0', entryCount: 0, updatedAt: now })
    : FundAccount.decode(stored);
}

export interface Posting {
  kind: FundEntryKind;
  debit: FundAccount;
  credit: FundAccount;
  amount: string;
  claimId: string | null;
  postedBy: string;
  now: string;
  /** Distinguishes entries of one transaction: entryId = `<txId>:<sequence>`. */
  sequence: number;
}

/**
 * Writes one journal entry and the two updated account balances. Reads are not visible to later
 * reads of the same transaction (Fabric has no read-your-writes), so a transaction posts to each
 * account at most once and passes in the accounts it read (see journalEntry for several postings).
 */
export async function postEntry(
  ctx: Context,
  posting: Posting,
): Promise<{ entry: FundEntry; debit: FundAccount; credit: FundAccount }> {
  const posted = await journalEntry(ctx, posting);
  for (const account of [posted.debit, posted.credit]) {
    await writeState(ctx, fundAccountKey(ctx, account.accountId), account);
  }
  return posted;
}

/**
 * Writes one journal entry under each of its two accounts, and returns the two accounts with
 * their new balances WITHOUT writing them: a transaction that posts several entries to one account
 * carries the returned accounts into its next posting and writes each account once at the end.
 */
export async function journalEntry(
  ctx: Context,
  posting: Posting,
): Promise<{ entry: FundEntry; debit: FundAccount; credit: FundAccount }> {
  const txId = ctx.stub.getTxID();
  const entry = new FundEntry({
    entryId: `${txId}:${posting.sequence}`,
    kind: posting.kind,
    debitAccount: posting.debit.accountId,
    creditAccount: posting.credit.accountId,
    amount: posting.amount,
    claimId: posting.claimId,
    postedAt: posting.now,
    postedBy: posting.postedBy,
    txId,
  });
  const amount = toMinor(posting.amount);
  const debit = new FundAccount({
    ...posting.debit,
    balance: fromMinor(toMinor(posting.debit.balance) + amount),
    entryCount: posting.debit.entryCount + 1,
    updatedAt: posting.now,
  });
  const credit = new FundAccount({
    ...posting.credit,
    balance: fromMinor(toMinor(posting.credit.balance) - amount),
    entryCount: posting.credit.entryCount + 1,
    updatedAt: posting.now,
  });
  // One copy per account: listing an account's entries is one range scan, and posting costs two
  // writes rather than an entry plus two index entries.
  for (const account of [debit, credit]) {
    await writeState(
      ctx,
      compositeKey(ctx, K.fundEntryByAccount, [account.accountId, entry.postedAt, entry.entryId]),
      entry,
    );
  }
  return { entry, debit, credit };
}

/**
 * The journal entries that touch one account, oldest first. Entries posted before entries were
 * stored under their accounts hold an index marker there, and their body under `medfabric.fund.entry`.
 */
export async function listEntriesOfAccount(ctx: Context, accountId: string): Promise<FundEntry[]> {
  const entries: FundEntry[] = [];
  for (const { attributes, value } of await scanByPartialKey(ctx, K.fundEntryByAccount, [accountId])) {
    if (!isIndexEntry(value)) {
      entries.push(FundEntry.decode(parseStored(value, K.fundEntryByAccount)));
      continue;
    }
    const [, postedAt = '', entryId = ''] = attributes;
    const stored = await readState(ctx, compositeKey(ctx, K.fundEntry, [postedAt, entryId]));
    if (stored === undefined) {
      throw new StateConflictError(`Journal entry ${entryId} of account ${accountId} has no stored body`);
    }
    entries.push(FundEntry.decode(stored));
  }
  return entries;
}
