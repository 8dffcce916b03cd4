// `npm run bench -- ui`: the console in Debian's Chromium over the headless transport, on a real
// sandbox network: time to first contentful paint, time to an interactive Overview (every peer's
// height shown and agreeing), and API round-trip latency (p50/p95) for a live status query and an
// in-memory log read.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { build } from 'vite';
import { startHeadlessServer } from '../../electron/server/headless-server';
import { ConsoleServices } from '../../electron/services/console';
import { NetworkRuntime } from '../../electron/services/runtime/network-runtime';
import { percentile, startBenchNetwork } from './support';

export interface UiBenchResult {
  loads: number;
  firstContentfulPaintMs: { p50: number; p95: number };
  interactiveOverviewMs: { p50: number; p95: number };
  apiRoundTripMs: Record<string, { calls: number; p50: number; p95: number }>;
}

const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');
const RENDERER_DIST = path.join(REPO_ROOT, 'dist', 'renderer');

function summary(values: number[]): { p50: number; p95: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const round = (n: number): number => Math.round(n * 10) / 10;
  return { p50: round(percentile(sorted, 50)), p95: round(percentile(sorted, 95)) };
}

export async function runUiBench(
  options: { loads: number; apiCalls: number },
  log: (line: string) => void,
): Promise<UiBenchResult> {
  if (!existsSync(path.join(RENDERER_DIST, 'index.html'))) {
    log('building the renderer');
    await build({ configFile: path.join(REPO_ROOT, 'vite.config.ts'), logLevel: 'warn' });
  }
  const network = await startBenchNetwork();
  const services = new ConsoleServices({
    runtime: network.runtime,
    openRuntime: (dir, profile) =>
      new NetworkRuntime({ profile, stateDir: dir, fabric: network.runtime.fabric }),
  });
  const server = await startHeadlessServer({
    controller: services.controller,
    services,
    staticDir: RENDERER_DIST,
  });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    const peers = network.runtime.topology.peers.length;
    const paints: number[] = [];
    const interactive: number[] = [];
    for (let i = 0; i < options.loads; i++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      const started = Date.now();
      await page.goto(server.createLoginUrl());
      await page
        .getByTestId('heights-summary')
        .and(page.locator('[data-agree="true"]'))
        .waitFor({ timeout: 60_000 });
      await page
        .getByTestId('peer-height-row')
        .nth(peers - 1)
        .waitFor({ timeout: 60_000 });
      interactive.push(Date.now() - started);
      const fcp = await page.evaluate(
        () => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN,
      );
      paints.push(fcp);
      await context.close();
    }
    log(`${options.loads} loads measured; API round trips`);

    const call = async (channel: string, args: unknown): Promise<number> => {
      const t0 = performance.now();
      const response = await fetch(`${server.url}/api/${channel}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${server.token}` },
        body: JSON.stringify(args),
      });
      await response.json();
      if (!response.ok) throw new Error(`${channel}: HTTP ${response.status}`);
      return performance.now() - t0;
    };
    const apiRoundTripMs: UiBenchResult['apiRoundTripMs'] = {};
    const peerId = network.runtime.topology.peers[0]?.id ?? '';
    for (const [channel, args] of [
      ['network:status', {}],
      ['node:logs', { nodeId: peerId, limit: 200 }],
    ] as const) {
      const samples: number[] = [];
      for (let i = 0; i < options.apiCalls; i++) samples.push(await call(channel, args));
      apiRoundTripMs[channel] = { calls: samples.length, ...summary(samples) };
    }
    return {
      loads: options.loads,
      firstContentfulPaintMs: summary(paints),
      interactiveOverviewMs: summary(interactive),
      apiRoundTripMs,
    };
  } finally {
    await browser.close();
    await server.close();
    await network.dispose();
  }
}
