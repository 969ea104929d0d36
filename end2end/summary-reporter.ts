import type { Reporter, TestCase, TestResult } from '@playwright/test/reporter';

/**
 * Ends the run with each failure's test and error in short, then one plain line,
 * `e2e: N passed, N failed[, N skipped]`: CI logs often keep only their tail.
 */
export default class SummaryReporter implements Reporter {
  private passed = 0;
  private failed = 0;
  private skipped = 0;
  private failures: string[] = [];

  onTestEnd(test: TestCase, result: TestResult) {
    // Count each test once, by its final outcome (retries included).
    if (result.retry < test.retries && result.status !== 'passed' && result.status !== 'skipped') return;
    if (result.status === 'passed') this.passed += 1;
    else if (result.status === 'skipped') this.skipped += 1;
    else {
      this.failed += 1;
      // eslint-disable-next-line no-control-regex
      const message = (result.error?.message ?? result.status).replace(/\u001b\[[0-9;]*m/g, '');
      this.failures.push(`FAILED ${test.titlePath().filter(Boolean).join(' › ')}\n${message.slice(0, 1500)}`);
    }
  }

  onEnd() {
    for (const failure of this.failures) console.log(failure);
    const skipped = this.skipped ? `, ${this.skipped} skipped` : '';
    console.log(`e2e: ${this.passed} passed, ${this.failed} failed${skipped}`);
  }

  printsToStdio() {
    return true;
  }
}
