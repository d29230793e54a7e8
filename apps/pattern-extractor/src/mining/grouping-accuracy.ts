/**
 * How well a parser groups messages, as the log-parsing benchmarks measure it:
 * - GA, grouping accuracy (Zhu et al., ICSE-SEIP 2019): the share of messages whose predicted group
 *   is, as a set of messages, exactly their ground-truth group;
 * - FGA (Khan et al., ICSE 2022): the F1 of group precision (correct groups ÷ predicted groups) and
 *   group recall (correct groups ÷ ground-truth groups), a group being correct when it equals a
 *   ground-truth group exactly. GA weighs groups by size, FGA counts each group once.
 * Plus what it takes to run the Loghub-2k benchmark: a CSV reader and the published Drain settings.
 */
import { Drain, type DrainOptions } from './drain';
import { type MaskRule } from './masking';

export interface GroupingScore {
  readonly messages: number;
  readonly truthGroups: number;
  readonly predictedGroups: number;
  /** Predicted groups equal to a ground-truth group. */
  readonly correctGroups: number;
  readonly ga: number;
  readonly fga: number;
}

function groupIndexes<Label>(labels: readonly Label[]): Map<Label, number[]> {
  const groups = new Map<Label, number[]>();
  labels.forEach((label, index) => {
    const members = groups.get(label);
    if (members === undefined) groups.set(label, [index]);
    else members.push(index);
  });
  return groups;
}

/** Scores `predicted` labels against `truth` labels, message by message (same length). */
export function scoreGrouping<Truth, Predicted>(
  truth: readonly Truth[],
  predicted: readonly Predicted[],
): GroupingScore {
  if (truth.length !== predicted.length) {
    throw new RangeError(`${truth.length} ground-truth labels for ${predicted.length} predictions`);
  }
  const truthGroups = groupIndexes(truth);
  const predictedGroups = groupIndexes(predicted);
  let correctMessages = 0;
  let correctGroups = 0;
  for (const members of predictedGroups.values()) {
    const label = truth[members[0] ?? 0] as Truth;
    const isExact =
      members.every((index) => truth[index] === label) && truthGroups.get(label)?.length === members.length;
    if (isExact) {
      correctMessages += members.length;
      correctGroups += 1;
    }
  }
  const precision = predictedGroups.size === 0 ? 0 : correctGroups / predictedGroups.size;
  const recall = truthGroups.size === 0 ? 0 : correctGroups / truthGroups.size;
  return {
    messages: truth.length,
    truthGroups: truthGroups.size,
    predictedGroups: predictedGroups.size,
    correctGroups,
    ga: truth.length === 0 ? 1 : correctMessages / truth.length,
    fga: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
  };
}

/** Runs a fresh Drain over `messages` in order and scores its clusters against `truth`. */
export function scoreDrain(
  messages: readonly string[],
  truth: readonly string[],
  options: Partial<DrainOptions>,
): GroupingScore {
  const drain = new Drain(options);
  return scoreGrouping(
    truth,
    messages.map((message) => drain.add(message)),
  );
}

/**
 * Parses RFC 4180 CSV: fields separated by commas, optionally double-quoted (a quoted field may hold
 * commas, line breaks and `""` for a quote), records separated by LF or CRLF. Returns the records.
 */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let index = 0;
  const endField = () => {
    record.push(field);
    field = '';
  };
  while (index < text.length) {
    const char = text[index] as string;
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"';
        index += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') endField();
    else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[index + 1] === '\n') index += 1;
      endField();
      records.push(record);
      record = [];
    } else field += char;
    index += 1;
  }
  if (field !== '' || record.length > 0) {
    endField();
    records.push(record);
  }
  return records;
}

/** A Loghub `*_log_structured.csv` reduced to what parsers are scored on. */
export interface LabelledMessages {
  readonly contents: string[];
  readonly eventIds: string[];
}

export function readStructuredLog(csvText: string): LabelledMessages {
  const [header, ...rows] = parseCsv(csvText.replace(/^\uFEFF/, ''));
  const contentColumn = header?.indexOf('Content') ?? -1;
  const eventColumn = header?.indexOf('EventId') ?? -1;
  if (contentColumn < 0 || eventColumn < 0) throw new Error('a structured log needs Content and EventId');
  return {
    contents: rows.map((row) => row[contentColumn] ?? ''),
    eventIds: rows.map((row) => row[eventColumn] ?? ''),
  };
}

/** The masks of the published settings: each pattern becomes `<*>`, as in the Drain benchmark. */
function wildcards(...patterns: RegExp[]): MaskRule[] {
  return patterns.map((pattern, index) => ({ name: `published-${index}`, pattern, placeholder: '<*>' }));
}

export const LOGHUB_DATASETS = [
  'HDFS',
  'Hadoop',
  'Spark',
  'Zookeeper',
  'BGL',
  'HPC',
  'Thunderbird',
  'Windows',
  'Linux',
  'Android',
  'HealthApp',
  'Apache',
  'Proxifier',
  'OpenSSH',
  'OpenStack',
  'Mac',
] as const;
export type LoghubDataset = (typeof LOGHUB_DATASETS)[number];

