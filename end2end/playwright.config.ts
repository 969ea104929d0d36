import { defineConfig } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Debian's Chromium (apt-get install chromium). Never `npx playwright install`: it downloads a
// browser build, which this network blocks.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const PORT = Number(process.env.E2E_PORT ?? 3917);
const BASE_URL = `http://127.0.0.1:${PORT}`;

// Every run serves a fresh database in a new temporary folder. (Worker processes load this file
// too and make folders of their own, which stay empty: only the main process starts the server.)
const dataDir = mkdtempSync(join(tmpdir(), 'coach-e2e-'));
const demoDir = mkdtempSync(join(tmpdir(), 'coach-e2e-demo-'));
const DEMO_PORT = Number(process.env.E2E_DEMO_PORT ?? 3918);

function serverEnv(port: number, dir: string) {
  return {
    COACH_ADDR: `127.0.0.1:${port}`,
    COACH_DATABASE_URL: `sqlite://${dir}/coach.db`,
    COACH_CONTENT_DIR: 'content',
    COACH_LOG: 'warn',
    LEPTOS_SITE_ROOT: 'target/site',
    LEPTOS_SITE_PKG_DIR: 'pkg',
    LEPTOS_OUTPUT_NAME: 'coach',
  };
}

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [['list'], ['./summary-reporter.ts']],
  webServer: [
    {
      // The release build that `make test` has just made; Playwright stops it when the run
      // ends. The demo accounts and team only: what the tests create is all there is.
      command: './target/release/coach serve --demo-accounts',
      cwd: '..',
      url: `${BASE_URL}/`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'ignore',
      stderr: 'pipe',
      env: serverEnv(PORT, dataDir),
    },
    {
      // The lived-in demo of `make run` (`--demo`), on a database of its own: tests/demo.spec.ts.
      command: './target/release/coach serve --demo',
      cwd: '..',
      url: `http://127.0.0.1:${DEMO_PORT}/`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'ignore',
      stderr: 'pipe',
      env: serverEnv(DEMO_PORT, demoDir),
    },
  ],
  use: {
    baseURL: BASE_URL,
    headless: true,
    trace: 'off',
    launchOptions: {
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  // Every test runs twice: as a browser without JavaScript sees the app, and hydrated.
  projects: [
    { name: 'no-js', use: { javaScriptEnabled: false } },
    { name: 'hydrated', use: { javaScriptEnabled: true } },
  ],
});
