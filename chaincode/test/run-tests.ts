import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Runs every compiled *.test.js under dist/test with Node's test runner. Node 20 neither expands
 * globs for --test nor skips helper modules when given a directory, so the list is built here
 * (portable, unlike a shell glob). fabric-contract-api logs every decorator at info level; the
 * tests run it at WARNING.
 */
function testFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) {
        return testFiles(path);
      }
      return entry.name.endsWith('.test.js') ? [path] : [];
    })
    .sort();
}

const files = testFiles(__dirname).map((file) => relative(process.cwd(), file));
const run = spawnSync(process.execPath, ['--test', '--test-reporter=spec', ...files], {
  stdio: 'inherit',
  env: {
    ...process.env,
    CORE_CHAINCODE_LOGGING_LEVEL: process.env.CORE_CHAINCODE_LOGGING_LEVEL ?? 'WARNING',
  },
});
process.exit(run.status ?? 1);