/**
 * Drain's per-dataset settings in the Loghub-2k benchmark (logpai/logparser, `Drain/benchmark.py`):
 * the preprocessing regexes, the similarity threshold and the depth; 100 children per node.
 */
export const PUBLISHED_DRAIN_SETTINGS: Record<LoghubDataset, Partial<DrainOptions>> = {
  HDFS: { masks: wildcards(/blk_-?\d+/g, /(\d+\.){3}\d+(:\d+)?/g), similarityThreshold: 0.5, depth: 4 },
  Hadoop: { masks: wildcards(/(\d+\.){3}\d+/g), similarityThreshold: 0.5, depth: 4 },
  Spark: {
    masks: wildcards(/(\d+\.){3}\d+/g, /\b[KGTM]?B\b/g, /([\w-]+\.){2,}[\w-]+/g),
    similarityThreshold: 0.5,
    depth: 4,
  },
  Zookeeper: { masks: wildcards(/(\/|)(\d+\.){3}\d+(:\d+)?/g), similarityThreshold: 0.5, depth: 4 },
  BGL: { masks: wildcards(/core\.\d+/g), similarityThreshold: 0.5, depth: 4 },
  HPC: { masks: wildcards(/=\d+/g), similarityThreshold: 0.5, depth: 4 },
  Thunderbird: { masks: wildcards(/(\d+\.){3}\d+/g), similarityThreshold: 0.5, depth: 4 },
  Windows: { masks: wildcards(/0x.*?\s/g), similarityThreshold: 0.7, depth: 5 },
  Linux: { masks: wildcards(/(\d+\.){3}\d+/g, /\d{2}:\d{2}:\d{2}/g), similarityThreshold: 0.39, depth: 6 },
  Android: {
    masks: wildcards(
      /(\/[\w-]+)+/g,
      /([\w-]+\.){2,}[\w-]+/g,
      /\b(-?\+?\d+)\b|\b0[Xx][a-fA-F\d]+\b|\b[a-fA-F\d]{4,}\b/g,
    ),
    similarityThreshold: 0.2,
    depth: 6,
  },
  HealthApp: { masks: [], similarityThreshold: 0.2, depth: 4 },
  Apache: { masks: wildcards(/(\d+\.){3}\d+/g), similarityThreshold: 0.5, depth: 4 },
  Proxifier: {
    masks: wildcards(/<\d+\ssec/g, /([\w-]+\.)+[\w-]+(:\d+)?/g, /\d{2}:\d{2}(:\d{2})*/g, /[KGTM]B/g),
    similarityThreshold: 0.6,
    depth: 3,
  },
  OpenSSH: {
    masks: wildcards(/(\d+\.){3}\d+/g, /([\w-]+\.){2,}[\w-]+/g),
    similarityThreshold: 0.6,
    depth: 5,
  },
  OpenStack: {
    masks: wildcards(/((\d+\.){3}\d+,?)+/g, /\/.+?\s/g, /\d+/g),
    similarityThreshold: 0.5,
    depth: 5,
  },
  Mac: { masks: wildcards(/([\w-]+\.){2,}[\w-]+/g), similarityThreshold: 0.7, depth: 6 },
};

export interface DatasetScore {
  readonly dataset: LoghubDataset;
  readonly score: GroupingScore;
}

/**
 * Scores a fresh Drain on each Loghub-2k dataset. `readStructuredCsv` returns the text of
 * `<dataset>_2k.log_structured.csv` (reading files is the caller's business).
 */
export function scoreLoghub(
  readStructuredCsv: (dataset: LoghubDataset) => string,
  optionsFor: (dataset: LoghubDataset) => Partial<DrainOptions>,
): DatasetScore[] {
  return LOGHUB_DATASETS.map((dataset) => {
    const { contents, eventIds } = readStructuredLog(readStructuredCsv(dataset));
    return { dataset, score: scoreDrain(contents, eventIds, optionsFor(dataset)) };
  });
}

export function meanScore(scores: readonly DatasetScore[]): { ga: number; fga: number } {
  const sum = (key: 'ga' | 'fga') => scores.reduce((total, { score }) => total + score[key], 0);
  return { ga: sum('ga') / scores.length, fga: sum('fga') / scores.length };
}

/** A table for people: one line per dataset (GA, FGA, groups found and expected), then the mean. */
export function formatScoreTable(scores: readonly DatasetScore[]): string {
  const line = (name: string, ga: number, fga: number, groups: string) =>
    `${name.padEnd(12)} ${ga.toFixed(4).padStart(7)} ${fga.toFixed(4).padStart(7)} ${groups.padStart(9)}`;
  const mean = meanScore(scores);
  return [
    `${'dataset'.padEnd(12)} ${'GA'.padStart(7)} ${'FGA'.padStart(7)} ${'groups'.padStart(9)}`,
    ...scores.map(({ dataset, score }) =>
      line(dataset, score.ga, score.fga, `${score.predictedGroups}/${score.truthGroups}`),
    ),
    line('mean', mean.ga, mean.fga, '').trimEnd(),
  ].join('\n');
}
