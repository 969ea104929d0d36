import { defineConfig } from '@playwright/test';
import base from './playwright.config';

// Two instances of the app on one PostgreSQL database, as behind a load balancer. `make test`
// runs this under scripts/with_postgres.py, which starts a throwaway server and names it in
// COACH_TEST_POSTGRES. Both instances start at once: migrations, content sync and demo
// seeding must come out right with two of them racing.
const DATABASE = process.env.COACH_TEST_POSTGRES;
if (!DATABASE) {
  throw new Error('COACH_TEST_POSTGRES is not set: run through scripts/with_postgres.py (make test does)');
}
export const PORT_A = Number(process.env.E2E_PORT_A ?? 3931);
export const PORT_B = Number(process.env.E2E_PORT_B ?? 3932);

const instance = (port: number) => ({
  command: './target/release/coach serve --demo-accounts',
  cwd: '..',
  url: `http://127.0.0.1:${port}/readyz`,
  reuseExistingServer: false,
  timeout: 60_000,
  stdout: 'ignore' as const,
  stderr: 'pipe' as const,
  env: {
    COACH_ADDR: `127.0.0.1:${port}`,
    COACH_DATABASE_URL: DATABASE,
    COACH_CONTENT_DIR: 'content',
    COACH_LOG: 'warn',
    LEPTOS_SITE_ROOT: 'target/site',
    LEPTOS_SITE_PKG_DIR: 'pkg',
    LEPTOS_OUTPUT_NAME: 'coach',
  },
});

export default defineConfig({
  ...base,
  testDir: './instances',
  webServer: [instance(PORT_A), instance(PORT_B)],
  use: { ...base.use, baseURL: `http://127.0.0.1:${PORT_A}` },
});
