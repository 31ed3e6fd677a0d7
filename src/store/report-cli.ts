/**
 * `npm run report -- --from 2026-11-01 --to 2026-12-01`: the override analytics table from the
 * configured database (DATABASE_URL, else the embedded one under DATA_DIR). `to` is exclusive;
 * the default range is the last 12 weeks.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { reportRange } from '../http/analytics.js';
import { loadConfig } from '../config.js';
import { createLogger } from '../logger.js';
import { systemClock } from '../clock.js';
import { SYSTEM } from '../terminology/systems.js';
import { CdsStore } from './index.js';
import type { OverrideReport } from './analytics.js';

/** The report as an aligned text table, one row per rule and indicator. */
export function reportTable(report: OverrideReport): string {
  const pct = (r: number | null) => (r === null ? '-' : `${(r * 100).toFixed(1)}%`);
  const rows = [
    ['rule', 'indicator', 'shown', 'accepted', 'overridden', 'ignored', 'override rate', 'suggestions accepted', 'top override reasons'],
    ...report.rules.map((r) => [
      r.ruleId,
      r.indicator,
      String(r.shown),
      String(r.accepted),
      String(r.overridden),
      String(r.ignored),
      pct(r.overrideRate),
      r.suggestions.offered ? `${r.suggestions.accepted}/${r.suggestions.offered}` : '-',
      r.topOverrideReasons.map((x) => `${x.code} (${x.count})`).join(', ') || '-',
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = rows.map((r) =>
    r
      .map((c, i) => (i < 2 || i === 8 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
  return [
    `Override analytics ${report.from.slice(0, 10)} to ${report.to.slice(0, 10)} (to exclusive)`,
    ...lines,
    `unmatched feedback: ${report.unmatchedFeedback}`,
  ].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { from: { type: 'string' }, to: { type: 'string' } } });
  const { from, to } = reportRange(values, new Date());
  const config = loadConfig();
  // A mistyped DATA_DIR would otherwise make a new, empty database and print an empty table as if it were the answer.
  const embedded = resolve(config.store.dataDir, 'pglite');
  if (!config.store.databaseUrl && config.store.dataDir !== 'memory://' && !existsSync(join(embedded, 'PG_VERSION'))) {
    throw new Error(`no embedded database in ${embedded}: set DATA_DIR to the service's data folder, or DATABASE_URL`);
  }
  const store = await CdsStore.open(config.store, { logger: createLogger('warn'), clock: systemClock, overrideReasonSystem: SYSTEM.cardOverrideReason });
  try {
    process.stdout.write(`${reportTable(await store.overrides(from, to))}\n`);
  } finally {
    await store.close();
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/').split('/').pop()!)) {
  main().catch((err: unknown) => {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  });
}
