// What the browser checks (dashboard, results page) share: Debian's chromium launched the one way that works on these
// machines, and a failure recorded the same way (the step, a screenshot, the page's text) in the report they print.
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';

export function launchChromium(executablePath, viewport) {
  return puppeteer.launch({
    executablePath,
    headless: true,
    // Root in a container: no sandbox; no GPU on these machines.
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    defaultViewport: viewport,
  });
}

export async function recordFailure(report, step, error, page, out) {
  report.error = `${step}: ${error.message.split('\n')[0]}`;
  if (page) {
    report.screenshots.failure = join(out, 'failure.png');
    await page.screenshot({ path: report.screenshots.failure }).catch(() => {});
    report.pageText = (await page.evaluate(() => document.body?.innerText ?? '').catch(() => '')).slice(0, 2000);
  }
}
