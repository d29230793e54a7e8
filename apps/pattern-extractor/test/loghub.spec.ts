/**
 * The Drain port against the Loghub-2k benchmark in `../shared/loghub-2k` (next to the repository,
 * never copied into it; LOGHUB_DIR overrides). Skipped, saying so, when that folder is absent.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { GENERIC_DRAIN_OPTIONS } from '../src/mining/drain';
import {
  LOGHUB_DATASETS,
  type LoghubDataset,
  PUBLISHED_DRAIN_SETTINGS,
  formatScoreTable,
  meanScore,
  parseCsv,
  readStructuredLog,
  scoreGrouping,
  scoreLoghub,
} from '../src/mining/grouping-accuracy';

const LOGHUB_DIR = process.env.LOGHUB_DIR ?? path.resolve(__dirname, '../../../../shared/loghub-2k');
const hasLoghub = existsSync(path.join(LOGHUB_DIR, 'HDFS_2k.log_structured.csv'));

/** Drain's GA per dataset on Loghub-2k as logpai/logparser publishes it (`logparser/Drain` README). */
const PUBLISHED_GA: Record<LoghubDataset, number> = {
  HDFS: 0.9975,
  Hadoop: 0.9475,
  Spark: 0.92,
  Zookeeper: 0.9665,
  BGL: 0.9625,
  HPC: 0.887,
  Thunderbird: 0.955,
  Windows: 0.997,
  Linux: 0.69,
  Android: 0.911,
  HealthApp: 0.78,
  Apache: 1,
  Proxifier: 0.5265,
  OpenSSH: 0.7875,
  OpenStack: 0.7325,
  Mac: 0.7865,
};

/** How far one dataset's GA may land from the published figure. */
const PER_DATASET_TOLERANCE = 0.1;

function readDataset(dataset: LoghubDataset): string {
  return readFileSync(path.join(LOGHUB_DIR, `${dataset}_2k.log_structured.csv`), 'utf8');
}

describe('grouping accuracy', () => {
  test.each([
    { name: 'identical grouping', truth: ['a', 'a', 'b'], predicted: [1, 1, 2], ga: 1, fga: 1 },
    { name: 'relabelled grouping', truth: ['a', 'a', 'b'], predicted: [7, 7, 3], ga: 1, fga: 1 },
    { name: 'one group merged', truth: ['a', 'a', 'b'], predicted: [1, 1, 1], ga: 0, fga: 0 },
    { name: 'one group split', truth: ['a', 'a', 'b'], predicted: [1, 2, 3], ga: 1 / 3, fga: 0.4 },
    {
      name: 'a smaller group right',
      truth: ['a', 'b', 'b', 'b'],
      predicted: [1, 2, 2, 3],
      ga: 0.25,
      fga: 0.4,
    },
    { name: 'nothing', truth: [], predicted: [], ga: 1, fga: 0 },
  ])('$name: GA $ga, FGA $fga', ({ truth, predicted, ga, fga }) => {
    const score = scoreGrouping<string, number>(truth, predicted);
    expect(score.ga).toBeCloseTo(ga, 10);
    expect(score.fga).toBeCloseTo(fga, 10);
  });

  test('refuses labels of different lengths', () => {
    expect(() => scoreGrouping(['a'], [])).toThrow(RangeError);
  });
});

describe('parseCsv', () => {
  test.each([
    [
      'a,b\n1,2\n',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    [
      'a,b\r\n1,2',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    ['x,"a, b",y\n', [['x', 'a, b', 'y']]],
    ['"say ""hi""",2\n', [['say "hi"', '2']]],
    ['"two\nlines",z\n', [['two\nlines', 'z']]],
    [',\n', [['', '']]],
    ['', []],
  ])('%j', (text, records) => {
    expect(parseCsv(text)).toEqual(records);
  });

  test('readStructuredLog takes Content and EventId by header name', () => {
    const csv = 'LineId,Content,EventId,EventTemplate\n1,"a, b",E1,"a, <*>"\n2,c,E2,c\n';
    expect(readStructuredLog(csv)).toEqual({ contents: ['a, b', 'c'], eventIds: ['E1', 'E2'] });
  });
});

const describeLoghub = hasLoghub ? describe : describe.skip;
if (!hasLoghub) {
  console.warn(`Loghub-2k benchmark skipped: no data in ${LOGHUB_DIR} (see DESIGN.md, "The miner")`);
}

describeLoghub(
  hasLoghub ? `Drain on Loghub-2k (${LOGHUB_DIR})` : `Drain on Loghub-2k — skipped, no data in ${LOGHUB_DIR}`,
  () => {
    test('every structured log has 2000 labelled messages', () => {
      for (const dataset of LOGHUB_DATASETS) {
        const { contents, eventIds } = readStructuredLog(readDataset(dataset));
        expect({
          dataset,
          contents: contents.length,
          labels: eventIds.filter((id) => id !== '').length,
        }).toEqual({
          dataset,
          contents: 2000,
          labels: 2000,
        });
      }
    });

    test('published per-dataset settings reproduce Drain: mean GA ≥ 0.85, each dataset within 0.1', () => {
      const scores = scoreLoghub(readDataset, (dataset) => PUBLISHED_DRAIN_SETTINGS[dataset]);
      console.log(`Drain, published per-dataset settings\n${formatScoreTable(scores)}`);
      expect(meanScore(scores).ga).toBeGreaterThanOrEqual(0.85);
      // Our port differs from the benchmark's code in small ways (it also files messages shorter than
      // the tree's depth in a leaf), so a dataset may land a few points off; none falls far.
      const farOff = scores
        .filter(({ dataset, score }) => Math.abs(score.ga - PUBLISHED_GA[dataset]) > PER_DATASET_TOLERANCE)
        .map(({ dataset, score }) => `${dataset}: ${score.ga.toFixed(4)} vs ${PUBLISHED_GA[dataset]}`);
      expect(farOff).toEqual([]);
    });

    test('the shipped generic configuration beats the generic baseline (GA 0.754, FGA 0.718)', () => {
      const scores = scoreLoghub(readDataset, () => GENERIC_DRAIN_OPTIONS);
      console.log(`Drain, shipped generic configuration\n${formatScoreTable(scores)}`);
      expect(meanScore(scores).ga).toBeGreaterThan(0.754);
      expect(meanScore(scores).fga).toBeGreaterThan(0.718);
    });
  },
);
