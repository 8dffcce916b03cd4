import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cacheShimParameterValidators } from '../src/shim-parameters';

const loadModule = createRequire(__filename);

interface Parameter {
  name: string;
  schema: { type?: string; $ref?: string };
}

interface Transaction {
  name: string;
  parameters?: Parameter[];
}

interface DataMarshall {
  ajv: { compile(schema: object): unknown };
  handleParameters(fn: Transaction, parameters: Buffer[], loggerPrefix: string): unknown[];
}

interface LoadedChaincode {
  metadata: {
    contracts: Record<string, { transactions: Transaction[] }>;
    components: { schemas: Record<string, unknown> };
  };
  contractImplementations: Record<string, { dataMarshall: DataMarshall }>;
}

const DataMarshallClass = loadModule('fabric-shim/lib/contract-spi/datamarshall') as {
  prototype: DataMarshall;
};
// The shim's own implementation, kept before the cache replaces it.
const shimHandleParameters = DataMarshallClass.prototype.handleParameters;

/** The chaincode as the CCaaS server loads it (see metadata.test.ts), after the cache is installed. */
function loadChaincode(): LoadedChaincode {
  cacheShimParameterValidators();
  const Bootstrap = loadModule('fabric-shim/lib/contract-spi/bootstrap') as {
    getInfoFromContract(modulePath: string): {
      contracts: unknown[];
      serializers: unknown;
      title: string;
      version: string;
    };
  };
  const ChaincodeFromContract = loadModule('fabric-shim/lib/contract-spi/chaincodefromcontract') as new (
    contracts: unknown[],
    serializers: unknown,
    metadata: object,
    title: string,
    version: string,
  ) => LoadedChaincode;
  const info = Bootstrap.getInfoFromContract(join(__dirname, '..', '..'));
  return new ChaincodeFromContract([...info.contracts], info.serializers, {}, info.title, info.version);
}

function transaction(chaincode: LoadedChaincode, contract: string, name: string): Transaction {
  const found = chaincode.metadata.contracts[contract]?.transactions.find((tx) => tx.name === name);
  if (found === undefined) throw new Error(`no ${contract}:${name} in the metadata`);
  return found;
}

function marshallOf(chaincode: LoadedChaincode, contract: string): DataMarshall {
  const implementation = chaincode.contractImplementations[contract];
  if (implementation === undefined) throw new Error(`no ${contract} contract`);
  return implementation.dataMarshall;
}

const args = (...values: string[]): Buffer[] => values.map((value) => Buffer.from(value));

/** The error the call throws, for comparing the cached path with the shim's own. */
function failure(call: () => unknown): string {
  try {
    call();
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  assert.fail('expected the call to throw');
}

describe('shim parameter validator cache', () => {
  it('passes the same values as the shim, and compiles each parameter once', () => {
    const chaincode = loadChaincode();
    cacheShimParameterValidators(); // idempotent: a second call must not wrap twice
    const marshall = marshallOf(chaincode, 'Claims');
    let compiles = 0;
    const compile = marshall.ajv.compile.bind(marshall.ajv);
    marshall.ajv.compile = (schema) => {
      compiles += 1;
      return compile(schema);
    };
    const adjudicate = transaction(chaincode, 'Claims', 'AdjudicateClaim');
    const supplied = args('claim-1', '0', '12345678901234567890');
    for (let call = 0; call < 5; call++) {
      assert.deepEqual(marshall.handleParameters(adjudicate, supplied, 'test'), [
        'claim-1',
        '0',
        '12345678901234567890',
      ]);
    }
    assert.equal(compiles, 3);
    assert.deepEqual(
      marshall.handleParameters(adjudicate, supplied, 'test'),
      shimHandleParameters.call(marshall, adjudicate, supplied, 'test'),
    );
    const file = transaction(chaincode, 'Claims', 'FileClaim');
    const filing = args('claim-2', 'record-1', 'policy-1', '[{"serviceCode":"A","quantity":1}]');
    assert.deepEqual(
      marshall.handleParameters(file, filing, 'test'),
      shimHandleParameters.call(marshall, file, filing, 'test'),
    );
  });

  it('refuses exactly as the shim does: argument count, type, conversion, schema', () => {
    const chaincode = loadChaincode();
    const marshall = marshallOf(chaincode, 'Claims');
    const both = (fn: Transaction, supplied: Buffer[]): void => {
      const cached = failure(() => marshall.handleParameters(fn, supplied, 'test'));
      const shim = failure(() => shimHandleParameters.call(marshall, fn, supplied, 'test'));
      assert.equal(cached, shim);
    };
    both(transaction(chaincode, 'Claims', 'AdjudicateClaim'), args('claim-1', '0'));
    both({ name: 'Untyped', parameters: [{ name: 'x', schema: {} }] }, args('1'));
    both({ name: 'Count', parameters: [{ name: 'count', schema: { type: 'number' } }] }, args('many'));
    const [model] = Object.keys(chaincode.metadata.components.schemas);
    assert.ok(model !== undefined, 'the contract declares component schemas');
    const byRef = {
      name: 'ByRef',
      parameters: [{ name: 'value', schema: { $ref: `#/components/schemas/${model}` } }],
    };
    both(byRef, args('{"unexpected":true}'));
    // And a valid non-string parameter converts as the shim converts it.
    const count = { name: 'Count', parameters: [{ name: 'count', schema: { type: 'number' } }] };
    assert.deepEqual(marshall.handleParameters(count, args('42'), 'test'), [42]);
  });
});
