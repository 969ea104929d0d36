import { expect, test, type Page } from '@playwright/test';
import { hydrated, watch } from '../tests/support';

// Two app instances on different ports, one PostgreSQL database (playwright.instances.config.ts).
const A = `http://127.0.0.1:${process.env.E2E_PORT_A ?? 3931}`;
const B = `http://127.0.0.1:${process.env.E2E_PORT_B ?? 3932}`;

async function signInOn(page: Page, origin: string, email: string) {
  await page.goto(`${origin}/sign-in`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('practise-mlops');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(`${origin}/`);
}

test('a sign-in on one instance holds on the other, and so does signing out', async ({ browser }, info) => {
  // A fresh window per project: the cookie is the only thing the two instances share.
  const context = await browser.newContext({ javaScriptEnabled: hydrated(info) });
  const page = await context.newPage();
  const w = watch(page);
  await signInOn(page, A, 'candidate2@demo.example');
  await page.goto(`${B}/`);
  await expect(page.locator('.account-menu')).toContainText('Cleo Candidate');
  await page.goto(`${B}/history`);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page).toHaveURL(`${B}/history`);

  // Signed out on B: the session is gone on A too.
  await page.locator('.account-menu').getByRole('button', { name: 'Sign out' }).click();
  await expect(page.locator('.account-menu').getByRole('link', { name: 'Sign in' })).toBeVisible();
  // Signed out there too: A sends the account page to sign-in.
  await page.goto(`${A}/account`);
  await expect(page).toHaveURL(`${A}/sign-in?next=/account`);
  await w.expectClean();
  await context.close();
});

test('the interviewer acts on one instance and the candidate on the other sees it', async ({ browser }, info) => {
  const interviewer = await browser.newContext({ javaScriptEnabled: hydrated(info) });
  const page = await interviewer.newPage();
  const w = watch(page);
  // Signed in on A, working on B.
  await signInOn(page, A, 'interviewer1@demo.example');
  await page.goto(`${B}/sessions`);
  const guest = `Two-instance ${info.project.name}`;
  await page.getByLabel('Guest name').fill(guest);
  await page.getByLabel('Scenario 1').selectOption('predictions-wrong-200-ok');
  await page.getByRole('button', { name: 'Create session' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Session with ${guest}`);
  const join = await page.getByLabel("Candidate's join link").inputValue();

  // The candidate's screen is served by A.
  const candidate = await browser.newContext({ javaScriptEnabled: hydrated(info) });
  const screen = await candidate.newPage();
  await screen.goto(`${A}${join}`);
  await expect(screen.getByRole('heading', { level: 1 })).toContainText('predictions');
  await expect(screen.locator('#no-follow-ups')).toBeVisible();
  if (hydrated(info)) {
    await expect(screen.locator('#live-status')).toContainText('Live');
  }

  // Revealed on B's console...
  const probe = page.locator('.console-follow-ups li').filter({ hasText: 'prove whether the bug is in the features' });
  await probe.getByRole('button', { name: 'Reveal' }).click();
  await expect(probe).toContainText('Shown to the candidate');
  // ...shown on A's screen: pushed within a second when hydrated (LISTEN/NOTIFY between the
  // instances), on the next load without JavaScript.
  if (hydrated(info)) {
    await expect(screen.locator('.revealed-follow-ups li')).toHaveCount(1, { timeout: 1_000 });
  } else {
    await screen.reload();
    await expect(screen.locator('.revealed-follow-ups li')).toHaveCount(1);
  }
  await expect(screen.locator('.revealed-follow-ups')).toContainText('prove whether the bug is in the features');
  await w.expectClean();
  await interviewer.close();
  await candidate.close();
});
