import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, it } from 'node:test';

/**
 * Loads the chaincode the way `fabric-chaincode-node server --module-path <package>` does: package.json
 * `main` → `contracts`, then fabric-shim's ChaincodeFromContract, which builds and schema-compiles the
 * contract metadata from the decorators (this fails at startup if a decorator or a type is wrong).
 */
const PACKAGE_DIR = join(__dirname, '..', '..');
const loadModule = createRequire(__filename);

interface TransactionMetadata {
  name: string;
  tag?: string[];
  parameters?: { name: string; schema: { type?: string } }[];
  returns?: { type?: string };
}

interface ChaincodeMetadata {
  info: { title: string; version: string };
  contracts: Record<string, { name: string; transactions: TransactionMetadata[] }>;
  components: { schemas: Record<string, unknown> };
}

interface ShimBootstrap {
  getInfoFromContract(modulePath: string): {
    contracts: (new () => { getName(): string })[];
    serializers: unknown;
    title: string;
    version: string;
  };
}

type ChaincodeFromContractConstructor = new (
  contracts: unknown[],
  serializers: unknown,
  metadata: object,
  title: string,
  version: string,
) => { metadata: ChaincodeMetadata };

const EXPECTED: Record<string, { submit: string[]; evaluate: string[] }> = {
  Consortium: { submit: ['InitConsortium', 'RegisterMember'], evaluate: ['GetMembers'] },
  Records: {
    submit: ['RecordEncounter', 'AmendRecord'],
    evaluate: ['GetRecordHistory', 'GetEncryptedDiagnosis'],
  },
  Consent: {
    submit: ['RequestAccess', 'ApproveAccess', 'RejectAccess', 'RevokeAccess'],
    evaluate: ['GetConsent', 'ListConsentsByPatient', 'ListConsentsByRequester', 'ListConsentsByStatus'],
  },
  Access: { submit: ['AccessRecord', 'EmergencyAccess'], evaluate: ['ListDisclosures', 'ListAlerts'] },
  Diagnostics: { submit: ['Ping'], evaluate: ['GetInfo'] },
  Insurance: {
    submit: ['RegisterClaimKey', 'CreateProduct', 'IssuePolicy', 'DepositFunds'],
    evaluate: [
      'GetActiveClaimKey',
      'GetClaimKey',
      'GetProduct',
      'ListProducts',
      'GetPolicy',
      'ListPolicies',
      'GetFundAccount',
    ],
  },
  Claims: {
    submit: [
      'FileClaim',
      'AdjudicateClaim',
      'AdjudicateClaims',
      'SettleClaim',
      'ReleaseClaim',
      'DenyHeldClaim',
    ],
    evaluate: [
      'GetClaim',
      'ListClaimsByStatus',
      'ListClaimsByHospital',
      'ListClaimsByPatient',
      'GetFundLedger',
    ],
  },
  Supervision: {
    submit: ['SetSupervisionParams', 'RaiseAlert', 'ClearAlert', 'ConfirmAlert'],
    evaluate: [
      'GetSupervisionParams',
      'GetSupervisionParamsVersion',
      'GetSupervisionAlert',
      'ListSupervisionAlertsByClaim',
      'ListSupervisionAlertsByStatus',
    ],
  },
};

function loadChaincode(): { contractNames: string[]; metadata: ChaincodeMetadata } {
  const Bootstrap = loadModule('fabric-shim/lib/contract-spi/bootstrap') as ShimBootstrap;
  const ChaincodeFromContract = loadModule(
    'fabric-shim/lib/contract-spi/chaincodefromcontract',
  ) as ChaincodeFromContractConstructor;
  const info = Bootstrap.getInfoFromContract(PACKAGE_DIR);
  const contractNames = info.contracts.map((contract) => new contract().getName());
  // ChaincodeFromContract appends its system contract to the array it is given: pass a copy.
  const chaincode = new ChaincodeFromContract(
    [...info.contracts],
    info.serializers,
    {},
    info.title,
    info.version,
  );
  return { contractNames, metadata: chaincode.metadata };
}

describe('chaincode metadata (as the CCaaS server loads it)', () => {
  it('exports the contracts from package.json main, Consortium first (the default)', () => {
    const { contractNames } = loadChaincode();
    assert.deepEqual(contractNames, [
      'Consortium',
      'Records',
      'Consent',
      'Access',
      'Diagnostics',
      'Insurance',
      'Claims',
      'Supervision',
    ]);
  });

  it('has decorator metadata for every transaction: submit vs evaluate, string parameters and result', () => {
    const { metadata } = loadChaincode();
    assert.equal(metadata.info.title, '@medfabric/chaincode');
    for (const [contractName, expected] of Object.entries(EXPECTED)) {
      const contract = metadata.contracts[contractName];
      assert.ok(contract !== undefined, `contract ${contractName} is missing`);
      const byName = new Map(contract.transactions.map((transaction) => [transaction.name, transaction]));
      assert.deepEqual([...byName.keys()].sort(), [...expected.submit, ...expected.evaluate].sort());
      for (const name of expected.submit) {
        assert.deepEqual(
          byName.get(name)?.tag,
          ['SUBMIT', 'submitTx'],
          `${contractName}:${name} must be a submit`,
        );
      }
      for (const name of expected.evaluate) {
        assert.deepEqual(byName.get(name)?.tag, ['EVALUATE'], `${contractName}:${name} must be a query`);
      }
      for (const transaction of contract.transactions) {
        assert.deepEqual(
          transaction.returns,
          { type: 'string' },
          `${contractName}:${transaction.name} returns`,
        );
        for (const parameter of transaction.parameters ?? []) {
          assert.equal(
            parameter.schema.type,
            'string',
            `${contractName}:${transaction.name}(${parameter.name})`,
          );
        }
      }
    }
    const recordEncounter = metadata.contracts.Records?.transactions.find(
      (tx) => tx.name === 'RecordEncounter',
    );
    assert.deepEqual(
      recordEncounter?.parameters?.map((parameter) => parameter.name),
      [
        'recordId',
        'patientPseudonym',
        'hospitalMspId',
        'encounterType',
        'admittedAt',
        'dischargedAt',
        'contentSha256',
        'contentLocation',
        'diagnosisTag',
        'encryptedDiagnosisSha256',
      ],
    );
  });

  it('publishes the @Object models as schemas', () => {
    const { metadata } = loadChaincode();
    for (const model of [
      'ConsortiumConfig',
      'ConsortiumMember',
      'MedicalRecord',
      'RecordSupersession',
      'EncryptedDiagnosis',
      'Consent',
      'ConsentScope',
      'ConsentRequester',
      'Disclosure',
      'Alert',
      'ClaimKey',
      'Product',
      'Policy',
      'BenefitUsage',
      'FundAccount',
      'FundEntry',
      'Claim',
      'ClaimItem',
      'ItemAdjudication',
      'ClaimAdjudication',
      'ClaimSettlement',
      'HoldDecision',
      'DecryptionProofRecord',
      'SupervisionParams',
      'ServiceLimit',
      'RuleSeverities',
      'ClaimProtocolParams',
      'ClaimFrequencyLimit',
      'SupervisionAlert',
      'StayEntry',
    ]) {
      assert.ok(metadata.components.schemas[model] !== undefined, `schema ${model} is missing`);
    }
  });
});
