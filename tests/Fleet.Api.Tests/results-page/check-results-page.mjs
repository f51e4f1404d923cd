// Opens a job's results page in Debian's chromium (puppeteer-core) through its signed link, as a user's browser would
// (no X-Api-Key anywhere), and reports what the user sees as one JSON object on stdout:
//   summary      the counts and timings in the header (data-fact name -> text)
//   gallery      every card: file, top label, score, caption, and its thumbnail's naturalWidth once loaded
//   errors       every error card: file and reason
//   byLabel      the gallery after filtering by --label
//   byMinScore   the gallery after filtering by --min-score
//   afterClear   the gallery after Clear
//   location     the address bar after the first load (the link removed), documentCookie (the HttpOnly cookie hidden)
//   withoutLink  the HTTP status of the page opened in a fresh browser context without the link
//   apiKeyHeaders requests the page made that carried an X-Api-Key header (none)
//   screenshots  gallery.png (the whole page, first load) and filtered.png under --out
// On failure it still prints one JSON object, with "error", whatever it had seen, and failure.png; exit code 1.
//
// node check-results-page.mjs --url <signed link> --label <label> --min-score <s> --out <folder>
//      [--timeout 60000] [--chromium /usr/bin/chromium]
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { launchChromium, recordFailure } from '../../Fleet.Testing/browser/chromium.mjs';

const { values: args } = parseArgs({
  options: {
    url: { type: 'string' },
    label: { type: 'string' },
    'min-score': { type: 'string' },
    out: { type: 'string' },
    timeout: { type: 'string', default: '60000' },
    chromium: { type: 'string', default: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' },
  },
});
if (!args.url || !args.label || !args['min-score'] || !args.out) {
  console.error('usage: node check-results-page.mjs --url <signed link> --label <label> --min-score <s> --out <folder>');
  process.exit(2);
}

const timeout = Number(args.timeout);
const report = { summary: {}, gallery: [], errors: [], byLabel: [], byMinScore: [], afterClear: [], apiKeyHeaders: [], screenshots: {} };
mkdirSync(args.out, { recursive: true });

let browser;
let page;
let step = 'launch chromium';
try {
  browser = await launchChromium(args.chromium, { width: 1280, height: 900 });
  page = await browser.newPage();
  page.setDefaultTimeout(timeout);
  page.on('request', (request) => {
    if (Object.keys(request.headers()).some((h) => h.toLowerCase() === 'x-api-key')) report.apiKeyHeaders.push(request.url());
  });

  step = 'open the signed link';
  await page.goto(args.url, { waitUntil: 'domcontentloaded' });
  await loaded(1);
  await page.waitForFunction(() => document.querySelector('#summary [data-fact="images"]') && document.querySelector('#errors .card'));
  report.location = await page.evaluate(() => location.pathname + location.search);
  report.documentCookie = await page.evaluate(() => document.cookie);
  report.summary = await page.evaluate(() => Object.fromEntries(
    [...document.querySelectorAll('#summary [data-fact]')].map((f) => [f.dataset.fact, f.textContent.trim()])));

  step = 'wait for every thumbnail to load';
  // The thumbnails load lazily: bring each into view, then wait until each has decoded (or failed).
  for (const img of await page.$$('#rows img')) await img.scrollIntoView();
  await page.waitForFunction(() => [...document.querySelectorAll('#rows img')].every((i) => i.complete));
  await page.evaluate(() => window.scrollTo(0, 0));
  report.gallery = await gallery();
  report.errors = await page.evaluate(() => [...document.querySelectorAll('#errors .card')].map((c) => ({
    file: c.querySelector('.uri')?.textContent ?? null,
    reason: c.querySelector('.reason')?.textContent ?? null,
  })));
  report.screenshots.gallery = join(args.out, 'gallery.png');
  await page.screenshot({ path: report.screenshots.gallery, fullPage: true });

  step = `filter by label ${args.label}`;
  await filter(args.label, '');
  report.byLabel = await gallery();
  report.errorsShownWhileFiltered = await page.evaluate(() => document.querySelectorAll('#errors .card').length);
  report.screenshots.filtered = join(args.out, 'filtered.png');
  await page.screenshot({ path: report.screenshots.filtered, fullPage: true });

  step = `filter by min score ${args['min-score']}`;
  await filter('', args['min-score']);
  report.byMinScore = await gallery();

  step = 'clear the filter';
  const before = await loadCount();
  await page.click('#clear');
  await loaded(before + 1);
  report.afterClear = await gallery();

  step = 'open the page without the link in a fresh context';
  const stranger = await browser.createBrowserContext();
  const strangerPage = await stranger.newPage();
  const response = await strangerPage.goto(new URL(args.url).origin + new URL(args.url).pathname, { waitUntil: 'domcontentloaded' });
  report.withoutLink = response.status();
  await stranger.close();
} catch (e) {
  await recordFailure(report, step, e, page, args.out);
} finally {
  await browser?.close().catch(() => {});
}
console.log(JSON.stringify(report));
process.exit(report.error ? 1 : 0);

// page.js counts each finished load of the gallery in body[data-loaded].
async function loadCount() {
  return page.evaluate(() => Number(document.body.dataset.loaded || 0));
}

async function loaded(count) {
  await page.waitForFunction((count) => Number(document.body.dataset.loaded || 0) >= count, {}, count);
}

async function filter(label, minScore) {
  const before = await loadCount();
  await page.$eval('#label', (input, value) => { input.value = value; }, label);
  await page.$eval('#minScore', (input, value) => { input.value = value; }, minScore);
  await page.click('#apply');
  await loaded(before + 1);
}

async function gallery() {
  return page.evaluate(() => [...document.querySelectorAll('#rows .card')].map((c) => {
    const img = c.querySelector('img');
    return {
      file: c.querySelector('.uri')?.textContent ?? null,
      label: c.querySelector('.top')?.textContent ?? null,
      score: c.querySelector('.score')?.textContent ?? null,
      caption: c.querySelector('.caption')?.textContent ?? null,
      naturalWidth: img && img.complete ? img.naturalWidth : 0,
    };
  }));
}
