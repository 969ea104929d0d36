// Lighthouse-style load figures for one page, measured in Debian's Chromium by Playwright (both
// from the registries; Lighthouse itself downloads a browser). Cold cache, twice: on loopback,
// and as Lighthouse's mobile profile does it (150 ms round trips, 1.6 Mbit/s down, CPU slowed
// 4x). Prints JSON: time to first byte, first and largest contentful paint, DOM ready, load, when
// the wasm (interactivity) has arrived, and bytes transferred.
//   node end2end/load-metrics.mjs http://127.0.0.1:3000/scenarios/gpu-pods-pending
import { chromium } from '@playwright/test';

const url = process.argv[2];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const profiles = [
  { name: 'loopback' },
  { name: 'mobile_slow_4g', latency: 150, down: (1.6 * 1024 * 1024) / 8, up: (750 * 1024) / 8, cpu: 4 },
];
const out = {};
try {
  for (const p of profiles) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    if (p.latency) {
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false, latency: p.latency, downloadThroughput: p.down, uploadThroughput: p.up,
      });
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: p.cpu });
    }
    await page.addInitScript(() => {
      window.__lcp = 0;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__lcp = e.startTime;
      }).observe({ type: 'largest-contentful-paint', buffered: true });
    });
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForFunction(() =>
      performance.getEntriesByType('resource').some((r) => r.name.endsWith('.wasm') && r.responseEnd > 0), null,
      { timeout: 60_000 });
    await page.waitForTimeout(300);
    out[p.name] = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      const fcp = performance.getEntriesByName('first-contentful-paint')[0];
      const resources = performance.getEntriesByType('resource');
      const wasm = resources.find((r) => r.name.endsWith('.wasm'));
      const bytes = resources.reduce((sum, r) => sum + r.transferSize, nav.transferSize);
      const ms = (v) => (v === undefined ? null : Math.round(v));
      return {
        ttfb_ms: ms(nav.responseStart),
        fcp_ms: ms(fcp?.startTime),
        lcp_ms: ms(window.__lcp),
        dom_ready_ms: ms(nav.domContentLoadedEventEnd),
        load_ms: ms(nav.loadEventEnd),
        wasm_arrived_ms: ms(wasm?.responseEnd),
        transfer_kb: Math.round(bytes / 102.4) / 10,
      };
    });
    await context.close();
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(out));
