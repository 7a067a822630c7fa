// Writes the run report into a directory in each requested format (report.dir / --report-dir).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExitCode, TsmigError } from '../errors.ts';
import { REPORTERS, renderReportFormat, type ReportFormat } from '../report/render-report-format.ts';
import type { RunReport } from '../executor/run-report.ts';

/** Returns the paths written, in the order of `formats`. */
export function writeReportFiles(report: RunReport, dir: string, formats: readonly ReportFormat[]): string[] {
  try {
    mkdirSync(dir, { recursive: true });
    return formats.map((format) => {
      const path = join(dir, REPORTERS[format].fileName);
      writeFileSync(path, renderReportFormat(report, format));
      return path;
    });
  } catch (error) {
    // The migrations are done by now; say which file could not be written, not just that something failed.
    const message = error instanceof Error ? error.message : String(error);
    throw new TsmigError(`cannot write the run report into ${dir}: ${message}`, ExitCode.invalidInputOrUnreachable);
  }
}
