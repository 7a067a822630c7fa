// One run report, any output format: the CLI's `run` (report.formats) and `report --format` share this.
import { renderHtmlReport } from './html/render-html-report.ts';
import { renderJunit } from './junit.ts';
import { renderPlanText } from './plan-text.ts';
import { renderRecapText } from './recap-text.ts';
import type { RunReport } from '../executor/run-report.ts';

export const REPORT_FORMATS = ['text', 'json', 'html', 'junit'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** File names inside report.dir / --report-dir, one per format. */
export const REPORT_FILE_NAMES: Record<ReportFormat, string> = {
  json: 'tsmig-report.json',
  html: 'tsmig-report.html',
  junit: 'tsmig-report.junit.xml',
  text: 'tsmig-report.txt',
};

export function renderReportFormat(report: RunReport, format: ReportFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
    case 'html':
      return renderHtmlReport(report);
    case 'junit':
      return renderJunit(report);
    case 'text':
      return `${renderPlanText(report.plan, report.measurements)}\n\n${renderRecapText(report)}\n`;
  }
}
