import { expect, test, type Page } from '@playwright/test';
import { expectAccessible, hydrated, signInAs, watch } from './support';

const SECTIONS = [
  'What a strong answer covers',
  'First things to inspect',
  'Commands and checks',
  'Metrics',
  'Likely root causes',
  'Mitigations',
  'Prevention',
];

async function fillNewScenario(page: Page, slug: string, keyPoints: string) {
  await page.getByLabel('Title', { exact: true }).fill(`Trainer disk full (${slug})`);
  await page.getByLabel('Slug', { exact: true }).fill(slug);
  await page.getByLabel('Summary', { exact: true }).fill('A long training run stops writing checkpoints when its disk fills.');
  await page.getByLabel('Training', { exact: true }).check();
  await page.getByLabel('Level', { exact: true }).selectOption('mid');
  await page.getByLabel('Prompt', { exact: true }).fill('The run is alive but **no checkpoint** has been written for six hours. What do you do?');
  for (const section of SECTIONS) {
    await page.getByLabel(section, { exact: true }).fill(`- A specific, checkable point for ${section.toLowerCase()}.`);
  }
  await page.getByLabel('Key points', { exact: true }).fill(keyPoints);
  await page.getByLabel('Follow-up questions', { exact: true }).fill('What do you alert on? [probes: disk-usage]\nHow do you resume? [probes: checkpoint-path]');
}

const KEY_POINTS = [
  'disk-usage | Checks disk usage first | df, disk full',
  'checkpoint-path | Writes checkpoints to durable storage | object storage, s3',
  'retention | Keeps only the last few checkpoints | retention, keep last',
].join('\n');

