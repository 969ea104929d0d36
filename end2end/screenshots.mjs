// The phone screenshots in docs/screenshots/: `make screenshots` (after `make build`).
// Starts `coach serve --demo` on a fresh database in a temporary folder and a free port, signs
// in as the demo accounts in Debian's Chromium at 390 x 844 (an ordinary phone), photographs
// each page in light or dark, and stops the server it started (by its PID).
import { chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const out = join(root, 'docs', 'screenshots');
mkdirSync(out, { recursive: true });

const port = await new Promise((done) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address();
    s.close(() => done(port));
  });
});
const base = `http://127.0.0.1:${port}`;
const data = mkdtempSync(join(tmpdir(), 'coach-shots-'));
const server = spawn(join(root, 'target/release/coach'), ['serve', '--demo'], {
  cwd: root,
  stdio: ['ignore', 'ignore', 'inherit'],
  env: {
    ...process.env,
    COACH_ADDR: `127.0.0.1:${port}`,
    COACH_DATABASE_URL: `sqlite://${data}/coach.db`,
    COACH_LOG: 'warn',
    LEPTOS_SITE_ROOT: 'target/site',
  },
});

async function ready() {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${base}/`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the server did not start within 30 s');
}

// [file, account (or none), path, colour scheme, what to do before the photograph]
const shots = [
  ['home-light', null, '/', 'light'],
  ['scenario-dark', null, '/scenarios/predictions-wrong-200-ok', 'dark'],
  ['menu-open-dark', 'candidate1@demo.example', '/practice', 'dark', (p) => p.locator('.phone-menu summary').click()],
  ['practice-light', 'candidate1@demo.example', '/practice', 'light'],
  ['history-dark', 'candidate1@demo.example', '/history', 'dark'],
  ['history-table-light', 'candidate1@demo.example', '/history#attempts-heading', 'light'],
  ['console-light', 'interviewer1@demo.example', null, 'light'],
  ['calibration-dark', 'lead@demo.example', null, 'dark'],
];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  await ready();
  const contexts = new Map();
  for (const [file, account, path, scheme, before] of shots) {
    const key = `${account}:${scheme}`;
    if (!contexts.has(key)) {
      const context = await browser.newContext({
        viewport: { width: 390, height: 844 },
        deviceScaleFactor: 1,
        colorScheme: scheme,
        baseURL: base,
      });
      if (account) {
        const page = await context.newPage();
        await page.goto('/sign-in');
        await page.getByLabel('Email').fill(account);
        await page.getByLabel('Password').fill('practise-mlops');
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.waitForURL(`${base}/`);
        await page.close();
      }
      contexts.set(key, context);
    }
    const page = await contexts.get(key).newPage();
    let target = path;
    if (file.startsWith('console')) {
      await page.goto('/sessions');
      target = await page.locator('table a[href^="/sessions/"]').first().getAttribute('href');
    } else if (file.startsWith('calibration')) {
      await page.goto('/calibration');
      target = await page.getByRole('link', { name: 'Demo hiring team dashboard' }).getAttribute('href');
    }
    await page.goto(target);
    await page.waitForLoadState('networkidle');
    if (before) await before(page);
    await page.screenshot({ path: join(out, `phone-${file}.png`) });
    await page.close();
    console.log(`docs/screenshots/phone-${file}.png`);
  }
} finally {
  await browser.close();
  server.kill('SIGTERM');
  rmSync(data, { recursive: true, force: true });
}
