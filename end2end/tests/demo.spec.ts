import { expect, test, type Page } from '@playwright/test';
import { watch } from './support';

// A second server, started by playwright.config.ts with `coach serve --demo` on its own fresh
// database: the lived-in demo a newcomer meets after `make run`. (The other tests use a server
// with the demo accounts only, so what they create is all there is.)
test.use({ baseURL: `http://127.0.0.1:${Number(process.env.E2E_DEMO_PORT ?? 3918)}` });

async function signIn(page: Page, email: string) {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('practise-mlops');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/$/);
}

/** No page scrolls sideways: the document is no wider than the window. */
async function expectNoSidewaysScroll(page: Page, path: string) {
  const response = await page.goto(path);
  expect(response?.status(), path).toBeLessThan(400);
  const { scroll, width } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    width: window.innerWidth,
  }));
  expect(scroll, `${path} is ${scroll} px wide in a ${width} px window`).toBeLessThanOrEqual(width);
}

test('the candidate sees ten weeks of practice: trends, a review due, interviewer scores beside his own', async ({ page }) => {
  const w = watch(page);
  await signIn(page, 'candidate1@demo.example');
  await page.goto('/history');
  await expect(page.locator('#score-trends svg').first()).toBeVisible();
  await expect(page.getByText(/more attempts? to see your trend/)).toHaveCount(0);
  const attempts = page.locator('section[aria-labelledby="attempts-heading"] table tbody tr');
  expect(await attempts.count()).toBeGreaterThanOrEqual(25);
  await page.goto('/practice');
  await expect(page.locator('.due-list li').first()).toBeVisible();
  await w.expectClean();
});

test('the lead sees team agreement, a drifting rater and a qualified interviewer', async ({ page }) => {
  const w = watch(page);
  await signIn(page, 'lead@demo.example');
  await page.goto('/calibration');
  await page.getByRole('link', { name: 'Demo hiring team dashboard' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Demo hiring team: calibration');
  await expect(page.locator('svg.agreement-trend')).toHaveCount(1);
  await expect(page.locator('.rater-trend')).toHaveCount(4);
  await expect(page.getByRole('status').filter({ hasText: 'Drifting:' })).toContainText('Ivo Interviewer');
  // Alpha is a number on every dimension, not "not defined".
  const rows = page.locator('table.by-dimension tbody tr');
  await expect(rows).toHaveCount(9);
  for (const row of await rows.all()) {
    await expect(row.locator('td').first()).toHaveText(/^[−-]?\d\.\d+$/);
  }
  // Qualified: confirmed by the lead, with the date and a way to withdraw it.
  await expect(page.locator('#path tr', { hasText: 'Ira Interviewer' })).toContainText(/Since \d+ \w+ \d{4}/);
  await w.expectClean();
});

test('the interviewer has finished mock interviews and an exercise still to score', async ({ page }) => {
  const w = watch(page);
  await signIn(page, 'interviewer3@demo.example');
  await page.goto('/calibration');
  await expect(page.locator('tr', { hasText: 'Calibration 7' })).toBeVisible();
  await signIn(page, 'interviewer1@demo.example');
  await page.goto('/sessions');
  expect(await page.locator('section[aria-labelledby="list-heading"] table tbody tr').count()).toBeGreaterThanOrEqual(5);
  await w.expectClean();
});

test('no page scrolls sideways on a 360 px phone', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  for (const path of ['/', '/scenarios', '/scenarios/predictions-wrong-200-ok?open=all', '/frameworks', '/rubric', '/sign-in', '/register']) {
    await expectNoSidewaysScroll(page, path);
  }
  await signIn(page, 'candidate1@demo.example');
  for (const path of ['/practice', '/history', '/account']) {
    await expectNoSidewaysScroll(page, path);
  }
  // An answer key with the assessor's reading: the widest practice page.
  await page.goto('/history');
  const attempt = await page.locator('table tbody tr a[href^="/practice/"]').first().getAttribute('href');
  await expectNoSidewaysScroll(page, attempt!);
  await signIn(page, 'interviewer1@demo.example');
  await page.goto('/sessions');
  const session = await page.locator('table a[href^="/sessions/"]').first().getAttribute('href');
  for (const path of ['/sessions', session!]) {
    await expectNoSidewaysScroll(page, path);
  }
  await signIn(page, 'lead@demo.example');
  for (const path of ['/calibration', '/author']) {
    await expectNoSidewaysScroll(page, path);
  }
  await page.goto('/calibration');
  const dashboard = await page.getByRole('link', { name: 'Demo hiring team dashboard' }).getAttribute('href');
  const exercise = await page.locator('a[href^="/calibration/"]').filter({ hasText: 'Calibration 1' }).getAttribute('href');
  await expectNoSidewaysScroll(page, dashboard!);
  await expectNoSidewaysScroll(page, exercise!);
  await expectNoSidewaysScroll(page, '/author/edit?slug=feature-backfill-stalls');
  await signIn(page, 'admin@demo.example');
  await expectNoSidewaysScroll(page, '/admin');
  // The signed-in header is one row: the brand beside the Menu button (at 390 px the brand
  // fits on one line; at 360 px it may take two, still beside the button).
  const brand = (await page.locator('.brand').boundingBox())!;
  const menu = (await page.locator('.phone-menu summary').boundingBox())!;
  expect(menu.y).toBeLessThan(brand.y + brand.height);
  expect(menu.x).toBeGreaterThan(brand.x + brand.width - 1);
  await page.setViewportSize({ width: 390, height: 844 });
  expect((await page.locator('.site-header').boundingBox())!.height).toBeLessThan(80);
  await page.locator('.phone-menu summary').click();
  await expect(page.getByRole('navigation', { name: 'Site menu' }).getByRole('link', { name: 'Admin', exact: true })).toBeVisible();
});
