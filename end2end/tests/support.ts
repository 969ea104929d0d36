import { expect, type Browser, type Page, type TestInfo } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

export const hydrated = (info: TestInfo) => info.project.name === 'hydrated';

/** Collects page errors and failed requests, so a test can assert the page was clean. */
export function watch(page: Page, allowStatus: number[] = []) {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) {
      problems.push(`console: ${m.text()}`);
    }
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && !allowStatus.includes(r.status())) {
      problems.push(`${r.status()} ${r.url()}`);
    }
  });
  return {
    problems,
    async expectClean() {
      await page.waitForLoadState('networkidle');
      expect(problems, 'page errors and failed requests').toEqual([]);
    },
  };
}

/**
 * Accessibility audit with axe-core, zero violations allowed. axe needs JavaScript, so the
 * server-rendered page is audited in a context with JavaScript on but the wasm blocked; the
 * hydrated page is audited as it is.
 */
export async function expectAccessible(page: Page, browser: Browser, info: TestInfo) {
  if (hydrated(info)) {
    const results = await new AxeBuilder({ page }).analyze();
    expect(results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`)).toEqual([]);
    return;
  }
  const context = await browser.newContext({ javaScriptEnabled: true });
  try {
    const ssr = await context.newPage();
    await ssr.route('**/pkg/**', (route) => route.abort());
    await ssr.goto(page.url());
    const results = await new AxeBuilder({ page: ssr }).analyze();
    expect(results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`)).toEqual([]);
  } finally {
    await context.close();
  }
}

const DEMO_PASSWORD = 'practise-mlops';
const sessionCookies = new Map<string, { name: string; value: string; url: string }>();

/**
 * Sign in as a demo account. The first time through the sign-in form; after that the session
 * cookie from then is reused, because the per-account limit (5 sign-ins, then one a minute)
 * would otherwise refuse a run that signs the same demo account in a dozen times.
 */
export async function signInAs(page: Page, email: string) {
  const cached = sessionCookies.get(email);
  if (cached) {
    await page.context().addCookies([cached]);
    await page.goto('/');
    if ((await page.locator('.account-menu').getByRole('button', { name: 'Sign out' }).count()) > 0) return;
    sessionCookies.delete(email);
  }
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/$/);
  const cookie = (await page.context().cookies()).find((c) => c.name === 'coach_session');
  if (cookie) sessionCookies.set(email, { name: cookie.name, value: cookie.value, url: new URL(page.url()).origin });
}
