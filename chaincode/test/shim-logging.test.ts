import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { guardShimLogging } from '../src/shim-logging';

interface TestLogger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  level: string;
}

interface WinstonForTest {
  createLogger(options: {
    level: string;
    format: { transform(info: Record<string, unknown>): Record<string, unknown> };
    transports: unknown[];
  }): TestLogger;
  transports: { Stream: new (options: { stream: Writable }) => unknown };
}

/** A logger on the shim's own winston whose format counts its calls and whose lines are kept. */
function countingLogger(level: string): { logger: TestLogger; formatted: string[]; written: string[] } {
  const winston = createRequire(require.resolve('fabric-shim'))('winston') as WinstonForTest;
  const formatted: string[] = [];
  const written: string[] = [];
  const sink = new Writable({
    objectMode: true,
    write(info: Record<string, unknown>, _encoding, done) {
      written.push(String(info.message));
      done();
    },
  });
  const logger = winston.createLogger({
    level,
    format: {
      transform(info) {
        formatted.push(String(info.message));
        return info;
      },
    },
    transports: [new winston.transports.Stream({ stream: sink })],
  });
  return { logger, formatted, written };
}

describe('shim logging guard', () => {
  it('drops messages below the level before winston formats them, and keeps the others', async () => {
    guardShimLogging();
    guardShimLogging(); // idempotent: a second call must not wrap twice
    const { logger, formatted, written } = countingLogger('info');
    logger.debug('a debug line');
    logger.info('an info line');
    logger.warn('a warning');
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(formatted, ['an info line', 'a warning']);
    assert.deepEqual(written, ['an info line', 'a warning']);

    logger.level = 'debug';
    logger.debug('now shown');
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(written, ['an info line', 'a warning', 'now shown']);
  });
});
