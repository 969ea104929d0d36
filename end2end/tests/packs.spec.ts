import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectAccessible, signInAs, watch } from './support';

/** A built-in scenario file, renamed: a valid team scenario in the content format. */
function scenarioFile(slug: string, title: string): string {
  const text = readFileSync(join(__dirname, '..', '..', 'content', 'scenarios', '01-predictions-wrong-200-ok.md'), 'utf8');
  return text.replace(/^slug = ".*"$/m, `slug = "${slug}"`).replace(/^title = ".*"$/m, `title = "${title}"`);
}

const md = (name: string, text: string) => ({ name, mimeType: 'text/markdown', buffer: Buffer.from(text) });

test('a pack with problems is refused whole, every problem named by file and field', async ({ page, browser }, info) => {
  const w = watch(page, [404]);
  const good = `pack-good-${info.project.name}`;
  await signInAs(page, 'lead@demo.example');
  await page.goto('/author');
  await page.getByRole('link', { name: 'Export or import a content pack' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Content packs');
  await expectAccessible(page, browser, info);
  const broken = scenarioFile(`pack-broken-${info.project.name}`, 'x').replace('## Metrics', '## Numbers');
  await page.getByLabel('Into team').selectOption({ label: 'Demo hiring team' });
  await page.getByLabel('Pack or scenario files').setInputFiles([
    md('good.md', scenarioFile(good, `A good drill (${info.project.name})`)),
    md('broken.md', broken),
  ]);
  await page.getByRole('button', { name: 'Check and import' }).click();
  await expect(page).toHaveURL(/\/author\/packs\/imports\/\d+$/);
  await expect(page.getByRole('alert')).toContainText('Nothing was changed');
  const problems = page.getByRole('table').first();
  await expect(problems.getByRole('row', { name: /broken\.md\s+\d+\s+title\s/ })).toContainText('3 to 120 characters');
  await expect(problems.getByRole('row', { name: /broken\.md\s+\d+\s+section "Numbers"/ })).toContainText('unknown section');
  await expect(problems.getByRole('row', { name: /broken\.md\s+section "Metrics"/ })).toContainText('missing section');
  await expectAccessible(page, browser, info);
  // The good file went nowhere either.
  const res = await page.goto(`/scenarios/${good}`);
  expect(res?.status()).toBe(404);
  await w.expectClean();
});

test('a pack imports, imports again without change, and exports back', async ({ page }, info) => {
  const w = watch(page);
  let dialogs = 0;
  page.on('dialog', (d) => {
    dialogs += 1;
    void d.dismiss();
  });
  const slug = `pack-drill-${info.project.name}`;
  const title = `Imported drill (${info.project.name})`;
  await signInAs(page, 'lead@demo.example');
  await page.goto('/author/packs');
  // A pack is somebody else's text: its hostile Markdown must come out harmless.
  const hostile = scenarioFile(slug, title).replace(
    '## Metrics\n',
    '## Metrics\n\n<img src="/favicon.ico" alt="" onerror="alert(1)"> <script>alert(2)</script> [a link](javascript:alert(3))\n',
  );
  await page.getByLabel('Pack or scenario files').setInputFiles([md(`${slug}.md`, hostile)]);
  await page.getByRole('button', { name: 'Check and import' }).click();
  await expect(page.getByRole('status')).toHaveText('Imported: 1 new scenario, 0 new versions, 0 unchanged.');
  await expect(page.getByRole('row', { name: new RegExp(title.replace(/[()]/g, '\\$&')) })).toContainText('new scenario');

  await page.goto(`/scenarios/${slug}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  await expect(page.locator('main script, img[onerror], a[href^="javascript"]')).toHaveCount(0);

  // Export it by ticking it, then import the downloaded zip: nothing changes.
  await page.goto('/author/packs');
  await page.getByLabel(title, { exact: true }).check();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download the chosen scenarios' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('mlops-coach-pack.zip');
  const zip = await download.path();
  await page.goto('/author/packs');
  await page.getByLabel('Pack or scenario files').setInputFiles(zip);
  await page.getByRole('button', { name: 'Check and import' }).click();
  await expect(page.getByRole('status')).toHaveText('Nothing changed: 1 scenario is already in the library exactly as in the pack.');
  await expect(page.getByRole('row', { name: /README\.md/ })).toHaveCount(0);
  await expect(page.getByText('README.md')).toBeVisible();

  // The packs page lists both imports, newest first.
  await page.goto('/author/packs');
  const recent = page.getByRole('region', { name: 'Recent imports' });
  await expect(recent.getByRole('row').nth(1)).toContainText('Nothing changed');
  expect(dialogs, 'no script from the pack ran').toBe(0);
  await w.expectClean();
});
