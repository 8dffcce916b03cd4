import type { Context } from 'fabric-contract-api';
import { ClaimSettlement, ClaimTerms, type Claim } from '../models/claim';
import type { BenefitUsage, FundAccount } from '../models/insurance';
import { fundAccountKey, journalEntry, memberAccountId, readFundAccount } from './fund-ledger';
import {
  benefitUsageKey,
  readBenefitUsage,
  type PolicyRef,
  requireClaimKey,
  requirePolicy,
  requireProduct,
} from './insurance-store';
import { writeState } from './ledger';
import type { MemberCaller } from './membership';
import { fromMinor, toMinor } from './money';

/**
 * The reads and writes of one adjudication transaction. Fabric has no read-your-writes, so when
 * one transaction adjudicates several claims, a second claim of the same policy year or the same
 * hospital must see the first one's usage and balances: every record is read once, updated in
 * memory, and written once by flush().
 */
export class AdjudicationSession {
  private readonly recordTerms = new Map<string, Promise<ClaimTerms>>();
  private readonly usages = new Map<string, BenefitUsage>();
  private readonly accounts = new Map<string, FundAccount>();
  private readonly dirtyUsage = new Set<string>();
  private readonly dirtyAccounts = new Set<string>();
  private postings = 0;

  constructor(
    private readonly ctx: Context,
    readonly caller: MemberCaller,
    readonly now: string,
  ) {}

  /**
   * The terms a claim is adjudicated under: its own copy, or for a claim filed before claims carried
   * one, the same fields read from its key, policy and product (once per session each).
   */
  termsOf(claim: Claim): Promise<ClaimTerms> {
    if (claim.terms !== null) return Promise.resolve(claim.terms);
    const records = [claim.insurerMspId, claim.claimKeyId, claim.policyId, claim.productId];
    return cached(this.recordTerms, records.join('\u0000'), async () => {
      const key = await requireClaimKey(this.ctx, claim.insurerMspId, claim.claimKeyId);
      const policy = await requirePolicy(this.ctx, claim.policyId);
      const product = await requireProduct(this.ctx, claim.productId);
      return ClaimTerms.of(key, policy, product);
    });
  }

  /** The usage of every policy year the claim touches, as earlier claims of this session left it. */
  async usageFor(policy: PolicyRef, years: readonly number[]): Promise<Map<number, BenefitUsage>> {
    const usage = new Map<number, BenefitUsage>();
    for (const year of years) {
      const key = benefitUsageKey(this.ctx, policy.policyId, policy.patientPseudonym, year);
      let current = this.usages.get(key);
      if (current === undefined) {
        current = await readBenefitUsage(this.ctx, policy, year, this.now);
        this.usages.set(key, current);
      }
      usage.set(year, current);
    }
    return usage;
  }

  recordUsage(policy: PolicyRef, updated: readonly BenefitUsage[]): void {
    for (const usage of updated) {
      const key = benefitUsageKey(this.ctx, policy.policyId, policy.patientPseudonym, usage.policyYear);
      this.usages.set(key, usage);
      this.dirtyUsage.add(key);
    }
  }

  /** The insurer's fund account, with every settlement of this session already taken out. */
  insurerFund(insurerMspId: string): Promise<FundAccount> {
    return this.account(memberAccountId(insurerMspId), insurerMspId, 'insurer-fund');
  }

  /**
   * Moves `benefit` from the insurer's fund to the hospital's account (one journal entry); null,
   * with nothing written, when the fund is short.
   */
  async settle(claim: Claim, benefit: bigint): Promise<ClaimSettlement | null> {
    const fund = await this.insurerFund(claim.insurerMspId);
    if (toMinor(fund.balance) < benefit) return null;
    const hospital = await this.account(
      memberAccountId(claim.hospitalMspId),
      claim.hospitalMspId,
      'hospital',
    );
    this.postings += 1;
    const posted = await journalEntry(this.ctx, {
      kind: 'settlement',
      debit: hospital,
      credit: fund,
      amount: fromMinor(benefit),
      claimId: claim.claimId,
      postedBy: this.caller.id,
      now: this.now,
      sequence: this.postings,
    });
    for (const account of [posted.debit, posted.credit]) {
      this.accounts.set(account.accountId, account);
      this.dirtyAccounts.add(account.accountId);
    }
    return new ClaimSettlement({
      amount: posted.entry.amount,
      entryId: posted.entry.entryId,
      settledAt: this.now,
      txId: posted.entry.txId,
    });
  }

  /** Writes each changed usage record and account balance once, in key order. */
  async flush(): Promise<void> {
    for (const key of [...this.dirtyUsage].sort()) {
      await writeState(this.ctx, key, this.usages.get(key));
    }
    for (const accountId of [...this.dirtyAccounts].sort()) {
      await writeState(this.ctx, fundAccountKey(this.ctx, accountId), this.accounts.get(accountId));
    }
    this.dirtyUsage.clear();
    this.dirtyAccounts.clear();
  }

  private async account(
    accountId: string,
    ownerMspId: string,
    kind: FundAccount['kind'],
  ): Promise<FundAccount> {
    let account = this.accounts.get(accountId);
    if (account === undefined) {
      account = await readFundAccount(this.ctx, accountId, ownerMspId, kind, this.now);
      this.accounts.set(accountId, account);
    }
    return account;
  }
}

function cached<T>(cache: Map<string, Promise<T>>, key: string, read: () => Promise<T>): Promise<T> {
  let value = cache.get(key);
  if (value === undefined) {
    value = read();
    cache.set(key, value);
  }
  return value;
}
