// Opens the Aspire dashboard in Debian's chromium (puppeteer-core; a plain `chromium --screenshot` of the Blazor
// dashboard comes out blank), and reports what a user would see there as one JSON object on stdout:
//   resources     every resource row: name and state, once the API and the silo replicas show Running
//   apiCommands   the commands in the API resource's Actions menu
//   meterNames    the meters listed for the metrics resource
//   meters        the --meter's instruments, once it lists --instrument
//   siloFilter    the values of the instrument's fleet.silo dimension, once every silo replica has one (and the chart is drawn)
//   screenshots   resources.png and metrics.png under --out
// On failure it still prints one JSON object, with "error", whatever it had seen, and a failure.png; exit code 1.
//
// node check-dashboard.mjs --url http://127.0.0.1:15080 --token <browser token> --out <folder>
//      [--silos 2] [--metrics-resource silo] [--meter Fleet] [--instrument fleet.images.labeled] [--timeout 60000]
//      [--chromium /usr/bin/chromium]
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { launchChromium, recordFailure } from '../../Fleet.Testing/browser/chromium.mjs';

const { values: args } = parseArgs({
  options: {
    url: { type: 'string' },
    token: { type: 'string' },
    out: { type: 'string' },
    silos: { type: 'string', default: '2' },
    'metrics-resource': { type: 'string', default: 'silo' },
    meter: { type: 'string', default: 'Fleet' },
    instrument: { type: 'string', default: 'fleet.images.labeled' },
    timeout: { type: 'string', default: '60000' },
    chromium: { type: 'string', default: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' },
  },
});
if (!args.url || !args.token || !args.out) {
  console.error('usage: node check-dashboard.mjs --url <dashboard url> --token <browser token> --out <folder>');
  process.exit(2);
}

const base = args.url.replace(/\/$/, '');
const timeout = Number(args.timeout);
const silos = Number(args.silos);
const started = Date.now();
const report = { resources: [], apiCommands: [], meterNames: [], meters: {}, siloFilter: [], screenshots: {} };
mkdirSync(args.out, { recursive: true });

let browser;
let page;
let step = 'launch chromium';
try {
  browser = await launchChromium(args.chromium, { width: 1440, height: 810 });
  page = await browser.newPage();
  page.setDefaultTimeout(timeout);
  await page.evaluateOnNewDocument(pageHelpers);

  step = 'log in with the browser token';
  await page.goto(`${base}/login?t=${encodeURIComponent(args.token)}`, { waitUntil: 'domcontentloaded' });
  await page.waitForFunction(() => !location.pathname.startsWith('/login') && document.querySelector('[role="row"]'));

  step = `wait for the api and ${silos} silo replicas to be Running`;
  await page.waitForFunction((silos) => {
    const rows = [...document.querySelectorAll('[role="row"]')]
      .map(r => [...r.querySelectorAll('[role="gridcell"]')].map(c => c.innerText.trim()))
      .filter(cells => cells.length >= 2);
    const running = rows.filter(([, state]) => state === 'Running').map(([name]) => name);
    return running.includes('api') && running.filter(n => /^silo-/.test(n)).length >= silos;
  }, {}, silos);
  report.resources = await page.evaluate(() => [...document.querySelectorAll('[role="row"]')]
    .map(r => [...r.querySelectorAll('[role="gridcell"]')].map(c => c.innerText.trim()))
    .filter(cells => cells.length >= 2)
    .map(([name, state]) => ({ name, state })));
  await dismissMessageBars();

  step = 'open the api resource\'s Actions menu';
  // A message bar closing moves the grid up a row under a click aimed at the API's button (CI once opened the silo's
  // menu below it): the menu must be the API's, with its Commands, else it is closed and opened again.
  for (let attempt = 1; ; attempt++) {
    const apiRow = await rowNamed('api');
    await (await apiRow.$('fluent-button[title="Actions"], fluent-button[aria-label="Actions"]')).click();
    try {
      await page.waitForFunction(() => [...document.querySelectorAll('[role="menuitem"]')].some(m => m.innerText.trim().startsWith('Commands')), { timeout: 10000 });
      break;
    } catch (e) {
      if (attempt >= 3) throw e;
      await page.keyboard.press('Escape');
      await new Promise(resolve => setTimeout(resolve, 1000));
    }
  }
  // The resource's own commands sit in the Commands submenu; Restart and the like follow them.
  report.apiCommands = await page.evaluate(() => {
    const items = [...document.querySelectorAll('[role="menuitem"]')].map(m => m.innerText.trim());
    const start = items.findIndex(i => i.startsWith('Commands'));
    return items.slice(start + 1).filter(i => !['Restart', 'Rebuild', 'Start', 'Stop'].includes(i));
  });
  await page.keyboard.press('Escape');
  await page.mouse.click(700, 700);
  await page.screenshot({ path: (report.screenshots.resources = join(args.out, 'resources.png')) });

  step = `wait for the ${args.meter} meter on ${args['metrics-resource']}'s metrics page`;
  const query = new URLSearchParams({ meter: args.meter, instrument: args.instrument });
  await page.goto(`${base}/metrics/resource/${encodeURIComponent(args['metrics-resource'])}?${query}`, { waitUntil: 'domcontentloaded' });
  await page.waitForFunction((meter, instrument) => readMeters()[meter]?.includes(instrument), { polling: 500 }, args.meter, args.instrument);
  const meters = await page.evaluate(() => readMeters());
  report.meterNames = Object.keys(meters);
  report.meters = { [args.meter]: meters[args.meter] };

  step = `wait for ${silos} fleet.silo values on ${args.instrument}`;
  await page.waitForFunction((silos) => readFilter('fleet.silo').length >= silos, { polling: 1000 }, silos);
  report.siloFilter = await page.evaluate(() => readFilter('fleet.silo'));
  step = `wait for the ${args.instrument} chart to be drawn`;
  await page.waitForSelector('.js-plotly-plot .scatterlayer .trace');
  await dismissMessageBars();
  await page.screenshot({ path: (report.screenshots.metrics = join(args.out, 'metrics.png')) });
  step = 'done';
} catch (e) {
  await recordFailure(report, step, e, page, args.out);
} finally {
  await browser?.close().catch(() => {});
}
report.elapsedMs = Date.now() - started;
console.log(JSON.stringify(report));
process.exit(report.error ? 1 : 0);

async function rowNamed(name) {
  for (const row of await page.$$('[role="row"]')) {
    const first = await row.$eval('[role="gridcell"]', c => c.innerText.trim()).catch(() => null);
    if (first === name) return row;
  }
  throw new Error(`no resource row named ${name}`);
}

async function dismissMessageBars() {
  // "No trusted development certificate": true on every machine without a dev cert, and beside the point here.
  for (const button of await page.$$('fluent-button.dashboard-message-bar-dismiss')) await button.click().catch(() => {});
  // Gone before anything below is clicked: the grid moves up as they close.
  await page.waitForFunction(() => !document.querySelector('fluent-button.dashboard-message-bar-dismiss'), { timeout: 5000 }).catch(() => {});
}

// Page-side helpers, installed on every page this script opens.
function pageHelpers() {
  // The metrics page's tree: a meter is a tree item with instrument tree items under it.
  window.readMeters = () => Object.fromEntries([...document.querySelectorAll('fluent-tree-item')]
    .filter(item => item.querySelector('fluent-tree-item'))
    .map(item => [
      item.innerText.split('\n')[0].trim(),
      [...item.querySelectorAll('fluent-tree-item')].map(child => child.innerText.trim()),
    ]));
  // The instrument's Filters table: one row per dimension, its values as badges.
  window.readFilter = (dimension) => {
    const row = [...document.querySelectorAll('[role="row"]')]
      .find(r => r.querySelector('[role="gridcell"]')?.innerText.trim() === dimension);
    return row ? row.innerText.split('\n').map(s => s.trim()).filter(s => s && s !== dimension) : [];
  };
}
