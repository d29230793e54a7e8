/**
 * P4: time of an incremental run over 1% new rows ÷ time of a full run over all of them (goal ≤ 0.05).
 * BENCH_P4_ROWS history rows (default 100,000) are mined by a full run; 1% more are added and mined
 * incrementally; BENCH_RUNS (default 3) rounds of (full run, add 1%, incremental run), medians.
 */
import { growHistory, median, round, runInChild, sizeParameter, withScratchDatabase } from './job-bench';

async function main(): Promise<void> {
  const rows = sizeParameter('BENCH_P4_ROWS', 100_000);
  const runs = sizeParameter('BENCH_RUNS', 3);
  const increment = Math.max(1, Math.round(rows / 100));
  await withScratchDatabase('P4', async (dataSource, url) => {
    console.log(`P4: seeding ${rows.toLocaleString('en-US')} history rows (with metrics)…`);
    await growHistory(dataSource, 0, rows);
    let total = rows;
    const fulls = [];
    const incrementals = [];
    for (let run = 0; run < runs; run += 1) {
      fulls.push(await runInChild(url, 'full'));
      await growHistory(dataSource, total, increment);
      total += increment;
      incrementals.push(await runInChild(url, 'incremental'));
      const full = fulls.at(-1);
      const incremental = incrementals.at(-1);
      console.log(
        `round ${run + 1}: full ${full?.rows} rows ${full?.seconds.toFixed(2)} s; ` +
          `incremental ${incremental?.rows} rows ${incremental?.seconds.toFixed(3)} s`,
      );
    }
    const ratio = median(incrementals.map((run) => run.seconds)) / median(fulls.map((run) => run.seconds));
    console.log(`BENCH P4 ratio=${round(ratio)} rows=${rows} new_rows=${increment}`);
  });
}

main().catch((error: unknown) => {
  console.error('P4 failed:', error);
  process.exitCode = 1;
});
