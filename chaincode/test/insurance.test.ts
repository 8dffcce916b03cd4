import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { coveragePolynomial, icd10Category } from '../src/lib/claim-crypto';
import {
  claimIds,
  ClaimsNetwork,
  COVERED_CODES,
  INSURER_2,
  KEY_ID,
  POLICY_ID,
  PRODUCT_ID,
  productArgumentList,
  productArguments,
  type ProductArguments,
} from './support/claims-network';
import type { FakeClientIdentity } from './support/fake-fabric';
import { HOSPITAL, ids, INSURER, OTHER_PATIENT, parseArray, PATIENT } from './support/network';

/** Insurer identities that are not insurer admins, and members of other kinds. */
const NOT_INSURER_ADMINS: FakeClientIdentity[] = [
  ids.insurerAdjuster,
  claimIds.insurerCompliance,
  ids.insurerDoctor,
  ids.hospitalAdmin,
  ids.doctor,
  ids.regulatorAdmin,
  claimIds.regulatorRoleAdmin,
  ids.patient,
];

describe('Insurance: RegisterClaimKey', () => {
  it('registers a versioned active key, retires the previous one on rotation and emits one event', async () => {
    const network = await ClaimsNetwork.create();
    const first = await network.registerKey();
    assert.equal(first.version, 1);
    assert.equal(first.status, 'active');
    assert.equal(first.bits, 512);
    assert.equal(first.n, network.n.toString());
    const event = network.lastEvent();
    assert.equal(event.name, 'medfabric.claimkey.registered');
    assert.equal(event.payload.previousKeyId, null);
    assert.equal(event.payload.version, 1);
    assert.ok(!event.raw.includes(network.n.toString()), 'the event carries a fingerprint, not n');

    const second = await network.submitJson(claimIds.insurerRoleAdmin, (ctx) =>
      network.insurance.RegisterClaimKey(ctx, 'key-2', network.n.toString()),
    );
    assert.equal(second.version, 2);
    assert.equal(network.lastEvent().payload.previousKeyId, KEY_ID);
    const active = (await network.evaluate(ids.doctor, (ctx) =>
      network.insurance.GetActiveClaimKey(ctx, INSURER),
    )) as Record<string, unknown>;
    assert.equal(active.keyId, 'key-2');
    const retired = (await network.evaluate(ids.doctor, (ctx) =>
      network.insurance.GetClaimKey(ctx, INSURER, KEY_ID),
    )) as Record<string, unknown>;
    assert.equal(retired.status, 'retired');
    assert.equal(typeof retired.retiredAt, 'string');
    await network.expectRejected(
      ids.insurerAdmin,
      (ctx) => network.insurance.RegisterClaimKey(ctx, KEY_ID, network.n.toString()),
      /Claim key key-1 of InsurerMSP is already registered/,
    );
    await network.expectRejected(
      ids.doctor,
      (ctx) => network.insurance.GetActiveClaimKey(ctx, INSURER_2),
      /Insurer2MSP has not registered a claim key/,
    );
  });

  it('enforces the network minimum key size (2048 bits unless the regulator lowers it)', async () => {
    const network = await ClaimsNetwork.create();
    await network.setParams({ claimProtocol: { minClaimKeyBits: 2048 } });
    await network.expectRejected(
      ids.insurerAdmin,
      (ctx) => network.insurance.RegisterClaimKey(ctx, KEY_ID, network.n.toString()),
      /Invalid input: modulus has 512 bits; the network requires at least 2048/,
    );
  });

  it('refuses malformed moduli and callers that are not insurer admins', async () => {
    const network = await ClaimsNetwork.create();
    for (const [modulus, message] of [
      ['', /modulus must not be empty/],
      ['12.5', /modulus must be a positive decimal integer/],
      ['-7', /modulus must be a positive decimal integer/],
      ['0x1234', /modulus must be a positive decimal integer/],
      ['12345', /Invalid input: modulus: modulus n must be a positive 512..4096-bit integer/],
      [(network.n + 1n).toString(), /modulus n must be odd/],
      ['9'.repeat(1235), /modulus is 1235 characters long/],
    ] as const) {
      await network.expectRejected(
        ids.insurerAdmin,
        (ctx) => network.insurance.RegisterClaimKey(ctx, KEY_ID, modulus),
        message,
      );
    }
    await network.expectRejected(
      ids.insurerAdmin,
      (ctx) => network.insurance.RegisterClaimKey(ctx, 'bad id', network.n.toString()),
      /keyId must start/,
    );
    for (const caller of NOT_INSURER_ADMINS) {
      await network.expectRejected(
        caller,
        (ctx) => network.insurance.RegisterClaimKey(ctx, KEY_ID, network.n.toString()),
        /Access denied: only an insurer's admin OU identity or admin-role client may register a claim key/,
      );
    }
    await network.expectRejected(
      ids.outsiderAdmin,
      (ctx) => network.insurance.RegisterClaimKey(ctx, KEY_ID, network.n.toString()),
      /Access denied: MSP OutsiderMSP is not a registered/,
    );
  });
});

