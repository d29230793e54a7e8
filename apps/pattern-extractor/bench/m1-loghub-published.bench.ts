/**
 * M1: mean grouping accuracy of the Drain port on Loghub-2k with Drain's published per-dataset
 * settings (the paper reports a mean GA of 0.8654). Reads `../shared/loghub-2k` next to the
 * repository, or LOGHUB_DIR; without the data it says so and reports nothing.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  PUBLISHED_DRAIN_SETTINGS,
  formatScoreTable,
  meanScore,
  scoreLoghub,
} from '../src/mining/grouping-accuracy';

const ID = 'M1';

/** `$LOGHUB_DIR`, else the first `shared/loghub-2k` found walking up from this file. */
function findLoghubDir(): string | undefined {
  if (process.env.LOGHUB_DIR) return process.env.LOGHUB_DIR;
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'shared', 'loghub-2k');
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

const loghubDir = findLoghubDir();
if (loghubDir === undefined) {
  console.log(`${ID} skipped: no shared/loghub-2k found above ${__dirname} (set LOGHUB_DIR)`);
} else {
  const scores = scoreLoghub(
    (dataset) => readFileSync(path.join(loghubDir, `${dataset}_2k.log_structured.csv`), 'utf8'),
    (dataset) => PUBLISHED_DRAIN_SETTINGS[dataset],
  );
  const mean = meanScore(scores);
  console.log(`Drain on Loghub-2k, published per-dataset settings (${loghubDir})`);
  console.log(formatScoreTable(scores));
  console.log(`BENCH ${ID} ratio=${mean.ga.toFixed(4)} fga=${mean.fga.toFixed(4)}`);
}
