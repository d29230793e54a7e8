import { describe, expect, test } from '@jest/globals';
import { align, belongsTogether, type Item, overlap } from '../src/mining/prompt-alignment';

const words = (text: string): Item[] => text.split(' ');

describe('align', () => {
  test('an alignment is the same whatever was aligned before (the LCS table is reused)', () => {
    const template: Item[] = ['Write', 'the', null, 'for', 'the', null, 'service', '.'];
    const row = words('Write the handler for the billing and refunds service .');
    const first = align(template, row);
    const letters = (length: number, step: number) =>
      Array.from({ length }, (_, index) => String.fromCharCode(97 + ((index * step) % 26)));
    align(letters(500, 1), letters(200, 7));
    align(words('one two'), words('two one two'));
    expect(align(template, row)).toEqual(first);
    expect(first.items).toEqual(['Write', 'the', null, 'for', 'the', null, 'service', '.']);
    expect(first.rightRegions).toEqual([['handler'], ['billing', 'and', 'refunds']]);
  });

  test('sequences too long for the shared table align on a table of their own', () => {
    const scaffold = Array.from({ length: 1200 }, (_, index) => `w${index % 700}`);
    const left: Item[] = [...scaffold, null, 'end'];
    const right = [...scaffold.map((word, index) => (index % 100 === 50 ? 'changed' : word)), 'x', 'end'];
    const alignment = align(left, right);
    expect(alignment.matched).toBe(1200 - 12 + 1);
    expect(align(['a', null, 'c'], ['a', 'b', 'c']).rightRegions).toEqual([['b']]);
  });
});

describe('overlap', () => {
  test('function words that two paragraphs of free text share are no scaffold', () => {
    const left = words(
      'Write a function that parses the export of every tenant and sorts it. Include type hints.',
    );
    const right = words(
      'Write a function that merges two lists into the one list the caller passed. Include type hints.',
    );
    const merged = align(left, right).items;
    expect(merged).toEqual(['Write', 'a', 'function', 'that', null, 'Include', 'type', 'hints.']);
    // So is a content word or two they share in mid-line, between long stretches.
    const ledger = align(
      words(
        'Task: the nightly job must reconcile every pending ledger entry before the export to the warehouse starts at midnight. Done.',
      ),
      words(
        'Task: customers asked us for a weekly report of each ledger entry that failed twice in a row. Done.',
      ),
    ).items;
    expect(ledger).toEqual(['Task:', null, 'Done.']);
    // Between short values they are: "to" stays.
    expect(
      align(words('Rename fetchUser to loadUser now.'), words('Rename save to persist now.')).items,
    ).toEqual(['Rename', null, 'to', null, 'now.']);
  });
});

describe('belongsTogether', () => {
  const template: Item[] = ['Write', 'a', null, 'script', 'that', null];

  test('a row of the template belongs, whatever its slot holds', () => {
    const row = words('Write a PowerShell script that rotates the logs every night.');
    expect(belongsTogether(overlap(template, row))).toBe(true);
  });

  test.each([
    [[null, 'code', null], 'Please review this code for security issues.', false],
    [[null, 'the', 'following', null, '\n', '<CODE>'], 'Continue the following function:\n<CODE>', false],
    [['Fix:', null], 'Fix: the totals are off by one.', true],
    [[null, '\n', 'TL;DR:'], 'A long story about the outage.\nTL;DR:', true],
  ])(
    'a template %j takes in a row only if its content words make a scaffold: %j',
    (items, text, together) => {
      const row = text.split(/(?<=\n)|(?=\n)| /).filter((token) => token !== '');
      expect(belongsTogether(overlap(items as Item[], row))).toBe(together);
    },
  );

  test('a row that shares only function words does not, however many of the template’s constants they are', () => {
    const row = words('Give me a cron expression that runs at noon.');
    expect(overlap(template, row).matched).toBe(2);
    expect(belongsTogether(overlap(template, row))).toBe(false);
  });

  const story = (team: string, text: string) =>
    words(`As a developer on the ${team} team, implement this: ${text}`);
  const first = story(
    'billing',
    'Amounts are stored in cents and displayed in USD. Also the nightly integration keeps timing out, so retry it twice.',
  );
  const second = story(
    'data platform',
    'Grace from ops asked for an audit trail of verified warehouses before the next quarterly review starts.',
  );

  test('two rows that open with the same scaffold belong, however long the free text after it', () => {
    const shared = overlap(first, second);
    expect(shared.matched / Math.min(shared.leftConstants, shared.rightConstants)).toBeLessThan(0.5);
    expect(shared.anchored).toBe(true);
    expect(belongsTogether(shared)).toBe(true);
    // A whole first line, shorter, with three content words.
    const feature = (text: string) => words(`Implement the following feature: \n ${text}`);
    const lines = overlap(feature(first.slice(9).join(' ')), feature(second.slice(10).join(' ')));
    expect(lines.anchored).toBe(true);
    // The same at the end: a slot first, the scaffold after it.
    const reversed = (items: Item[]) => [...items].reverse();
    expect(belongsTogether(overlap(reversed(first), reversed(second)))).toBe(true);
  });

  test('an opening of function words, or one broken by free text, anchors nothing', () => {
    const functionWords = overlap(
      words('It is not that all of the bugs are fixed: we know the parser fails on tabs.'),
      words('It is not that all of the tests pass: nobody has run them since Friday.'),
    );
    expect(functionWords.anchored).toBe(false);
    expect(belongsTogether(functionWords)).toBe(false);
    const broken = overlap(
      words('Please write a parser for the CSV export that the billing team uploads every night.'),
      words('Please write the docs so that a new parser for every export team ships tonight.'),
    );
    expect(broken.anchored).toBe(false);
    expect(belongsTogether(broken)).toBe(false);
  });
});
