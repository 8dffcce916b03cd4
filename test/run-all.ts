// `npm test`: installs what the suites need, runs every suite, and ends with one plain line
// `N passed, N failed` summed over all of them. Each suite runs even when an earlier one failed,
// so one run shows every failure; the exit code is non-zero when anything failed.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

interface StageResult {
  name: string;
  passed: number;
  failed: number;
  skipped: number;
  seconds: number;
}

const root = path.resolve(import.meta.dirname, '..');
const reportDir = path.join(root, 'test-results');
mkdirSync(reportDir, { recursive: true });

function run(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const forward = (chunk: Buffer, to: NodeJS.WriteStream): void => {
      output += chunk.toString();
      to.write(chunk);
    };
    child.stdout.on('data', (c: Buffer) => forward(c, process.stdout));
    child.stderr.on('data', (c: Buffer) => forward(c, process.stderr));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

interface VitestJson {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
}

async function vitestStage(name: string, config: string): Promise<StageResult> {
  const started = Date.now();
  const outputFile = path.join(reportDir, `${name}.json`);
  rmSync(outputFile, { force: true }); // a crashed run must not be read as the previous run's report
  const { code } = await run('npx', [
    'vitest',
    'run',
    '--config',
    config,
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${outputFile}`,
  ]);
  const seconds = (Date.now() - started) / 1000;
  if (!existsSync(outputFile)) return { name, passed: 0, failed: 1, skipped: 0, seconds };
  const report = JSON.parse(readFileSync(outputFile, 'utf8')) as VitestJson;
  // A suite that failed to load counts as one failure even when no test reported failing.
  const failed = report.numFailedTests + (code !== 0 && report.numFailedTests === 0 ? 1 : 0);
  return {
    name,
    passed: report.numPassedTests,
    failed,
    skipped: report.numPendingTests + report.numTodoTests,
    seconds,
  };
}

async function nodeTestStage(name: string, workspace: string): Promise<StageResult> {
  const started = Date.now();
  const { code, output } = await run('npm', ['test', '--workspace', workspace]);
  const count = (label: string): number => {
    const match = new RegExp(`^\\S*\\s*${label} (\\d+)$`, 'm').exec(output);
    return match?.[1] ? Number(match[1]) : 0;
  };
  const passed = count('pass');
  let failed = count('fail');
  if (code !== 0 && failed === 0) failed = 1;
  return { name, passed, failed, skipped: count('skipped'), seconds: (Date.now() - started) / 1000 };
}

async function commandStage(name: string, cmd: string, args: string[]): Promise<StageResult> {
  const started = Date.now();
  const { code } = await run(cmd, args);
  return {
    name,
    passed: code === 0 ? 1 : 0,
    failed: code === 0 ? 0 : 1,
    skipped: 0,
    seconds: (Date.now() - started) / 1000,
  };
}

interface PlaywrightJson {
  stats: { expected: number; unexpected: number; flaky: number; skipped: number };
}

async function playwrightStage(name: string): Promise<StageResult> {
  const started = Date.now();
  const outputFile = path.join(reportDir, 'e2e.json');
  rmSync(outputFile, { force: true });
  const { code } = await run('npx', ['playwright', 'test', '-c', 'playwright.config.ts']);
  const seconds = (Date.now() - started) / 1000;
  if (!existsSync(outputFile)) return { name, passed: 0, failed: 1, skipped: 0, seconds };
  const { stats } = JSON.parse(readFileSync(outputFile, 'utf8')) as PlaywrightJson;
  const failed = stats.unexpected + (code !== 0 && stats.unexpected === 0 ? 1 : 0);
  return { name, passed: stats.expected + stats.flaky, failed, skipped: stats.skipped, seconds };
}

/** Browser tests use Debian's Chromium; install it when missing (CI runs as root). */
async function ensureChromium(): Promise<StageResult> {
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (existsSync(chromium)) return { name: 'chromium', passed: 1, failed: 0, skipped: 0, seconds: 0 };
  if (process.getuid?.() !== 0) {
    console.error(
      `${chromium} is missing: install it with "sudo apt-get install -y chromium" (or set CHROMIUM_PATH)`,
    );
    return { name: 'chromium', passed: 0, failed: 1, skipped: 0, seconds: 0 };
  }
  const started = Date.now();
  const update = await run('apt-get', ['update']);
  const install =
    update.code === 0
      ? await run('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], {
          DEBIAN_FRONTEND: 'noninteractive',
        })
      : update;
  const ok = install.code === 0 && existsSync(chromium);
  return {
    name: 'chromium',
    passed: ok ? 1 : 0,
    failed: ok ? 0 : 1,
    skipped: 0,
    seconds: (Date.now() - started) / 1000,
  };
}

const results: StageResult[] = [];
results.push(await commandStage('fabric-install', 'npx', ['tsx', 'network/install.ts']));
results.push(await ensureChromium());
results.push(await commandStage('typecheck', 'npm', ['run', 'typecheck']));
results.push(await commandStage('lint', 'npm', ['run', 'lint']));
results.push(await commandStage('format', 'npm', ['run', 'format:check']));
results.push(await vitestStage('unit', 'vitest.config.ts'));
results.push(await vitestStage('renderer', 'renderer/vitest.config.ts'));
results.push(await nodeTestStage('chaincode', 'chaincode'));
results.push(await vitestStage('integration', 'test/integration/vitest.config.ts'));
results.push(await playwrightStage('e2e'));

console.log('\nSuite summary:');
for (const r of results) {
  console.log(
    `  ${r.name.padEnd(16)} ${String(r.passed).padStart(4)} passed ${String(r.failed).padStart(3)} failed ${String(r.skipped).padStart(3)} skipped  ${r.seconds.toFixed(1)} s`,
  );
}
const passed = results.reduce((s, r) => s + r.passed, 0);
const failed = results.reduce((s, r) => s + r.failed, 0);
const skipped = results.reduce((s, r) => s + r.skipped, 0);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exitCode = failed === 0 ? 0 : 1;
