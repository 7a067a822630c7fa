// The HTML run report: one self-contained file (inline CSS and SVG, no scripts, no network),
// rendered from the RunReport JSON alone so `tsmig report RUN.json --format html` gives the same page.
import { escapeHtml } from '../escape-html.ts';
import type { RunReport } from '../../executor/run-report.ts';
import { renderNicCharts } from './nic-charts.ts';
import { PAGE_STYLE } from './page-style.ts';
import { renderPlanTable } from './plan-table.ts';
import { renderTimelineSvg } from './timeline-svg.ts';
import { renderFailures, renderTotals } from './totals.ts';

// Nothing may load from anywhere: the browser enforces what the renderer promises.
const CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

export function renderHtmlReport(report: RunReport): string {
  const title = `tsmig: ${report.playbook.name}`;
  const body = [
    renderHeader(report),
    `<section class="summary"><h2>Totals</h2>${renderTotals(report)}</section>`,
    renderFailures(report),
    `<section class="plan-section"><h2>Plan</h2>${renderPlanTable(report)}</section>`,
    report.check ? '' : renderTimelineSection(report),
    `<section class="nic"><h2>Network per host</h2>` +
      `<div class="legend-row"><span><span class="swatch tx"></span>TX: sent by the host</span><span><span class="swatch rx"></span>RX: received by the host</span></div>` +
      `${renderNicCharts(report)}</section>`,
    `<footer>${escapeHtml(`${report.tool.name} ${report.tool.version}`)} · exit code ${escapeHtml(report.exit_code)}</footer>`,
  ];
  return (
    `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">` +
    `<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${escapeHtml(title)}</title><style>${PAGE_STYLE}</style></head>` +
    `<body><main>${body.join('\n')}</main></body></html>\n`
  );
}

function renderHeader(report: RunReport): string {
  const outcome = report.interrupted
    ? ['interrupted', 'interrupted']
    : report.summary.failed > 0
      ? ['failed', `${report.summary.failed} failed`]
      : ['ok', report.check ? 'check mode: nothing moved' : 'all done'];
  const meta = [
    `playbook <code>${escapeHtml(report.playbook.file)}</code>`,
    `driver ${escapeHtml(report.driver)}${report.driver === 'sim' ? ' (simulated time)' : ''}`,
    `strategy ${escapeHtml(report.strategy)}`,
    `started ${escapeHtml(report.started_at)}`,
  ];
  return `<header><h1>${escapeHtml(report.playbook.name)}<span class="badge ${outcome[0]}">${escapeHtml(outcome[1]!)}</span></h1><div class="meta">${meta.join(' · ')}</div></header>`;
}

function renderTimelineSection(report: RunReport): string {
  return (
    `<section class="timeline-section"><h2>Timeline</h2>` +
    `<div class="legend-row"><span><span class="swatch pre"></span>pre-copy</span><span><span class="swatch post"></span>post-copy</span>` +
    `<span><span class="swatch failed"></span>failed attempt</span><span><span class="swatch wait"></span>waiting to retry</span><span>✕ gave up</span><span><span class="swatch prelude"></span>measuring and planning</span></div>` +
    `${renderTimelineSvg(report)}</section>`
  );
}
