import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { expectAccessible, hydrated, watch } from './support';

const SCENARIO = '/scenarios/predictions-wrong-200-ok';

/** A fresh candidate per test, so the two projects and reruns never share practice state. */
async function registerCandidate(page: Page, info: TestInfo) {
  const id = `${info.project.name}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  await page.goto('/register');
  await page.getByLabel('Email').fill(`${id}@example.com`);
  await page.getByLabel('Your name').fill('Practice Candidate');
  await page.getByLabel('Password').fill('a perfectly long passphrase');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/$/);
}

const answerBox = (page: Page) => page.getByRole('textbox', { name: 'Your answer' });

/** Type an answer and make sure the server has it: autosave when hydrated, "Save draft" without JS. */
async function writeAnswer(page: Page, info: TestInfo, text: string) {
  await answerBox(page).fill(text);
  if (hydrated(info)) {
    await expect(page.locator('#answer-status')).toHaveText('All changes saved.');
  } else {
    await page.getByRole('button', { name: 'Save draft' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Draft saved.' })).toBeVisible();
  }
}

/** Score every dimension at `level` (1..4) and mark every key point `mark`. */
async function selfScore(page: Page, level: number, mark: 'Covered' | 'Partly' | 'Missed') {
  const dimensions = page.locator('fieldset.dimension-score');
  await expect(dimensions).toHaveCount(8);
  for (const fieldset of await dimensions.all()) {
    await fieldset.locator('.level-choice label').nth(level - 1).click();
  }
  for (const fieldset of await page.locator('fieldset.mark-choice').all()) {
    await fieldset.getByLabel(mark, { exact: true }).check();
  }
  await page.getByRole('button', { name: 'Save self-score and see the answer key' }).click();
}

test('a candidate practises a scenario from prompt to answer key', async ({ page, browser }, info) => {
  const w = watch(page, [422]);
  await page.goto(SCENARIO);
  await expect(page.getByRole('link', { name: 'Sign in to practise' })).toBeVisible();
  await registerCandidate(page, info);

  await page.goto(SCENARIO);
  await page.getByLabel('Time limit').selectOption('10');
  await page.getByRole('button', { name: 'Start practising' }).click();
  await expect(page).toHaveURL(/\/practice\/\d+$/);
  await expect(page.getByRole('heading', { level: 2, name: 'The prompt' })).toBeVisible();
  const timer = page.getByRole('timer');
  await expect(timer).toContainText(/Time left (10:00|9:\d\d)/);
  if (hydrated(info)) {
    const before = await timer.textContent();
    await expect(timer).not.toHaveText(before ?? '', { timeout: 3_000 });
  }
  await expect(page.getByText('What a strong answer covers')).toHaveCount(0);
  await expectAccessible(page, browser, info);

  // What was typed survives a reload (autosaved, or saved with the button without JavaScript).
  const answer =
    'This is a correctness incident, not an outage. I rolled back to the last known-good model version first, ' +
    'pinning the endpoint to the previous model version while we investigate.';
  await writeAnswer(page, info, answer);
  await page.reload();
  await expect(answerBox(page)).toHaveValue(answer);

  await page.getByRole('button', { name: 'Submit answer' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Score yourself' })).toBeVisible();
  await expect(page.locator('.your-answer')).toContainText('rolled back');

  // Saving with scores missing: the browser says which, on the spot, and keeps what was chosen.
  await page.locator('fieldset.dimension-score').first().locator('.level-choice label').nth(2).click();
  await page.getByRole('button', { name: 'Save self-score and see the answer key' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Score yourself' })).toBeVisible();
  expect(await page.locator('fieldset.dimension-score input:invalid').count()).toBe(7 * 4);
  await expect(page.locator('#score-framing-triage-3')).toBeChecked();
  await expectAccessible(page, browser, info);

  await selfScore(page, 3, 'Covered');
  await expect(page.getByRole('heading', { name: 'Your self-score' })).toBeVisible();
  await expect(page.locator('.result-summary .big-number')).toHaveText('3.00 / 4');
  await expect(page.locator('.result-summary')).toContainText('Next review of this scenario');
  // The automatic check found the rollback, beside the candidate's tick, and points at the sentence.
  const rollback = page.getByRole('row', { name: /rolling back or pinning/ });
  await expect(rollback).toContainText('Covered');
  await expect(rollback).toContainText('said in your answer');
  await rollback.getByRole('link', { name: /see the sentences? marked/ }).click();
  await expect(page.locator(':target')).toContainText('pinning the endpoint');
  await expect(page.locator('tr.disagree').first()).toContainText('Worth a look');
  await expect(page.getByText('What a strong answer covers')).toBeVisible();
  await expectAccessible(page, browser, info);
  await w.expectClean();
});

test('the history chart appears after the second scored attempt', async ({ page, browser }, info) => {
  const w = watch(page, [422]);
  await registerCandidate(page, info);
  await page.getByRole('link', { name: 'Practice', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Practice' })).toBeVisible();
  await expectAccessible(page, browser, info);

  // One click: practise next.
  await page.getByRole('button', { name: 'Practise next' }).click();
  await expect(page).toHaveURL(/\/practice\/\d+$/);
  await writeAnswer(page, info, 'Check the pods, then the node pool.');
  await page.getByRole('button', { name: 'Submit answer' }).click();
  await selfScore(page, 1, 'Missed');
  await expect(page.locator('.result-summary .big-number')).toHaveText('1.00 / 4');

  await page.getByRole('link', { name: 'History' }).click();
  await expect(page.getByText('Score 1 more attempt to see your trend')).toBeVisible();
  await expect(page.locator('figure.trend')).toHaveCount(0);

  await page.goBack();
  await page.getByRole('button', { name: 'Practise again' }).click();
  await writeAnswer(page, info, 'Quota, taints, the autoscaler, then a rollback of the node pool change.');
  await page.getByRole('button', { name: 'Submit answer' }).click();
  await selfScore(page, 3, 'Covered');

  await page.goto('/history');
  await expect(page.locator('figure.trend')).toHaveCount(9);
  await expect(page.locator('figure.trend svg[role="img"]').first()).toBeVisible();
  await expect(page.locator('figure.trend').first().locator('circle')).toHaveCount(2);
  await page.getByText('The same scores as a table').click();
  await expect(page.locator('.as-table tbody tr')).toHaveCount(2);
  await expectAccessible(page, browser, info);

  // Filtered to the scenario, the two attempts can be compared side by side.
  const firstSlug = await page.locator('#scenario option').nth(1).getAttribute('value');
  await page.getByLabel('Scenario').selectOption(firstSlug ?? '');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.getByRole('link', { name: 'Compare the latest two attempts at this scenario' }).click();
  await expect(page.locator('.compare-side')).toHaveCount(2);
  await expect(page.locator('.compare-scores')).toContainText('+2');

  const download = page.waitForEvent('download');
  await page.goto('/history');
  await page.getByRole('link', { name: 'Export attempts (CSV)' }).click();
  const csv = await download;
  expect(csv.suggestedFilename()).toBe('mlops-coach-attempts.csv');
  await w.expectClean();
});
