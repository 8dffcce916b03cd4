import { createRequire } from 'node:module';

/**
 * fabric-shim and fabric-contract-api log through winston, which runs every message through its
 * whole format pipeline (timestamp, metadata, colours, printf) and only then lets the transport
 * drop it by level. The shim writes a dozen debug lines per transaction, so at the default level
 * every transaction paid for formatting lines nobody sees (about 1 ms of chaincode CPU per
 * transaction, measured by `npm run bench -- claims`). This guard drops a message before the
 * pipeline when no transport would write it; what is logged is unchanged.
 */

const LEVEL = Symbol.for('level');

interface WinstonLoggerPrototype {
  write(chunk: unknown, ...rest: unknown[]): boolean;
  isLevelEnabled(level: string): boolean;
}

interface WinstonModule {
  Logger: { prototype: WinstonLoggerPrototype };
}

const GUARDED = Symbol.for('medfabric.winston-level-guard');

function levelOf(chunk: unknown): string | undefined {
  if (typeof chunk !== 'object' || chunk === null) return undefined;
  const level = (chunk as Record<symbol, unknown>)[LEVEL];
  return typeof level === 'string' ? level : undefined;
}

/** Installs the guard on the winston the shim itself loads (idempotent). */
export function guardShimLogging(): void {
  // The shim's own winston, wherever npm placed it: the guard must patch the instance it uses.
  const shimRequire = createRequire(require.resolve('fabric-shim'));
  const winston = shimRequire('winston') as WinstonModule;
  const prototype = winston.Logger.prototype as WinstonLoggerPrototype & { [GUARDED]?: true };
  if (prototype[GUARDED]) return;
  const write = prototype.write;
  prototype.write = function guardedWrite(this: WinstonLoggerPrototype, chunk: unknown, ...rest: unknown[]) {
    const level = levelOf(chunk);
    if (level === undefined || this.isLevelEnabled(level)) return write.call(this, chunk, ...rest);
    const callback = rest.find((argument) => typeof argument === 'function');
    if (typeof callback === 'function') process.nextTick(callback);
    return true;
  };
  prototype[GUARDED] = true;
}
