// Lighthouse (npm `lighthouse`, mobile form factor, default simulated throttling: 150 ms RTT,
// 1.6 Mbit/s, CPU slowed 4x) against Debian's Chromium: it must not download a browser, so
// chrome-launcher is pointed at /usr/bin/chromium. For `make bench` (scripts/bench.py).
//   node end2end/lighthouse.mjs '[{"name": "home", "url": "http://127.0.0.1:3000/"},
//                                  {"name": "console", "url": "...", "cookie": "coach_session=..."}]'
// Prints JSON: per page, the performance score, LCP, TBT, CLS, bytes transferred, and the bytes
// of JavaScript and wasm among them.
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';

const pages = JSON.parse(process.argv[2]);
const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  logLevel: 'silent',
});
const out = {};
try {
  for (const p of pages) {
    const flags = {
      port: chrome.port,
      output: 'json',
      logLevel: 'error',
      onlyCategories: ['performance'],
      // Each page measured cold: nothing cached from the one before.
      disableStorageReset: false,
      extraHeaders: p.cookie ? { Cookie: p.cookie } : undefined,
    };
    // A trace now and then comes back unusable (NO_NAVSTART): Lighthouse's advice is to run
    // again, so each page gets three tries.
    let lhr;
    for (let attempt = 1; ; attempt++) {
      ({ lhr } = await lighthouse(p.url, flags));
      if (!lhr.runtimeError) break;
      if (attempt === 3) throw new Error(`${p.name}: ${lhr.runtimeError.message}`);
    }
    const audit = (id) => lhr.audits[id]?.numericValue ?? null;
    const requests = lhr.audits['network-requests']?.details?.items ?? [];
    const code = requests
      .filter((r) => r.resourceType === 'Script' || /\.wasm(\?|$)/.test(r.url) || r.mimeType === 'application/wasm')
      .reduce((sum, r) => sum + (r.transferSize ?? 0), 0);
    out[p.name] = {
      performance: Math.round((lhr.categories.performance.score ?? 0) * 100),
      lcp_ms: Math.round(audit('largest-contentful-paint')),
      tbt_ms: Math.round(audit('total-blocking-time')),
      cls: Math.round(audit('cumulative-layout-shift') * 1000) / 1000,
      transfer_kb: Math.round(audit('total-byte-weight') / 102.4) / 10,
      js_wasm_kb: Math.round(code / 102.4) / 10,
      requests: requests.length,
    };
  }
} finally {
  await chrome.kill();
}
console.log(JSON.stringify(out));
