import { expect, test, type Browser, type Page, type TestInfo } from '@playwright/test';
import { expectAccessible, hydrated, signInAs as signIn, watch } from './support';

/** A second browser window, with JavaScript as the project has it. */
async function window(browser: Browser, info: TestInfo) {
  const context = await browser.newContext({
    baseURL: info.project.use.baseURL,
    javaScriptEnabled: hydrated(info),
  });
  return { context, page: await context.newPage() };
}

/** As interviewer1, set up a session for a guest on the first scenario; returns the join path. */
async function setUpSession(page: Page, guest: string, shadow = '') {
  await page.goto('/sessions');
  await page.getByLabel('Guest name').fill(guest);
  await page.getByLabel('Scenario 1').selectOption('predictions-wrong-200-ok');
  await page.getByLabel('Scenario 2').selectOption('gpu-pods-pending');
  if (shadow) await page.getByLabel("Shadow interviewer's email (optional)").fill(shadow);
  await page.getByRole('button', { name: 'Create session' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Session with ${guest}`);
  const join = await page.getByLabel("Candidate's join link").inputValue();
  expect(join).toMatch(/^\/join\/[0-9a-f]{64}$/);
  return join;
}

const row = (page: Page, label: RegExp) => page.locator('.checklist-row').filter({ hasText: label });

test('a reveal on the console reaches the candidate screen, which shows nothing else', async ({ page, browser }, info) => {
  const w = watch(page);
  await signIn(page, 'interviewer1@demo.example');
  const join = await setUpSession(page, `Guest ${info.project.name}`);
  await expectAccessible(page, browser, info);

  const candidate = await window(browser, info);
  await candidate.page.goto(join);
  await expect(candidate.page.getByRole('heading', { level: 1 })).toContainText('predictions');
  await expect(candidate.page.locator('#no-follow-ups')).toBeVisible();
  // The candidate's page carries no key point, answer key, rubric or notes.
  const html = await candidate.page.content();
  for (const secret of ['Replays known-good payloads', 'What a strong answer covers', 'golden-payload', 'Key points']) {
    expect(html).not.toContain(secret);
  }
  await expectAccessible(candidate.page, browser, info);

  // Tick a key point: one click without JavaScript, one key when hydrated.
  const golden = row(page, /Replays known-good payloads/);
  if (hydrated(info)) {
    await golden.getByRole('button', { name: 'Covered' }).focus();
    await page.keyboard.press('m');
  } else {
    await golden.getByRole('button', { name: 'Missed' }).click();
  }
  await expect(row(page, /Replays known-good payloads/)).toHaveAttribute('data-mark', 'missed');
  await expect(row(page, /Replays known-good payloads/).getByRole('button', { name: 'Missed' })).toHaveAttribute('aria-pressed', 'true');
  // The follow-up that probes it is suggested.
  const probe = page.locator('.console-follow-ups li').filter({ hasText: 'prove whether the bug is in the features' });
  await expect(probe).toContainText('Suggested');

  if (hydrated(info)) {
    await expect(candidate.page.locator('#live-status')).toContainText('Live');
  }
  await probe.getByRole('button', { name: 'Reveal' }).click();
  await expect(page.locator('.console-follow-ups li').filter({ hasText: 'prove whether the bug' })).toContainText('Shown to the candidate');
  if (hydrated(info)) {
    // Pushed to the candidate: no reload.
    await expect(candidate.page.locator('.revealed-follow-ups li')).toHaveCount(1, { timeout: 1_000 });
  } else {
    await candidate.page.reload();
    await expect(candidate.page.locator('.revealed-follow-ups li')).toHaveCount(1);
  }
  await expect(candidate.page.locator('.revealed-follow-ups')).toContainText('prove whether the bug is in the features');

  // Everything survives a reload of the console.
  await page.reload();
  await expect(row(page, /Replays known-good payloads/)).toHaveAttribute('data-mark', 'missed');
  await expect(page.locator('.console-follow-ups li').filter({ hasText: 'prove whether the bug' })).toContainText('Shown to the candidate');

  // Next scenario: the candidate's screen moves on.
  await page.getByRole('button', { name: /Next scenario/ }).click();
  if (!hydrated(info)) await candidate.page.reload();
  await expect(candidate.page.getByRole('heading', { level: 1 })).toContainText(/GPU|pods/i);

  // Ending the session closes the join link; a live screen says so and stops listening,
  // without a failed request.
  const screen = watch(candidate.page);
  await page.getByRole('button', { name: 'End the session' }).click();
  await expect(page.getByRole('heading', { name: /^Scorecard/ })).toBeVisible();
  if (hydrated(info)) {
    await expect(candidate.page.locator('#live-status')).toHaveText('This interview has ended. Thank you!');
  }
  await screen.expectClean();
  const ended = await candidate.page.goto(join);
  expect(ended?.status()).toBe(410);
  await expect(candidate.page.getByRole('heading', { level: 1 })).toHaveText('This has ended');
  await candidate.context.close();
  await w.expectClean();
});

test('the candidate screen reconnects by itself and catches up', async ({ page, browser }, info) => {
  test.skip(!hydrated(info), 'live updates need JavaScript; without it the screen is reloaded');
  await signIn(page, 'interviewer1@demo.example');
  const join = await setUpSession(page, 'Offline Olly');
  const candidate = await window(browser, info);
  // The connection drops: the stream answers once, then ends, as a restarting server or a lost
  // network would make it.
  const drop = (route: import('@playwright/test').Route) =>
    route.fulfill({ status: 200, contentType: 'text/event-stream', body: 'event: revision\ndata: 0\n\n' });
  await candidate.page.route('**/join/*/events', drop);
  await candidate.page.goto(join);
  await expect(candidate.page.locator('#live-status')).toContainText('Reconnecting');

  // Meanwhile the interviewer asks a question.
  const first = page.locator('.console-follow-ups li').first();
  await first.getByRole('button', { name: 'Reveal' }).click();
  await expect(first).toContainText('Shown to the candidate');

  // The network comes back: the screen reconnects by itself and catches up.
  await candidate.page.unroute('**/join/*/events', drop);
  await expect(candidate.page.locator('#live-status')).toContainText('Live', { timeout: 15_000 });
  await expect(candidate.page.locator('.revealed-follow-ups li')).toHaveCount(1);
  await candidate.context.close();
});

test('a shadow scores independently and sees no other scorecard before submitting', async ({ page, browser }, info) => {
  const w = watch(page);
  await signIn(page, 'interviewer1@demo.example');
  await setUpSession(page, `Shadowed ${info.project.name}`, 'interviewer2@demo.example');
  const consoleUrl = page.url();

  const shadow = await window(browser, info);
  await signIn(shadow.page, 'interviewer2@demo.example');
  await shadow.page.goto(consoleUrl);
  await expect(shadow.page.getByText('You are shadowing')).toBeVisible();
  await expect(shadow.page.getByRole('button', { name: 'Reveal' })).toHaveCount(0);
  await expect(shadow.page.getByLabel("Candidate's join link")).toHaveCount(0);

  await fillScorecard(page, 3, 'Yes', 'Clear triage; rolled back first.');
  await expect(page.getByText('Scorecard submitted.')).toBeVisible();
  await expect(page.locator('article.scorecard')).toHaveCount(1);

  await shadow.page.reload();
  await expect(shadow.page.locator('#hidden-scorecards')).toContainText('1 other scorecard is hidden until you submit yours');
  await expect(shadow.page.locator('article.scorecard')).toHaveCount(0);
  await fillScorecard(shadow.page, 2, 'No', 'Missed the lineage check.');
  await expect(shadow.page.locator('article.scorecard')).toHaveCount(2);

  // A submitted scorecard is final; a correction is an amendment beside it.
  await page.reload();
  await expect(page.locator('article.scorecard')).toHaveCount(2);
  await page.getByText('Amend your scorecard').click();
  await page.getByLabel('Why amend?').fill('Re-read my notes: prevention was strong.');
  await fillScorecard(page, 4, 'Strong yes', 'Excellent prevention plan.', 'Add amendment', 'amend');
  await expect(page.locator('article.scorecard.amendment')).toContainText('Re-read my notes');
  await expect(page.locator('article.scorecard')).toHaveCount(3);
  await expectAccessible(page, browser, info);
  await shadow.context.close();
  await w.expectClean();
});

async function fillScorecard(
  page: Page,
  level: number,
  recommendation: string,
  feedback: string,
  button = 'Submit scorecard',
  prefix = 'card',
) {
  const form = page.locator('form.score-form').filter({ has: page.getByRole('button', { name: button }) });
  for (const fieldset of await form.locator('fieldset.dimension-score').all()) {
    await fieldset.locator('.level-choice label').nth(level - 1).click();
  }
  for (const fieldset of await form.locator('fieldset.mark-choice').all()) {
    await fieldset.getByLabel('Covered', { exact: true }).check();
  }
  await form.getByLabel(recommendation, { exact: true }).check();
  await form.locator(`#${prefix}-level`).selectOption('senior');
  await form.locator(`#${prefix}-feedback`).fill(feedback);
  await form.getByRole('button', { name: button }).click();
}