describe('Insurance: CreateProduct', () => {
  it('stores the coverage polynomial derived by the chaincode and emits one event', async () => {
    const network = await ClaimsNetwork.create();
    await network.registerKey();
    const product = await network.createProduct({ coveredCategories: JSON.stringify([1036, 919, 822]) });
    assert.deepEqual(product.coveredCategories, [822, 919, 1036]);
    assert.deepEqual(
      product.coverageCoefficients,
      coveragePolynomial([822, 919, 1036]).map((coefficient) => coefficient.toString()),
    );
    assert.equal(product.insurerMspId, INSURER);
    const event = network.lastEvent();
    assert.equal(event.name, 'medfabric.product.created');
    assert.deepEqual(event.payload.coveredCategories, [822, 919, 1036]);
    const stored = (await network.evaluate(ids.patient, (ctx) =>
      network.insurance.GetProduct(ctx, PRODUCT_ID),
    )) as Record<string, unknown>;
    assert.deepEqual(stored, product);
    const listed = parseArray(
      await network.evaluate(ids.doctor, (ctx) => network.insurance.ListProducts(ctx, INSURER)),
    );
    assert.deepEqual(
      listed.map((entry) => entry.productId),
      [PRODUCT_ID],
    );
    assert.deepEqual(
      parseArray(await network.evaluate(ids.doctor, (ctx) => network.insurance.ListProducts(ctx, INSURER_2))),
      [],
    );
  });

  it('limits the categories to K (a ledger parameter) and to what the key size can keep private', async () => {
    const network = await ClaimsNetwork.create();
    await network.registerKey();
    await network.setParams({ claimProtocol: { maxCoveredCategories: 2 } });
    await network.expectRejected(
      ids.insurerAdmin,
      (ctx) => network.insurance.CreateProduct(ctx, ...productArgumentList(productArguments())),
      /coveredCategories lists 3 categories; the network allows at most K = 2/,
    );
    await network.setParams({ claimProtocol: { maxCoveredCategories: 32 } });
    const many = JSON.stringify(Array.from({ length: 25 }, (_, index) => 100 + index));
    await network.expectRejected(
      ids.insurerAdmin,
      (ctx) =>
        network.insurance.CreateProduct(
          ctx,
          ...productArgumentList(productArguments({ coveredCategories: many })),
        ),
      /a 512-bit claim key is too small for 25 covered categories/,
    );
    await network.expectRejected(
      ids.regulatorAdmin,
      (ctx) =>
        network.supervision.SetSupervisionParams(
          ctx,
          JSON.stringify({ claimProtocol: { maxCoveredCategories: 65 } }),
        ),
      /maxCoveredCategories must be at most 64/,
    );
  });

  it('refuses bad input, unknown or retired keys, duplicates and callers that are not insurer admins', async () => {
    const network = await ClaimsNetwork.create();
    await network.registerKey();
    const create =
      (overrides: Partial<ProductArguments>) =>
      (ctx: Parameters<typeof network.insurance.CreateProduct>[0]) =>
        network.insurance.CreateProduct(ctx, ...productArgumentList(productArguments(overrides)));
    const cases: [Partial<ProductArguments>, RegExp][] = [
      [{ productId: '' }, /productId must not be empty/],
      [{ name: ' ' }, /name must not be empty/],
      [{ name: 'n'.repeat(257) }, /name is 257 characters long/],
      [{ coveredCategories: 'J18' }, /coveredCategories is not valid JSON/],
      [{ coveredCategories: '{}' }, /coveredCategories must be an array/],
      [{ coveredCategories: '[]' }, /must list at least one ICD-10 category/],
      [
        { coveredCategories: '[0]' },
        /coveredCategories\[0\] must be an integer ICD-10 category number in \[1, 2600\]/,
      ],
      [{ coveredCategories: '[2601]' }, /coveredCategories\[0\] must be an integer/],
      [{ coveredCategories: '[1.5]' }, /coveredCategories\[0\] must be an integer/],
      [{ coveredCategories: '["919"]' }, /coveredCategories\[0\] must be an integer/],
      [{ coveredCategories: '[919, 919]' }, /lists category 919 more than once/],
      [{ annualLimit: '0' }, /annualLimit must be greater than 0/],
      [{ annualLimit: '-100' }, /annualLimit must be a non-negative integer amount in minor units/],
      [{ annualLimit: '100.50' }, /annualLimit must be a non-negative integer amount/],
      [{ annualLimit: '1e6' }, /annualLimit must be a non-negative integer amount/],
      [{ annualLimit: '1'.repeat(19) }, /annualLimit must be a non-negative integer amount/],
      [{ annualLimit: 100 as unknown as string }, /annualLimit must be a string of decimal digits/],
      [{ deductible: '' }, /deductible must be a non-negative integer amount/],
      [
        { coinsuranceBps: '10001' },
        /coinsuranceBps must be an integer number of basis points in \[0, 10000\]/,
      ],
      [{ coinsuranceBps: '-1' }, /coinsuranceBps must be a non-negative integer/],
      [{ coinsuranceBps: '20.5' }, /coinsuranceBps must be a non-negative integer/],
      [{ validFrom: '2025-13-01' }, /validFrom is not a valid calendar date/],
      [{ validTo: '2024-12-31' }, /validTo \(2024-12-31\) is before validFrom \(2025-01-01\)/],
      [{ validTo: undefined as unknown as string }, /validTo is required/],
    ];
    for (const [overrides, message] of cases) {
      await network.expectRejected(ids.insurerAdmin, create(overrides), message);
    }
    await network.expectRejected(
      ids.insurerAdmin,
      create({ claimKeyId: 'key-404' }),
      /Claim key key-404 of InsurerMSP is not registered/,
    );
    await network.expectRejected(
      claimIds.insurer2Admin,
      create({}),
      /Claim key key-1 of Insurer2MSP is not registered/,
    );
    for (const caller of NOT_INSURER_ADMINS) {
      await network.expectRejected(
        caller,
        create({}),
        /Access denied: only an insurer's admin OU identity or admin-role client may create products/,
      );
    }
    await network.createProduct();
    await network.expectRejected(ids.insurerAdmin, create({}), /Product prod-basic already exists/);
    await network.submit(ids.insurerAdmin, (ctx) =>
      network.insurance.RegisterClaimKey(ctx, 'key-2', network.n.toString()),
    );
    await network.expectRejected(
      ids.insurerAdmin,
      create({ productId: 'prod-2' }),
      /Claim key key-1 of InsurerMSP is retired/,
    );
  });
});