test('a lead writes a scenario with a live preview, edits it, and reads the diff', async ({ page, browser }, info) => {
  const w = watch(page, [404]);
  let dialogs = 0;
  page.on('dialog', (d) => {
    dialogs += 1;
    void d.dismiss();
  });
  const slug = `trainer-disk-full-${info.project.name}`;
  await signInAs(page, 'lead@demo.example');
  await page.goto('/author');
  await page.getByRole('link', { name: 'New scenario for Demo hiring team' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('New scenario');
  await fillNewScenario(page, slug, KEY_POINTS);
  await expectAccessible(page, browser, info);
  const hostile = '- Check `df -h`.\n\n<img src="x" onerror="alert(1)"> <script>alert(2)</script> [link](javascript:alert(3))';
  await page.getByLabel('Metrics', { exact: true }).fill(hostile);
  if (hydrated(info)) {
    // The preview follows the typing, rendered and sanitised by the server.
    const prompt = page.getByRole('region', { name: 'Preview: Prompt' });
    await expect(prompt.locator('strong')).toHaveText('no checkpoint');
    const metrics = page.getByRole('region', { name: 'Preview: Metrics' });
    await expect(metrics.locator('code')).toHaveText('df -h');
    await expect(metrics.locator('script, img[onerror]')).toHaveCount(0);
    await expect(metrics.locator('a[href^="javascript"]')).toHaveCount(0);
  }
  await page.getByRole('button', { name: 'Save version' }).click();
  await expect(page).toHaveURL(new RegExp(`/scenarios/${slug}/history`));
  await expect(page.getByText('Saved as a new version.')).toBeVisible();
  await expect(page.locator('#versions-heading + form tbody tr')).toHaveCount(1);

  // The scenario page shows it, harmless.
  await page.getByRole('link', { name: 'Open the scenario' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Trainer disk full (${slug})`);
  await expect(page.locator('script:not([src]):not([type]):not([nonce])')).toHaveCount(0);
  await expect(page.locator('#answer-key img[onerror], #answer-key a[href^="javascript"]')).toHaveCount(0);

  // Edit: the editor opens with the saved text; a change makes version 2.
  await page.goto(`/author/edit?slug=${slug}`);
  await expect(page.getByLabel('Slug', { exact: true })).toHaveAttribute('readonly', '');
  await expect(page.getByRole('region', { name: 'Preview: Prompt' }).locator('strong')).toHaveText('no checkpoint');
  await page.getByLabel('Prompt', { exact: true }).fill('The run is alive but **no checkpoint** has been written for nine hours. What do you do?');
  await page.getByRole('button', { name: 'Save version' }).click();
  await expect(page.getByText('Saved as a new version.')).toBeVisible();
  await expect(page.locator('#versions-heading + form tbody tr')).toHaveCount(2);
  await page.getByRole('button', { name: 'Compare' }).click();
  await expect(page.getByRole('heading', { name: 'Changes from v1 to v2' })).toBeVisible();
  await expect(page.locator('.diff .removed')).toContainText('six hours');
  await expect(page.locator('.diff .added')).toContainText('nine hours');
  await expectAccessible(page, browser, info);
  expect(dialogs).toBe(0);
  await w.expectClean();
});

// Everything a hostile author might type, aimed at every way text can become markup: breaking
// out of the textarea, inline script, frames, event handlers, and javascript: links.
const HOSTILE = [
  '- A checkable point.',
  '</textarea><script>alert("out")</script><textarea>',
  '<script>alert("script")</script>',
  '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
  '<details open ontoggle="alert(2)"><summary>x</summary></details>',
  '<img src="x" onerror="alert(3)"> <svg onload="alert(4)"></svg>',
  '[link](javascript:alert(5))',
].join('\n\n');

test('text typed into the editor stays text in the editor, with and without JavaScript', async ({ page }, info) => {
  const w = watch(page, [404]);
  const csp: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) csp.push(m.text());
  });
  let dialogs = 0;
  page.on('dialog', (d) => {
    dialogs += 1;
    void d.dismiss();
  });
  const slug = `hostile-editor-${info.project.name}`;
  await signInAs(page, 'lead@demo.example');
  await page.goto('/author');
  await page.getByRole('link', { name: 'New scenario for Demo hiring team' }).click();
  await fillNewScenario(page, slug, KEY_POINTS);
  for (const section of SECTIONS) await page.getByLabel(section, { exact: true }).fill(HOSTILE);
  await page.getByRole('button', { name: 'Save version' }).click();
  await expect(page.getByText('Saved as a new version.')).toBeVisible();

  await page.goto(`/author/edit?slug=${slug}`);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  if (hydrated(info)) await page.waitForLoadState('networkidle');
  const form = page.locator('form.editor-form');
  // Around the textareas: nothing but the label, hint and field. (The previews hold the
  // sanitised rendering, where a harmless <details> may stand.)
  await expect(form.locator('.markdown-field .field').locator('script, iframe, details, svg, img')).toHaveCount(0);
  await expect(form.locator('script, iframe, svg, img[onerror]')).toHaveCount(0);
  await expect(form.locator('[ontoggle], [onload], [onerror], a[href^="javascript"]')).toHaveCount(0);
  for (const section of SECTIONS) {
    await expect(page.getByLabel(section, { exact: true })).toHaveValue(HOSTILE);
  }
  // And after typing, the preview (the server's sanitised rendering) holds nothing live.
  if (hydrated(info)) {
    await page.getByLabel('Metrics', { exact: true }).fill(HOSTILE + '\n\n- one more');
    const metrics = page.getByRole('region', { name: 'Preview: Metrics' });
    await expect(metrics).toContainText('one more');
    await expect(metrics.locator('script, iframe, details, svg, img[onerror], a[href^="javascript"]')).toHaveCount(0);
  }
  expect(dialogs).toBe(0);
  expect(csp, 'nothing the page had to refuse').toEqual([]);
  await w.expectClean();
});

test('a refused save names the field and keeps everything typed', async ({ page }, info) => {
  const w = watch(page, [422]);
  await signInAs(page, 'lead@demo.example');
  await page.goto('/author');
  await page.getByRole('link', { name: 'New scenario for Demo hiring team' }).click();
  const slug = `refused-${info.project.name}`;
  await fillNewScenario(page, slug, 'disk-usage Checks disk usage first\n' + KEY_POINTS);
  await page.getByRole('button', { name: 'Save version' }).click();
  await expect(page.getByRole('alert')).toContainText('Some fields need attention');
  await expect(page.locator('#key_points-error')).toContainText('Line 1');
  await expect(page.getByLabel('Key points', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  // Nothing typed is lost.
  await expect(page.getByLabel('Slug', { exact: true })).toHaveValue(slug);
  await expect(page.getByLabel('Training', { exact: true })).toBeChecked();
  await expect(page.getByLabel('Prompt', { exact: true })).toHaveValue(/six hours/);
  await expect(page.getByLabel('Mitigations', { exact: true })).toHaveValue(/checkable point for mitigations/);
  await w.expectClean();
});
