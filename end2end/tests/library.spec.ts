import { expect, test } from '@playwright/test';
import { expectAccessible, watch } from './support';

test('the home page introduces the library and links to every topic', async ({ page, browser }, info) => {
  const w = watch(page);
  const response = await page.goto('/');
  expect(response?.status()).toBe(200);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Practise MLOps incident interviews');
  await expect(page.locator('#library-size')).toHaveText('50 scenarios and 8 answer frameworks.');
  await expect(page.locator('.topic-grid li')).toHaveCount(6);
  await expectAccessible(page, browser, info);
  await w.expectClean();
});

test('the library lists all 50 scenarios and filters by topic and level', async ({ page, browser }, info) => {
  const w = watch(page);
  await page.goto('/scenarios');
  await expect(page.locator('#scenario-list > li')).toHaveCount(50);
  await expect(page.locator('#result-count')).toHaveText('50 scenarios');

  await page.getByLabel('Topic', { exact: true }).selectOption('llmops');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/topic=llmops/);
  await expect(page.locator('#result-count')).toHaveText('14 of 50 scenarios');
  await expect(page.locator('#scenario-list > li')).toHaveCount(14);
  await expect(page.getByLabel('Topic', { exact: true })).toHaveValue('llmops');

  await page.getByLabel('Topic', { exact: true }).selectOption('');
  await page.getByLabel('Level', { exact: true }).selectOption('staff');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.locator('#scenario-list > li')).toHaveCount(10);
  await expect(page.locator('#scenario-list .level')).toHaveText(Array(10).fill(/Staff/));

  await page.getByRole('link', { name: 'Clear' }).click();
  await expect(page.locator('#scenario-list > li')).toHaveCount(50);
  await expectAccessible(page, browser, info);
  await w.expectClean();
});

test('searching finds scenarios by words in their answer keys and marks them', async ({ page }) => {
  const w = watch(page);
  await page.goto('/scenarios');
  await page.getByLabel('Search', { exact: true }).fill('taints');
  await page.getByLabel('Search', { exact: true }).press('Enter');
  await expect(page).toHaveURL(/q=taints/);
  await expect(page.locator('#scenario-list > li').first()).toContainText('GPU');
  await expect(page.locator('#scenario-list mark').first()).toHaveText(/taint/i);
  await w.expectClean();
});

test('a search that cannot run says why and keeps what was typed', async ({ page, browser }, info) => {
  const w = watch(page, [422]);
  await page.goto('/scenarios');
  await page.getByLabel('Search', { exact: true }).fill('"*(');
  await page.getByLabel('Search', { exact: true }).press('Enter');
  await expect(page.locator('#q-error')).toHaveText('Type at least one letter or digit to search.');
  await expect(page.getByLabel('Search', { exact: true })).toHaveValue('"*(');
  await expect(page.getByLabel('Search', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await expectAccessible(page, browser, info);

  const long = 'latency '.repeat(30);
  await page.getByLabel('Search', { exact: true }).fill(long);
  await page.getByLabel('Search', { exact: true }).press('Enter');
  await expect(page.locator('#q-error')).toContainText('Search is limited to 200 characters');
  await expect(page.getByLabel('Search', { exact: true })).toHaveValue(long);
  await w.expectClean();
});

test('a scenario shows the prompt first and opens its answer key part by part', async ({ page, browser }, info) => {
  const w = watch(page);
  await page.goto('/scenarios');
  await page.getByRole('link', { name: /Registry says production/ }).click();
  await expect(page).toHaveURL(/\/scenarios\/registry-deployment-drift$/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Registry says production');
  await expect(page.locator('.prompt')).toBeVisible();

  const parts = page.locator('#answer-key details');
  await expect(parts).toHaveCount(8);
  const mitigations = page.locator('#part-mitigations');
  await expect(mitigations.locator('.prose')).toBeHidden();
  await mitigations.locator('summary').click();
  await expect(mitigations.locator('.prose')).toBeVisible();
  await expect(page.locator('#follow-ups > li').first()).toBeVisible();

  // "Open all parts" is a link (the page ships no wasm): it opens every part, and back.
  await page.getByRole('link', { name: 'Open all parts' }).click();
  await expect(page).toHaveURL(/\?open=all#answer-key$/);
  for (const d of await parts.all()) await expect(d).toHaveAttribute('open', '');
  await page.getByRole('link', { name: 'Close all parts' }).click();
  await expect(page).toHaveURL(/registry-deployment-drift#answer-key$/);
  await expect(mitigations.locator('.prose')).toBeHidden();
  await expectAccessible(page, browser, info);
  await w.expectClean();
});

test('the frameworks are listed and each one reads as a page', async ({ page, browser }, info) => {
  const w = watch(page);
  await page.goto('/frameworks');
  await expect(page.locator('.framework-list > li')).toHaveCount(8);
  await expectAccessible(page, browser, info);
  await page.getByRole('link', { name: /first five minutes/i }).first().click();
  await expect(page).toHaveURL(/\/frameworks\/first-five-minutes$/);
  await expect(page.getByRole('navigation', { name: 'All frameworks' }).locator('[aria-current="page"]')).toHaveCount(1);
  await expectAccessible(page, browser, info);
  await w.expectClean();
});

test('the rubric shows all eight dimensions with a description for every score', async ({ page, browser }, info) => {
  const w = watch(page);
  await page.goto('/rubric');
  await expect(page.locator('section.dimension')).toHaveCount(8);
  await expect(page.locator('section.dimension').first().locator('tbody tr')).toHaveCount(4);
  await expect(page.locator('.recommendations dt')).toHaveText(['Strong no', 'No', 'Yes', 'Strong yes']);
  // How the scores combine, with the bar of each target level.
  await expect(page.locator('table.bars tbody tr')).toHaveCount(3);
  await expectAccessible(page, browser, info);
  await w.expectClean();
});

test('unknown addresses get a 404 page that leads back into the app', async ({ page, browser }, info) => {
  const w = watch(page, [404]);
  for (const path of ['/no-such-page', '/scenarios/no-such-scenario']) {
    const response = await page.goto(path);
    expect(response?.status()).toBe(404);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page not found');
    await expect(page).toHaveTitle(/Page not found/);
  }
  await expectAccessible(page, browser, info);
  await page.getByRole('link', { name: 'Browse the scenario library' }).click();
  await expect(page.locator('#scenario-list > li')).toHaveCount(50);
  await w.expectClean();
});

test('the keyboard reaches a skip link first and focus is visible', async ({ page }) => {
  await page.goto('/scenarios');
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to content' });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await expect(skip).toHaveCSS('outline-style', 'solid');
});

test('pages follow the dark colour scheme and fit a phone screen', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto('/scenarios/rag-hallucinations');
  await expect(page.locator('body')).toHaveCSS('background-color', 'rgb(15, 20, 27)');
  const box = await page.locator('main').boundingBox();
  expect(box!.width).toBeLessThanOrEqual(360);
  const filters = await page.goto('/scenarios');
  expect(filters?.status()).toBe(200);
  const form = await page.locator('form.filters').boundingBox();
  expect(form!.x + form!.width).toBeLessThanOrEqual(360);
});
