// swagger-ui.test.mjs - Swagger UI of a running books service, in a real browser (Debian's chromium, headless,
// driven by playwright-core). Run by swagger-ui-test.sh, which starts target/books.jar and installs the tools.
//
// Env: BOOKS_URL           base URL of the running service, e.g. http://127.0.0.1:18092 (required)
//      BROWSER_NODE_MODULES node_modules holding playwright-core (required)
//      BROWSER_SCREENSHOT   where to write the screenshot (default target/swagger-ui.png)
//      CHROMIUM             the browser (default /usr/bin/chromium)
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

const base = process.env.BOOKS_URL;
const modulesDir = process.env.BROWSER_NODE_MODULES;
if (!base || !modulesDir) {
  console.error('BOOKS_URL and BROWSER_NODE_MODULES must be set (run swagger-ui-test.sh)');
  process.exit(2);
}
const screenshot = process.env.BROWSER_SCREENSHOT || 'target/swagger-ui.png';
const { chromium } = createRequire(path.join(path.resolve(modulesDir), 'noop.js'))('playwright-core');
const origin = new URL(base).origin;

// Every step waits at most this long; the whole file is bounded by node --test's --test-timeout.
const STEP_MS = 20_000;

let userDataDir;
let context;
let page;
const requested = [];
const blocked = [];
const pageErrors = [];

before(async () => {
  // A fresh profile per run: no cache, cookies or service workers from an earlier run.
  userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'books-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 1000 },
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
  // Offline proof: anything the page asks for outside the service is refused and recorded (the test then fails),
  // so a CDN link or the validator badge cannot slip in even on a machine with internet access.
  await context.route('**/*', (route) => {
    const url = route.request().url();
    requested.push(url);
    if (url.startsWith(origin + '/')) return route.continue();
    blocked.push(url);
    return route.abort();
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(STEP_MS);
  page.on('pageerror', (error) => pageErrors.push(String(error)));
});

after(async () => {
  await context?.close();
  if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
});

test('the page lists the seven book operations of /openapi', async () => {
  const response = await page.goto(`${base}/openapi/ui/`);
  assert.equal(response.status(), 200);
  await page.locator('.opblock').first().waitFor();
  const operations = await page.locator('.opblock').evaluateAll((blocks) => blocks.map((b) =>
    `${b.querySelector('.opblock-summary-method').textContent.trim()} ${b.querySelector('.opblock-summary-path').getAttribute('data-path')}`));
  const books = operations.filter((op) => op.includes(' /books'));
  assert.deepEqual(books.sort(), [
    'DELETE /books/{id}', 'GET /books', 'GET /books/{id}', 'HEAD /books', 'HEAD /books/{id}', 'POST /books',
    'PUT /books/{id}',
  ]);
  assert.match(await page.locator('.info .title').textContent(), /^books/);
});

test('"Try it out" on GET /books/{id} with id 1 shows 200 and "1984"', async () => {
  const operation = page.locator('#operations-books-getBook');
  await operation.locator('.opblock-summary-control').click();
  await operation.getByRole('button', { name: 'Try it out' }).click();
  await operation.locator('tr[data-param-name="id"] input').fill('1');
  await operation.getByRole('button', { name: 'Execute' }).click();

  const live = operation.locator('.live-responses-table .response');
  await live.first().waitFor();
  assert.equal((await live.locator('.response-col_status').first().textContent()).trim(), '200');
  const body = await live.locator('.response-col_description pre').first().textContent();
  assert.equal(JSON.parse(body).title, '1984');
  assert.match(await operation.locator('.request-url pre').textContent(), /\/books\/1$/);

  await operation.scrollIntoViewIfNeeded();
  fs.mkdirSync(path.dirname(screenshot), { recursive: true });
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(`# screenshot: ${screenshot}`);
});

test('nothing was loaded from outside the service and the page raised no error', () => {
  assert.deepEqual(blocked, []);
  assert.ok(requested.some((url) => url === `${base}/openapi`), `the UI did not fetch ${base}/openapi: ${requested}`);
  assert.deepEqual(pageErrors, []);
});
