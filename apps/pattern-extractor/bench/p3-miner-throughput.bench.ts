/**
 * P3: history rows per second of a full extraction run ÷ rows per second of a raw SELECT stream of the
 * same rows (the miner's keyset batches, read and dropped), at BENCH_P3_ROWS rows (default 100,000);
 * then the history grows to BENCH_P3_BIG_ROWS (default 1,000,000) and a full run's peak RSS is taken
 * again: memory must stay flat (goal ≤ 300 MB at both sizes). The full runs run in a child process
 * (`run-child.js`) so the RSS is the miner's alone. BENCH_RUNS (default 3) repeats the SELECT stream;
 * BENCH_P3_RUNS (default 1) the full run, which takes minutes.
 */
import {
  growHistory,
  median,
  round,
  runInChild,
  selectStream,
  sizeParameter,
  withScratchDatabase,
} from './job-bench';

async function main(): Promise<void> {
  const rows = sizeParameter('BENCH_P3_ROWS', 100_000);
  const bigRows = sizeParameter('BENCH_P3_BIG_ROWS', 1_000_000);
  const selectRuns = sizeParameter('BENCH_RUNS', 3);
  const minerRuns = sizeParameter('BENCH_P3_RUNS', 1);
  await withScratchDatabase('P3', async (dataSource, url) => {
    console.log(`P3: seeding ${rows.toLocaleString('en-US')} history rows (with metrics)…`);
    await growHistory(dataSource, 0, rows);
    const selects = [];
    for (let run = 0; run < selectRuns; run += 1) selects.push(await selectStream(dataSource));
    const full = [];
    for (let run = 0; run < minerRuns; run += 1) full.push(await runInChild(url, 'full'));
    const selectRate = median(selects.map((run) => run.rows / run.seconds));
    const minerRate = median(full.map((run) => run.rows / run.seconds));
    const rss100k = Math.max(...full.map((run) => run.maxRssMb));
    console.log(
      `SELECT stream: ${selects.map((run) => run.seconds.toFixed(2)).join(' ')} s, ${Math.round(selectRate)} rows/s`,
    );
    console.log(
      `full run:      ${full.map((run) => run.seconds.toFixed(2)).join(' ')} s, ${Math.round(minerRate)} rows/s, peak RSS ${rss100k.toFixed(0)} MB`,
    );

    let rssBig = NaN;
    if (bigRows > rows) {
      console.log(`P3: growing the history to ${bigRows.toLocaleString('en-US')} rows…`);
      await growHistory(dataSource, rows, bigRows - rows);
      const big = await runInChild(url, 'full');
      rssBig = big.maxRssMb;
      console.log(
        `full run at ${big.rows} rows: ${big.seconds.toFixed(1)} s, ${Math.round(big.rows / big.seconds)} rows/s, peak RSS ${rssBig.toFixed(0)} MB`,
      );
    }
    console.log(
      `BENCH P3 ratio=${round(minerRate / selectRate)} rss_mb_100k=${round(rss100k)} rss_mb_1m=${round(rssBig)}` +
        ` rows=${rows} big_rows=${bigRows}`,
    );
  });
}

main().catch((error: unknown) => {
  console.error('P3 failed:', error);
  process.exitCode = 1;
});
