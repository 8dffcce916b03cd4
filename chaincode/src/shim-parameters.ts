import { createRequire } from 'node:module';

/**
 * fabric-shim's DataMarshall checks every transaction argument against a JSON schema that embeds
 * all the contract's component schemas (about 10 KB for our @Object models). On every argument of
 * every transaction it serialises that schema twice: once to build a debug line whether or not
 * debug is on, and once inside ajv.compile to find its cache entry. On the sandbox network a
 * three-argument no-op cost 1.5 ms more chaincode CPU than the same no-op without arguments. This
 * cache compiles each parameter's validator once, the first time the transaction runs, and
 * validates with it afterwards; the values passed to the transaction are the same.
 *
 * Only the common case takes the cached path: a transaction with declared parameters, as many
 * arguments as parameters, typed parameters, every argument valid, and debug logging off. Anything
 * else goes to the shim's own handleParameters, so its refusals, messages and debug lines are
 * unchanged.
 */

interface ExpectedParameter {
  schema: { type?: unknown; $ref?: unknown };
}

interface TransactionDescriptor {
  parameters?: ExpectedParameter[];
}

type Validator = (data: unknown) => boolean;

interface DataMarshall {
  ajv: { compile(schema: object): Validator };
  components: unknown;
  fromWireBuffer(
    buffer: unknown,
    schema: object,
    loggerPrefix: string,
  ): { value: unknown; validateData: unknown };
  handleParameters(
    fn: TransactionDescriptor,
    parameters: readonly unknown[],
    loggerPrefix: string,
  ): unknown[];
}

interface CompiledParameter {
  schema: object;
  validate: Validator;
}

const CACHED = Symbol.for('medfabric.shim-parameter-cache');

/** Installs the cache on the DataMarshall the shim itself loads (idempotent). */
export function cacheShimParameterValidators(): void {
  const shimRequire = createRequire(require.resolve('fabric-shim'));
  const { prototype } = shimRequire('./lib/contract-spi/datamarshall.js') as {
    prototype: DataMarshall & { [CACHED]?: true };
  };
  if (prototype[CACHED]) return;
  // The logger DataMarshall writes its debug lines to (the shim caches loggers by name).
  const logger = (
    shimRequire('./lib/logger.js') as {
      getLogger(name: string): { isLevelEnabled(level: string): boolean };
    }
  ).getLogger('contracts-spi/datamarshall.js');
  const shimHandleParameters = prototype.handleParameters;
  // Per DataMarshall (each has its own ajv), per parameter descriptor of the contract metadata.
  const compiled = new WeakMap<DataMarshall, WeakMap<ExpectedParameter, CompiledParameter>>();

  prototype.handleParameters = function cachedHandleParameters(
    this: DataMarshall,
    fn: TransactionDescriptor,
    parameters: readonly unknown[],
    loggerPrefix: string,
  ): unknown[] {
    const expected = fn.parameters;
    if (expected === undefined || expected.length !== parameters.length || logger.isLevelEnabled('debug')) {
      return shimHandleParameters.call(this, fn, parameters, loggerPrefix);
    }
    let byParameter = compiled.get(this);
    if (byParameter === undefined) {
      byParameter = new WeakMap();
      compiled.set(this, byParameter);
    }
    const values: unknown[] = [];
    for (const [index, parameter] of expected.entries()) {
      if (!parameter.schema.type && !parameter.schema.$ref) {
        return shimHandleParameters.call(this, fn, parameters, loggerPrefix);
      }
      let entry = byParameter.get(parameter);
      if (entry === undefined) {
        // The same schema object the shim builds on every call, built once.
        const schema = { properties: { prop: parameter.schema }, components: { schemas: this.components } };
        entry = { schema, validate: this.ajv.compile(schema) };
        byParameter.set(parameter, entry);
      }
      const { value, validateData } = this.fromWireBuffer(parameters[index], entry.schema, loggerPrefix);
      if (!entry.validate({ prop: validateData })) {
        // The shim's own path reports the refusal with its own message.
        return shimHandleParameters.call(this, fn, parameters, loggerPrefix);
      }
      values.push(value);
    }
    return values;
  };
  prototype[CACHED] = true;
}
