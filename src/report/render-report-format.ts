// One run report, any output format: the CLI's `run` (report.formats) and `report --format` share
// this. One registry entry per format (as vitest's reporter map): its file name and its renderer.
// The names are listed once, in REPORT_FORMATS (src/playbook/types.ts); the Record type makes the
// compiler ask for an entry here when a name is added there.
import type { RunReport } from '../executor/run-report.ts';
import { REPORT_FORMATS, type ReportFormat } from '../playbook/types.ts';
import { renderHtmlReport } from './html/render-html-report.ts';
import { renderJunit } from './junit.ts';
import { renderPlanText } from './plan-text.ts';
import { renderRecapText } from './recap-text.ts';
import { runReportToJson } from './report-json.ts';
import { showControlChars } from './show-control-chars.ts';

export { REPORT_FORMATS, type ReportFormat };

interface ReportRenderer {
  /** The file name inside report.dir / --report-dir. */
  fileName: string;
  render(report: RunReport): string;
}

export const REPORTERS: Record<ReportFormat, ReportRenderer> = {
  text: { fileName: 'tsmig-report.txt', render: (r) => showControlChars(`${renderPlanText(r.plan)}\n\n${renderRecapText(r)}\n`) },
  json: { fileName: 'tsmig-report.json', render: (r) => `${JSON.stringify(runReportToJson(r), null, 2)}\n` },
  html: { fileName: 'tsmig-report.html', render: renderHtmlReport },
  junit: { fileName: 'tsmig-report.junit.xml', render: renderJunit },
};

export function renderReportFormat(report: RunReport, format: ReportFormat): string {
  return REPORTERS[format].render(report);
}
