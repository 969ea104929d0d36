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

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [['list'], ['./summary-reporter.ts']],
  webServer: {
    // The release build that `make test` has just made; Playwright stops it when the run ends.
    command: './target/release/coach serve --demo',
    cwd: '..',
    url: `${BASE_URL}/`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      COACH_ADDR: `127.0.0.1:${PORT}`,
      COACH_DATABASE_URL: `sqlite://${dataDir}/coach.db`,
      COACH_CONTENT_DIR: 'content',
      COACH_LOG: 'warn',
      LEPTOS_SITE_ROOT: 'target/site',
      LEPTOS_SITE_PKG_DIR: 'pkg',
      LEPTOS_OUTPUT_NAME: 'coach',
    },
  },
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