describe('Insurance: IssuePolicy, DepositFunds and the queries', () => {
  it('issues a policy within the product validity to the product’s insurer only', async () => {
    const network = await ClaimsNetwork.create();
    await network.registerKey();
    await network.createProduct();
    const policy = await network.issuePolicy();
    assert.equal(policy.status, 'active');
    const event = network.lastEvent();
    assert.equal(event.name, 'medfabric.policy.issued');
    assert.deepEqual(
      [event.payload.policyId, event.payload.patientPseudonym, event.payload.productId],
      [POLICY_ID, PATIENT, PRODUCT_ID],
    );
    const issue =
      (policyId: string, start: string, end: string, productId = PRODUCT_ID) =>
      (ctx: Parameters<typeof network.insurance.IssuePolicy>[0]) =>
        network.insurance.IssuePolicy(ctx, policyId, PATIENT, productId, start, end);
    await network.expectRejected(
      ids.insurerAdmin,
      issue(POLICY_ID, '2025-01-01', '2025-12-31'),
      /Policy pol-1 already exists/,
    );
    await network.expectRejected(
      ids.insurerAdmin,
      issue('pol-2', '2026-01-01', '2026-12-31'),
      /Product prod-basic is sold from 2025-01-01 to 2025-12-31/,
    );
    await network.expectRejected(
      ids.insurerAdmin,
      issue('pol-2', '2025-06-01', '2025-05-31'),
      /periodEnd \(2025-05-31\) is before periodStart/,
    );
    await network.expectRejected(
      ids.insurerAdmin,
      issue('pol-2', '2025-06-01T00:00:00Z', '2025-12-31'),
      /periodStart must be a calendar date/,
    );
    await network.expectRejected(
      ids.insurerAdmin,
      issue('pol-2', '2025-06-01', '2025-12-31', 'prod-404'),
      /Product prod-404 does not exist/,
    );
    await network.expectRejected(
      claimIds.insurer2Admin,
      issue('pol-2', '2025-06-01', '2025-12-31'),
      /Access denied: product prod-basic belongs to InsurerMSP, not Insurer2MSP/,
    );
    for (const caller of NOT_INSURER_ADMINS) {
      await network.expectRejected(
        caller,
        issue('pol-2', '2025-06-01', '2025-12-31'),
        /Access denied: only an insurer's admin .* may issue policies/,
      );
    }
  });

  it('shows policies to the patient, hospitals, the regulator and the policy’s insurer', async () => {
    const network = await ClaimsNetwork.withInsurance();
    for (const caller of [
      ids.patient,
      ids.doctor,
      ids.nurse,
      ids.hospital2Doctor,
      ids.regulatorAuditor,
      ids.insurerAdjuster,
      claimIds.insurerCompliance,
    ]) {
      const policy = (await network.evaluate(caller, (ctx) =>
        network.insurance.GetPolicy(ctx, POLICY_ID),
      )) as Record<string, unknown>;
      assert.equal(policy.policyId, POLICY_ID);
      const list = parseArray(
        await network.evaluate(caller, (ctx) => network.insurance.ListPolicies(ctx, PATIENT)),
      );
      assert.deepEqual(
        list.map((entry) => entry.policyId),
        [POLICY_ID],
      );
    }
    for (const caller of [
      ids.otherPatient,
      claimIds.insurer2Adjuster,
      ids.regulatorResearcher,
      ids.insurerDoctor,
    ]) {
      await network.expectRejected(
        caller,
        (ctx) => network.insurance.GetPolicy(ctx, POLICY_ID),
        /Access denied: policy pol-1 is for the patient/,
      );
    }
    assert.deepEqual(
      parseArray(
        await network.evaluate(claimIds.insurer2Adjuster, (ctx) =>
          network.insurance.ListPolicies(ctx, PATIENT),
        ),
      ),
      [],
    );
    await network.expectRejected(
      ids.otherPatient,
      (ctx) => network.insurance.ListPolicies(ctx, PATIENT),
      /Access denied: the policies of patient-0001/,
    );
    assert.deepEqual(
      parseArray(
        await network.evaluate(ids.doctor, (ctx) => network.insurance.ListPolicies(ctx, OTHER_PATIENT)),
      ),
      [],
    );
    await network.expectRejected(
      ids.outsiderDoctor,
      (ctx) => network.insurance.GetProduct(ctx, PRODUCT_ID),
      /Access denied: MSP OutsiderMSP/,
    );
  });

  it('deposits positive integer amounts into the insurer fund (double entry) and refuses anything else', async () => {
    const network = await ClaimsNetwork.create();
    const result = await network.submitJson(ids.insurerAdmin, (ctx) =>
      network.insurance.DepositFunds(ctx, '250000'),
    );
    assert.equal((result.account as Record<string, unknown>).balance, '250000');
    const event = network.lastEvent();
    assert.equal(event.name, 'medfabric.fund.deposited');
    assert.deepEqual(
      [event.payload.insurerMspId, event.payload.amount, event.payload.balance],
      [INSURER, '250000', '250000'],
    );
    await network.submit(claimIds.insurerRoleAdmin, (ctx) => network.insurance.DepositFunds(ctx, '1'));
    assert.equal(await network.balance(INSURER), 250_001n);
    const external = network.ledger.state.get(`\u0000medfabric.fund.account\u0000external.${INSURER}\u0000`);
    assert.equal((JSON.parse(external?.toString('utf8') ?? '{}') as { balance: string }).balance, '-250001');

    for (const [amount, message] of [
      ['0', /amount must be greater than 0/],
      ['-5', /amount must be a non-negative integer amount in minor units/],
      ['1.5', /amount must be a non-negative integer amount/],
      ['1e5', /amount must be a non-negative integer amount/],
      ['007', /amount must be a non-negative integer amount/],
      [' 7', /amount must be a non-negative integer amount/],
      ['1'.repeat(19), /amount must be a non-negative integer amount/],
      [100, /amount must be a string of decimal digits in minor units .* not a JSON number/],
      [undefined, /amount is required/],
    ] as const) {
      await network.expectRejected(
        ids.insurerAdmin,
        (ctx) => network.insurance.DepositFunds(ctx, amount as string),
        message,
      );
    }
    for (const caller of NOT_INSURER_ADMINS) {
      await network.expectRejected(
        caller,
        (ctx) => network.insurance.DepositFunds(ctx, '10'),
        /Access denied: only an insurer's admin .* may deposit funds/,
      );
    }
  });

  it('shows a fund account to its owner’s administrators and the regulator', async () => {
    const network = await ClaimsNetwork.withInsurance();
    for (const caller of [
      ids.insurerAdmin,
      ids.insurerAdjuster,
      claimIds.insurerCompliance,
      ids.regulatorAuditor,
      ids.regulatorAdmin,
    ]) {
      const account = (await network.evaluate(caller, (ctx) =>
        network.insurance.GetFundAccount(ctx, INSURER),
      )) as Record<string, unknown>;
      assert.equal(account.balance, '10000000');
    }
    const hospitalAccount = (await network.evaluate(ids.hospitalClerk, (ctx) =>
      network.insurance.GetFundAccount(ctx, HOSPITAL),
    )) as Record<string, unknown>;
    assert.deepEqual(
      [hospitalAccount.balance, hospitalAccount.kind, hospitalAccount.entryCount],
      ['0', 'hospital', 0],
    );
    for (const caller of [
      ids.doctor,
      ids.hospitalAdmin,
      claimIds.insurer2Admin,
      ids.patient,
      claimIds.insurerAuditor,
    ]) {
      await network.expectRejected(
        caller,
        (ctx) => network.insurance.GetFundAccount(ctx, INSURER),
        /Access denied: the fund account of InsurerMSP/,
      );
    }
    await network.expectRejected(
      ids.regulatorAuditor,
      (ctx) => network.insurance.GetFundAccount(ctx, 'NobodyMSP'),
      /NobodyMSP is not a registered hospital or insurer/,
    );
    assert.equal(icd10Category(COVERED_CODES[0]), 919);
  });
});
