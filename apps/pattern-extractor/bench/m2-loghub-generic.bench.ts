/**
 * M2: mean grouping accuracy of the Drain port on Loghub-2k with the one generic configuration the
 * miner ships, the same for every dataset (Drain's generic baseline: GA 0.754, FGA 0.718). Reads
 * `../shared/loghub-2k` next to the repository, or LOGHUB_DIR; without the data it says so and
 * reports nothing.
 */
import { GENERIC_DRAIN_OPTIONS } from '../src/mining/drain';
import { benchmarkLoghub } from './loghub';

benchmarkLoghub('M2', 'shipped generic configuration', () => GENERIC_DRAIN_OPTIONS);
