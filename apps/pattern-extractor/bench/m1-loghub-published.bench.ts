/**
 * M1: mean grouping accuracy of the Drain port on Loghub-2k with Drain's published per-dataset
 * settings (the paper reports a mean GA of 0.8654). Reads `../shared/loghub-2k` next to the
 * repository, or LOGHUB_DIR; without the data it says so and reports nothing.
 */
import { PUBLISHED_DRAIN_SETTINGS } from '../src/mining/grouping-accuracy';
import { benchmarkLoghub } from './loghub';

benchmarkLoghub('M1', 'published per-dataset settings', (dataset) => PUBLISHED_DRAIN_SETTINGS[dataset]);
