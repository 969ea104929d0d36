import { expect, test, type Browser, type Page, type TestInfo } from '@playwright/test';
import { expectAccessible, hydrated, signInAs as signIn, watch } from './support';

/** Another person's browser, with JavaScript as the project has it. */
async function person(browser: Browser, info: TestInfo, email: string) {
  const context = await browser.newContext({
    baseURL: info.project.use.baseURL,
    javaScriptEnabled: hydrated(info),
  });
  const page = await context.newPage();
  await signIn(page, email);
  return { context, page };
}

/** Score every dimension of the blind form at `level` and submit. */
async function score(page: Page, level: number) {
  const form = page.locator('form.score-form');
  for (const fieldset of await form.locator('fieldset.dimension-score').all()) {
    await fieldset.locator('.level-choice label').nth(level - 1).click();
  }
  await form.getByLabel('Your reasoning (optional)').fill(`Level ${level} throughout.`);
  await form.getByRole('button', { name: 'Submit my scores' }).click();
  await expect(page.getByText('Your scores are in.')).toBeVisible();
}

test('raters score blind, the lead reveals, and everyone sees the spread', async ({ page, browser }, info) => {
  const w = watch(page);
  const title = `Pending pods (${info.project.name})`;
  await signIn(page, 'lead@demo.example');
  await page.goto('/calibration');
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Scenario', { exact: true }).selectOption({ index: 1 });
  await page.getByLabel('Reference answer (Markdown)').fill(
    'First I would **check the scheduler events**, then roll back the node pool change.',
  );
  await page.locator('.expert-key select').first().selectOption('3');
  await page.getByRole('button', { name: 'Create exercise' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  await expect(page.getByText('Exercise created.')).toBeVisible();
  await expect(page.locator('.reference-answer strong')).toHaveText('check the scheduler events');
  const exerciseUrl = page.url();
  await expectAccessible(page, browser, info);

  // Ira scores first.
  const ira = await person(browser, info, 'interviewer1@demo.example');
  await ira.page.goto(exerciseUrl);
  await expect(ira.page.getByRole('heading', { name: 'Your scores (blind)' })).toBeVisible();
  await score(ira.page, 4);
  await expect(ira.page.locator('#own-scores li')).toHaveCount(8);
  await expect(ira.page.locator('#results')).toHaveCount(0);

  // Ivo has not scored: he sees that Ira has, never what she gave.
  const ivo = await person(browser, info, 'interviewer2@demo.example');
  await ivo.page.goto(exerciseUrl);
  await expect(ivo.page.locator('#progress')).toContainText('1 of 3 team members have scored');
  await expect(ivo.page.locator('.progress-list li.done')).toHaveText('Ira Interviewer: scored');
  await expect(ivo.page.locator('#results')).toHaveCount(0);
  await expect(ivo.page.locator('.strip-plot')).toHaveCount(0);
  expect(await ivo.page.content()).not.toContain('Level 4 throughout');
  await score(ivo.page, 2);

  // A submitted score is final: the form is gone, the scores are shown as submitted.
  await ivo.page.reload();
  await expect(ivo.page.locator('form.score-form')).toHaveCount(0);
  await expect(ivo.page.getByText('A submitted score cannot be changed.')).toBeVisible();

  // Only the lead can reveal.
  await expect(ira.page.getByRole('button', { name: 'Reveal the results' })).toHaveCount(0);
  await page.reload();
  await expect(page.locator('#progress')).toContainText('2 of 3 team members have scored');
  await page.getByRole('button', { name: 'Reveal the results' }).click();
  await expect(page.getByText('Results revealed to the team.')).toBeVisible();
  const results = page.locator('#results');
  await expect(results.locator('svg.strip-plot')).toHaveCount(8);
  await expect(results.locator('.agreement-summary')).toContainText("Krippendorff's alpha (ordinal)");
  const first = results.locator('.dimension-result').first();
  await expect(first).toContainText('median 3');
  await expect(first).toContainText('expert key 3');
  await expect(first.locator('tr', { hasText: 'Ira Interviewer' })).toContainText('+1.00');
  await expect(first.locator('tr', { hasText: 'Ivo Interviewer' })).toContainText('\u22121.00');
  await expect(results.locator('.rater-notes')).toContainText('Level 4 throughout.');
  await expect(page.getByRole('button', { name: 'Reveal the results' })).toHaveCount(0);
  await expectAccessible(page, browser, info);

  // The raters see it too; the one who never scored finds scoring closed.
  await ira.page.reload();
  await expect(ira.page.locator('#results .dimension-result')).toHaveCount(8);
  await page.goto('/calibration');
  await expect(page.locator('tr', { hasText: title })).toContainText('Results out');

  await ira.context.close();
  await ivo.context.close();
  await w.expectClean();
});

test('the lead’s team dashboard shows agreement, leniency and the path to qualified', async ({ page, browser }, info) => {
  const w = watch(page);
  await signIn(page, 'lead@demo.example');
  await page.goto('/calibration');
  await page.getByRole('link', { name: 'Demo hiring team dashboard' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Demo hiring team: calibration');
  // The first test revealed at least one exercise.
  await expect(page.locator('svg.agreement-trend')).toHaveCount(1);
  await expect(page.locator('.rater-trend')).toHaveCount(2);
  await expect(page.locator('table.by-dimension tbody tr')).toHaveCount(9);
  // Ira scored 4s and Ivo 2s: each is a point from the median, past the 0.5 threshold.
  await expect(page.locator('.rater-trend.drifting')).toHaveCount(2);
  await expect(page.getByRole('status').filter({ hasText: 'Drifting:' })).toContainText('Ira Interviewer, Ivo Interviewer');
  const path = page.locator('#path');
  await expect(path.locator('tr', { hasText: 'Ira Interviewer' })).toContainText('Drifting');
  await expect(path.getByRole('button', { name: 'Confirm Ira Interviewer' })).toBeDisabled();

  const csv = await page.request.get(
    (await page.getByRole('link', { name: 'Export every score (CSV)' }).getAttribute('href'))!,
  );
  expect(csv.status()).toBe(200);
  const lines = (await csv.text()).trim().split('\n');
  expect(lines[0]).toContain('exercise_id,exercise,scenario,revealed_at,rater_id,rater');
  expect(lines.length).toBeGreaterThanOrEqual(1 + 2 * 8);
  await expectAccessible(page, browser, info);

  // A rater who does not lead gets no dashboard.
  const ira = await person(browser, info, 'interviewer1@demo.example');
  const refused = await ira.page.goto(page.url());
  expect(refused?.status()).toBe(403);
  await ira.context.close();
  await w.expectClean();
});

test('hostile Markdown in a reference answer is shown harmless', async ({ page }, info) => {
  // The image's src "x" is left (a relative address): it 404s, which must not run its onerror.
  const w = watch(page, [404]);
  let dialogs = 0;
  page.on('dialog', (d) => {
    dialogs += 1;
    void d.dismiss();
  });
  await signIn(page, 'lead@demo.example');
  await page.goto('/calibration');
  await page.getByLabel('Title').fill(`Hostile (${info.project.name})`);
  await page.getByLabel('Scenario', { exact: true }).selectOption({ index: 2 });
  await page.getByLabel('Reference answer (Markdown)').fill(
    [
      'Plain **bold** survives.',
      '<script>alert("script")</script>',
      '<img src="x" onerror="alert(\'img\')">',
      '<a href="#" onclick="alert(\'click\')">raw link</a>',
      '[js link](javascript:alert("js")) [data link](data:text/html,<script>alert(1)</script>)',
      '<iframe src="https://example.com"></iframe><style>body{display:none}</style>',
    ].join('\n\n'),
  );
  await page.getByRole('button', { name: 'Create exercise' }).click();
  const answer = page.locator('.reference-answer');
  await expect(answer.locator('strong')).toHaveText('bold');
  await expect(answer.locator('script, iframe, style, img[onerror], [onclick]')).toHaveCount(0);
  for (const link of await answer.locator('a').all()) {
    const href = (await link.getAttribute('href')) ?? '';
    expect(href).not.toMatch(/^\s*(javascript|data):/i);
  }
  for (const link of await answer.locator('a').all()) await link.click({ trial: true }).catch(() => {});
  await expect(page.locator('body')).toBeVisible();
  expect(dialogs).toBe(0);
  await w.expectClean();
});
