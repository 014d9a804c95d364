import type { Command } from 'commander';
import { registerMeasuresReport } from './report-measures.command';
import { registerRepeatSummaryReport } from './report-repeat-summary.command';
import { registerSegmentMigrationReport } from './report-segment-migration.command';
import { registerSegmentsReport } from './report-segments.command';
import { registerStagesReport } from './report-stages.command';

/**
 * `lifecycle report <name>`: the analyst reports, computed from the log (or from read models built
 * from it). Each report lives in report-<name>.command.ts and registers itself on this group here.
 */
export function registerReportCommand(program: Command): Command {
  const report = program.command('report').description('analyst reports computed from the event log');
  registerRepeatSummaryReport(report);
  registerMeasuresReport(report);
  registerSegmentsReport(report);
  registerSegmentMigrationReport(report);
  registerStagesReport(report);
  return report;
}
