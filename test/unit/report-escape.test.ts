import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeHtml } from '../../src/report/escape-html.ts';
import { renderHtmlReport } from '../../src/report/html/render-html-report.ts';
import { demoReport, failingReport, HOSTILE, hostileReport, markupEverywhere } from '../helpers/report-fixtures.ts';

test('escapeHtml: the five markup characters become entities, & first so nothing is escaped twice', () => {
  assert.equal(escapeHtml(`<a href="x" title='y'>&amp;</a>`), '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;');
  assert.equal(escapeHtml('web-1 rack12-a → rack14-b'), 'web-1 rack12-a → rack14-b');
  assert.equal(escapeHtml(42), '42');
});

test('escapeHtml: characters XML 1.0 forbids become U+FFFD; tab, newline, CR and astral characters stay', () => {
  assert.equal(escapeHtml('a\u0000b\u0008c\u001bd\uFFFEe'), 'a\uFFFDb\uFFFDc\uFFFDd\uFFFDe');
  assert.equal(escapeHtml('t\tn\nr\r'), 't\tn\nr\r');
  assert.equal(escapeHtml('lone \uD800 high, lone \uDC00 low, pair 😀'), 'lone \uFFFD high, lone \uFFFD low, pair 😀');
});

test('HTML report: hostile names and messages come out as text, never as markup', async () => {
  const html = renderHtmlReport(hostileReport(await demoReport()));
  assert.doesNotMatch(html, /<script|<img|onerror=alert\(2\)>/i);
  assert.ok(!html.includes('\u0001'), 'control characters are replaced');
  assert.match(html, /&lt;\/title&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.match(html, /data-vm="&lt;\/title&gt;/, 'attribute values are escaped too');
  // Every hostile field is still shown (escaped), not dropped.
  const shown = html.split(escapeHtml(HOSTILE)).length - 1;
  assert.ok(shown >= 10, `hostile text rendered ${shown} times`);
});

test('HTML report: markup in every string field, modes and statuses too, never reaches the page as markup', async () => {
  const html = renderHtmlReport(markupEverywhere(await failingReport()));
  assert.doesNotMatch(html, /<script|<img|onerror=alert\(2\)>/i);
  assert.doesNotMatch(html, /class="[^"]*[<>'&]/, 'class attributes hold only the renderer\'s names');
  assert.match(html, /class="chip mode-unknown"/);
});
