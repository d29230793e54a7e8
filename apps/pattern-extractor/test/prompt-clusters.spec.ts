import { describe, expect, test } from '@jest/globals';
import { generateHistory } from '../src/mining/history-generator';
import {
  addMember,
  bestPlacement,
  type Cluster,
  joiningVariant,
  mergeClusters,
  renderTemplate,
  rowCluster,
} from '../src/mining/prompt-clusters';
import { align } from '../src/mining/prompt-alignment';
import { PromptTemplateMiner, type PromptRow, rowTokens } from '../src/mining/prompt-templates';

describe('joiningVariant', () => {
  test('names the variant merging a row only counts in, exactly when the merge gives that', () => {
    const rows = generateHistory({ seed: 10, rows: 800 }).map((each, index): PromptRow => ({
      ...each,
      history_id: `r${index}`,
    }));
    const miner = new PromptTemplateMiner();
    let joins = 0;
    // The miner numbers the rows it learns: this one is the `ordinal`-th.
    rows.forEach((row, ordinal) => {
      const partition = miner.exportState().partitions.find((each) => each.nodeType === row.node_type);
      const tokens = rowTokens(row);
      const placement = partition === undefined ? null : bestPlacement(partition.clusters, tokens);
      if (partition !== undefined && placement !== null) {
        const current = partition.clusters[placement.clusterIndex] as Cluster;
        const merged = mergeClusters(
          current,
          rowCluster(tokens, row.history_id, row.method_name ?? '', ordinal),
          placement.alignment,
        );
        const countedIn = current.variants.map((_, variant) => {
          const counted = structuredClone(current);
          addMember(counted, variant, row.history_id, row.method_name ?? '', ordinal);
          return counted;
        });
        const joined = joiningVariant(current, placement.alignment, ordinal);
        if (joined !== null) joins += 1;
        expect(countedIn.findIndex((counted) => JSON.stringify(counted) === JSON.stringify(merged))).toBe(
          joined ?? -1,
        );
      }
      miner.learn(row);
    });
    // Most rows of a settled template only count: the case must have been met, many times.
    expect(joins).toBeGreaterThan(rows.length / 2);
  });
});

describe('bestPlacement', () => {
  test('a template the row opens like wins over a prompt sharing more of its free text', () => {
    const paragraph =
      'Only accounts created in the last 30 days are considered. Catalogs marked as draft must be ' +
      'excluded from the export. We need pagination with a default page size of 50.';
    const tokens = (text: string) => text.split(' ');
    const story = (text: string) =>
      tokens(`System: You are a senior TypeScript engineer. Answer with code only.\nUser: ${text}`);
    const shortRows = ['Add retries to the upload client.', 'Rename the billing module to payments.'];
    const [left, right] = shortRows.map((text, index) => rowCluster(story(text), `s${index}`, '', index));
    const template = mergeClusters(
      left as Cluster,
      right as Cluster,
      align((left as Cluster).items, (right as Cluster).items),
    );
    const otherTemplate = rowCluster(tokens(`Implement the following feature: ${paragraph}`), 'f1', '', 2);
    const row = story(`${paragraph} Nice to have: dark mode.`);
    const placement = bestPlacement([otherTemplate, template], row);
    expect(placement?.clusterIndex).toBe(1);
    expect(renderTemplate(placement?.alignment.items ?? [], [])).toContain('Answer with code only.');
  });

  test('a template the row begins with wins over one that two prompts made of a shared sentence', () => {
    const sentence =
      'The amount and currency fields come from the Stripe webhook and are sometimes in a different format.';
    const tokens = (text: string) => text.split(' ');
    const merged = (texts: string[], id: string) => {
      const [left, right] = texts.map((text, index) => rowCluster(tokens(text), `${id}${index}`, '', index));
      return mergeClusters(
        left as Cluster,
        right as Cluster,
        align((left as Cluster).items, (right as Cluster).items),
      );
    };
    // A short scaffold: neither its opening nor its end is a run long enough to anchor it.
    const ticket = (key: string, text: string) => `Ticket ${key}: ${text} \n Done when tested.`;
    const tickets = merged(
      [ticket('A-1', 'Export the invoices.'), ticket('B-2', 'Sync the users nightly.')],
      't',
    );
    // Two prompts of other scaffolds whose free text holds the same sentence: slots at both ends.
    const fragment = merged(
      [
        `Summarise the note for the team: ${sentence} Keep it short.`,
        `Why does this break? ${sentence} Thanks!`,
      ],
      'f',
    );
    expect(renderTemplate(fragment.items, [])).toBe(`<*> ${sentence} <*>`);
    const placement = bestPlacement(
      [fragment, tickets],
      tokens(ticket('C-3', `Import the refunds. ${sentence}`)),
    );
    expect(placement?.clusterIndex).toBe(1);
  });
});

describe('mergeClusters', () => {
  test('lines of masked variables between slots are one slot: a pasted log, however many lines', () => {
    const log = (lines: string[]) => [
      'log:',
      '\n',
      ...lines.flatMap((line, index) => [...(index > 0 ? ['\n'] : []), '<TS>', ...line.split(' ')]),
      '\n',
      'Find',
      'it.',
    ];
    const left = rowCluster(log(['npm ERR! ELIFECYCLE', 'FAIL src/app.spec.ts']), 'a', 'diagnose', 0);
    const right = rowCluster(log(['Step 4/20 : RUN', 'exit code 1']), 'b', 'diagnose', 1);
    const merged = mergeClusters(left, right, align(left.items, right.items));
    expect(renderTemplate(merged.items, [])).toBe('log:\n<TS> <*>\nFind it.');
  });
});
