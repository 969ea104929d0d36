import { expect, test, type Page } from '@playwright/test';
import { expectAccessible, watch } from './support';

// The server under test runs with --demo: these accounts exist (README lists them).
const DEMO_PASSWORD = 'practise-mlops';
const ADMIN = 'admin@demo.example';
const CANDIDATE = 'candidate1@demo.example';

const unique = (info: { project: { name: string } }) =>
  `${info.project.name}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;

async function signIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

const accountMenu = (page: Page) => page.getByRole('list', { name: 'Account' });

test('a visitor registers and is signed in as a candidate', async ({ page, browser }, info) => {
  const w = watch(page);
  const email = `${unique(info)}@example.com`;
  await page.goto('/register');
  await expectAccessible(page, browser, info);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Your name').fill('Grace Hopper');
  await page.getByLabel('Password').fill('a perfectly long passphrase');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(accountMenu(page).getByRole('link', { name: 'Grace Hopper' })).toBeVisible();
  await page.getByRole('link', { name: 'Grace Hopper' }).click();
  await expect(page.locator('.facts')).toContainText('Candidate');
  await expect(page.locator('.facts')).toContainText(email);
  await expectAccessible(page, browser, info);
  await w.expectClean();
});

test('a refused registration says what is wrong and keeps what was typed', async ({ page, browser }, info) => {
  const w = watch(page, [422]);
  await page.goto('/register');
  await page.getByLabel('Email').fill('not-an-email@x');
  await page.getByLabel('Your name').fill('Grace Hopper');
  await page.getByLabel('Password').fill('short');
  // The browser accepts "a@x" as an email; the server wants a dotted domain and says so.
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.locator('#email-error')).toContainText('Enter an email address');
  await expect(page.locator('#password-error')).toHaveText('Use at least 8 characters.');
  await expect(page.getByLabel('Email')).toHaveValue('not-an-email@x');
  await expect(page.getByLabel('Your name')).toHaveValue('Grace Hopper');
  await expect(page.getByLabel('Password')).toHaveValue('');
  await expectAccessible(page, browser, info);
  await w.expectClean();
});

test('a wrong password is refused, the right one signs in, and signing out signs out', async ({ page }, info) => {
  const w = watch(page, [401, 422]);
  const email = `${unique(info)}@example.com`;
  await page.goto('/register');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Your name').fill('Alan Turing');
  await page.getByLabel('Password').fill('the right passphrase');
  await page.getByRole('button', { name: 'Create account' }).click();
  await accountMenu(page).getByRole('button', { name: 'Sign out' }).click();
  await expect(accountMenu(page).getByRole('link', { name: 'Sign in' })).toBeVisible();

  await signIn(page, email, 'the wrong passphrase');
  await expect(page.locator('#password-error')).toHaveText('Email or password is incorrect.');
  await expect(page.getByLabel('Email')).toHaveValue(email);

  await signIn(page, email, 'the right passphrase');
  await expect(page).toHaveURL(/\/$/);
  await expect(accountMenu(page).getByRole('link', { name: 'Alan Turing' })).toBeVisible();
  await accountMenu(page).getByRole('button', { name: 'Sign out' }).click();
  await expect(accountMenu(page).getByRole('link', { name: 'Sign in' })).toBeVisible();
  // A signed-in page while signed out: the sign-in page, then back where the person was going.
  await page.goto('/history?topic=serving');
  await expect(page).toHaveURL(/\/sign-in\?next=\/history%3Ftopic%3Dserving$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('the right passphrase');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/history\?topic=serving$/);
  await expect(accountMenu(page).getByRole('link', { name: 'Alan Turing' })).toBeVisible();
  // Only paths of this site are followed.
  await accountMenu(page).getByRole('button', { name: 'Sign out' }).click();
  await page.goto('/sign-in?next=//evil.example/');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('the right passphrase');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/127\.0\.0\.1:\d+\/$/);
  await w.expectClean();
});

test('an admin creates a team and adds a member', async ({ page, browser }, info) => {
  const w = watch(page);
  await signIn(page, ADMIN);
  await accountMenu(page).getByRole('link', { name: 'Admin', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('People and teams');
  await expect(page.locator('table.users tbody tr')).not.toHaveCount(0);
  await expectAccessible(page, browser, info);

  const team = `Platform ${unique(info)}`;
  await page.getByLabel('New team').fill(team);
  await page.getByRole('button', { name: 'Create team' }).click();
  await expect(page.getByRole('status')).toHaveText('Saved the team.');
  const card = page.locator('article.team', { has: page.getByRole('heading', { name: team }) });
  await expect(card).toContainText('No members yet.');
  await card.getByLabel('Add member by email').fill(CANDIDATE);
  await card.getByRole('button', { name: `Add to ${team}` }).click();
  const updated = page.locator('article.team', { has: page.getByRole('heading', { name: team }) });
  await expect(updated.locator('.members li')).toHaveCount(1);
  await expect(updated.locator('.members li')).toContainText('Cam Candidate');
  await w.expectClean();
});

test('a candidate is refused the admin pages and sees no admin link', async ({ page, browser }, info) => {
  const w = watch(page, [401, 403]);
  await page.goto('/admin');
  await expect(page).toHaveURL(/\/sign-in\?next=\/admin$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in');

  await signIn(page, CANDIDATE);
  await expect(accountMenu(page).getByRole('link', { name: 'Cam Candidate' })).toBeVisible();
  await expect(accountMenu(page).getByRole('link', { name: 'Admin', exact: true })).toHaveCount(0);
  const refused = await page.goto('/admin');
  expect(refused?.status()).toBe(403);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Not allowed');
  await expect(page.locator('table.users')).toHaveCount(0);
  await expectAccessible(page, browser, info);
  await w.expectClean();
});
