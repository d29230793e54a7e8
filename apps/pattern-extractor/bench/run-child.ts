/**
 * One extraction run in a process of its own, for the benchmarks: `node run-child.js URL full|incremental`
 * prints `{"rows", "seconds", "maxRssMb"}`; the peak RSS is this process's, i.e. the miner's.
 */
import { connectDataSource } from '@llm-metrics/db/connection';
import { runExtraction } from '../src/job/extraction-job';
import { DEFAULT_RUN_OPTIONS } from '../src/job/run-options';

async function main(): Promise<void> {
  const [url, mode] = process.argv.slice(2);
  if (url === undefined || (mode !== 'full' && mode !== 'incremental'))
    throw new Error('usage: run-child URL full|incremental');
  const dataSource = await connectDataSource(url);
  try {
    const started = process.hrtime.bigint();
    const summary = await runExtraction(dataSource, {
      ...DEFAULT_RUN_OPTIONS,
      full: mode === 'full',
      skipMaintenance: true,
    });
    if (summary.status !== 'succeeded') throw new Error(`run ${summary.status}: ${summary.error}`);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const maxRssMb = process.resourceUsage().maxRSS / 1024;
    console.log(JSON.stringify({ rows: summary.rowsRead, seconds, maxRssMb }));
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
