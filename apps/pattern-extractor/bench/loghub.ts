import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { formatScoreTable, meanScore, scoreLoghub } from '../src/mining/grouping-accuracy';

/** `$LOGHUB_DIR`, else the first `shared/loghub-2k` found walking up from this file. */
function findLoghubDir(): string | undefined {
  if (process.env.LOGHUB_DIR) return process.env.LOGHUB_DIR;
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'shared', 'loghub-2k');
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Scores Drain on every Loghub-2k dataset with the options `settingsOf` gives, prints the table and
 * the `BENCH <id>` line; without the data (it is never copied into the repository) it says so.
 */
export function benchmarkLoghub(
  id: string,
  title: string,
  settingsOf: Parameters<typeof scoreLoghub>[1],
): void {
  const loghubDir = findLoghubDir();
  if (loghubDir === undefined) {
    console.log(`${id} skipped: no shared/loghub-2k found above ${__dirname} (set LOGHUB_DIR)`);
    return;
  }
  const scores = scoreLoghub(
    (dataset) => readFileSync(path.join(loghubDir, `${dataset}_2k.log_structured.csv`), 'utf8'),
    settingsOf,
  );
  const mean = meanScore(scores);
  console.log(`Drain on Loghub-2k, ${title} (${loghubDir})`);
  console.log(formatScoreTable(scores));
  console.log(`BENCH ${id} ratio=${mean.ga.toFixed(4)} fga=${mean.fga.toFixed(4)}`);
}
