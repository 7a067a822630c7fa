// The HTML report in a real browser: headless Chromium opens the file with no network, and the
// page must render without errors, show every migration and VM, and leave a screenshot to look at.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { renderHtmlReport } from '../../src/report/html/render-html-report.ts';
import { demoReport, failingReport, HOSTILE, hostileReport, markupEverywhere } from '../helpers/report-fixtures.ts';

const CHROMIUM = '/usr/bin/chromium';
const NO_CHROMIUM = 'Chromium not installed: apt-get install chromium (.ci/run does)';
// Quiet and offline: nothing here may reach the network or phone home.
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const OUTPUT_DIR = new URL('../../test-output/', import.meta.url).pathname;

interface Opened {
  page: Page;
  /** Console errors, page errors and any request that is not the file itself. */
  problems: string[];
}

// One browser for the file (each start costs seconds of CPU); each page gets a fresh context.
let browser: Promise<Browser> | undefined;
after(async () => {
  await (await browser)?.close();
});

async function openInChromium(htmlFile: string, check: (opened: Opened) => Promise<void>): Promise<void> {
  browser ??= chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  const context = await (await browser).newContext({ viewport: { width: 1200, height: 900 } });
  try {
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => void (m.type() === 'error' && problems.push(`console: ${m.text()}`)));
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('request', (r) => void (!r.url().startsWith('file://') && problems.push(`request: ${r.url()}`)));
    await page.goto(`file://${htmlFile}`, { waitUntil: 'load' });
    await check({ page, problems });
  } finally {
    await context.close();
  }
}

test('HTML report of the demo run opens in Chromium: no errors, one .bar per migration, every VM in the plan table', { timeout: 120_000 }, async (t) => {
  if (!existsSync(CHROMIUM)) return t.skip(NO_CHROMIUM);
  const report = await demoReport();
  const started = performance.now();
  const html = renderHtmlReport(report);
  const renderMs = performance.now() - started;
  mkdirSync(OUTPUT_DIR, { recursive: true });
  const htmlFile = join(OUTPUT_DIR, 'report-demo.html');
  writeFileSync(htmlFile, html);
  t.diagnostic(`demo report: ${html.length} bytes of HTML, rendered in ${renderMs.toFixed(1)} ms`);

  await openInChromium(htmlFile, async ({ page, problems }) => {
    const vms = report.migrations.map((m) => m.vm);
    assert.ok(report.migrations.every((m) => m.started_s !== null), 'fixture: every demo migration started');
    assert.deepEqual(await page.locator('.timeline .bar').evaluateAll((bars) => bars.map((b) => b.getAttribute('data-vm'))).then((v) => v.sort()), [...vms].sort());
    const planRows = await page.locator('table.plan tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-vm')));
    assert.deepEqual([...planRows].sort(), [...vms].sort());
    for (const m of report.migrations) {
      const row = page.locator(`table.plan tbody tr[data-vm="${m.vm}"]`);
      assert.equal(await row.locator('.chip').textContent(), m.mode, `${m.vm}: mode shown`);
    }
    assert.equal(await page.locator('.host-charts').count(), report.measurements.hosts.length, 'one NIC chart pair per host');
    // A string, not a function: the project type-checks without the DOM library.
    const overflowPx = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    assert.ok(overflowPx <= 0, `page is ${overflowPx}px wider than a 1200px window`);
    await page.screenshot({ path: join(OUTPUT_DIR, 'report-demo.png'), fullPage: true });
    assert.deepEqual(problems, []);
  });
});

test('HTML report with hostile strings: Chromium builds no script or image from them and shows them as text', { timeout: 120_000 }, async (t) => {
  if (!existsSync(CHROMIUM)) return t.skip(NO_CHROMIUM);
  const dir = mkdtempSync(join(tmpdir(), 'tsmig-html-'));
  const htmlFile = join(dir, 'hostile.html');
  writeFileSync(htmlFile, renderHtmlReport(hostileReport(await demoReport())));
  const shown = HOSTILE.replace('\u0001', '\uFFFD');
  await openInChromium(htmlFile, async ({ page, problems }) => {
    assert.equal(await page.locator('script, img, iframe, object').count(), 0);
    assert.equal(await page.title(), `tsmig: ${shown}`);
    assert.equal(await page.locator('h1').evaluate((h) => h.firstChild?.textContent), shown);
    const barVms = await page.locator('.timeline .bar').evaluateAll((bars) => bars.map((b) => b.getAttribute('data-vm')));
    assert.ok(barVms.includes(shown), 'the hostile VM name reads back intact from data-vm');
    assert.deepEqual(problems, []);
  });
  rmSync(dir, { recursive: true, force: true });
});

// Elements a string could smuggle in to run code, load something or take the reader elsewhere.
const INJECTABLE = 'script, img, iframe, object, embed, image, foreignObject, a, link, base, form, input, button, video, audio, source';

test('HTML report with markup in every string field (mode and status too): Chromium finds no injected element, handler or class', { timeout: 120_000 }, async (t) => {
  if (!existsSync(CHROMIUM)) return t.skip(NO_CHROMIUM);
  const dir = mkdtempSync(join(tmpdir(), 'tsmig-html-'));
  const htmlFile = join(dir, 'everywhere.html');
  // The failing run has retries and failures, so every branch of the renderers is taken.
  writeFileSync(htmlFile, renderHtmlReport(markupEverywhere(await failingReport())));
  await openInChromium(htmlFile, async ({ page, problems }) => {
    assert.equal(await page.locator(INJECTABLE).count(), 0, 'no injected element');
    const handlers = await page.evaluate<string[]>(
      '[...document.querySelectorAll("*")].flatMap((e) => [...e.attributes].filter((a) => a.name.startsWith("on")).map((a) => e.tagName + " " + a.name))',
    );
    assert.deepEqual(handlers, [], 'no event-handler attribute');
    const classes = await page.evaluate<string[]>('[...new Set([...document.querySelectorAll("[class]")].flatMap((e) => [...e.classList]))]');
    const odd = classes.filter((c) => !/^[a-z0-9-]+$/.test(c));
    assert.deepEqual(odd, [], 'every class name comes from the renderer, not from the report');
    assert.ok(classes.includes('mode-unknown'), 'an unknown mode gets the fixed class mode-unknown');
    const shown = HOSTILE.replace('\u0001', '\uFFFD');
    const chips = await page.locator('table.plan .chip').allTextContents();
    assert.ok(chips.length > 0 && chips.every((c) => c === shown), 'the mode is shown as text');
    assert.deepEqual(problems, []);
  });
  rmSync(dir, { recursive: true, force: true });
});
