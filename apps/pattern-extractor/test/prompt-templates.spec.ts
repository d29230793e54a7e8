import { describe, expect, test } from '@jest/globals';
import { scoreGrouping } from '../src/mining/grouping-accuracy';
import { generateHistory, mulberry32 } from '../src/mining/history-generator';
import {
  ALGORITHM_VERSION,
  MAX_CLUSTERS_PER_PARTITION,
  MAX_KEYLESS_CLUSTERS,
  PromptTemplateMiner,
  promptTokens,
  type PromptMinerState,
  type PromptRow,
  templateFingerprint,
} from '../src/mining/prompt-templates';

const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet'];

function row(prompt_text: string, index: number, method_name = 'generate'): PromptRow {
  return { history_id: `r${index}`, node_type: 'service', method_name, prompt_text };
}

/** Learns every row, then groups them by the final templates: fingerprint → sorted prompt indexes. */
function groupsOf(prompts: readonly (string | PromptRow)[]): number[][] {
  const rows = prompts.map((prompt, index) => (typeof prompt === 'string' ? row(prompt, index) : prompt));
  const miner = new PromptTemplateMiner();
  rows.forEach((each) => miner.add(each));
  const groups = new Map<string, number[]>();
  rows.forEach((each, index) => {
    const fingerprint = miner.match(each);
    groups.set(fingerprint, [...(groups.get(fingerprint) ?? []), index]);
  });
  return [...groups.values()];
}

/** A fenced snippet of pasted code: one `<CODE>` token for the miner. */
function code(index: number): string {
  return `\`\`\`python\ndef ${WORDS[index % 10]}(x):\n    return x * ${index}\n\`\`\``;
}

/** Free text: words no other row uses, as a paragraph a user wrote shares none with another's. */
function freeText(index: number, length: number): string {
  return Array.from({ length }, (_, at) => `${WORDS[at % WORDS.length]}${index}x${at}`).join(' ');
}

function sentence(index: number, length: number): string {
  return Array.from({ length }, (_, at) => WORDS[(index * 7 + at * 3) % WORDS.length]).join(' ');
}

describe('promptTokens masks obvious variables', () => {
  test.each([
    ['a UUID', 'Project 0f8fad5b-d9cb-469f-a165-70867728950e now', ['Project', '<UUID>', 'now']],
    ['a number', 'Cover at least 12 cases', ['Cover', 'at', 'least', '<NUM>', 'cases']],
    ['a path', 'Context file: ./src/app/main.py', ['Context', 'file:', '<PATH>']],
    ['a quoted string', 'Name it "fetch user" please', ['Name', 'it', '<STR>', 'please']],
    [
      'a fenced code block',
      'Fix:\n```python\ndef f(x):\n\n    return x\n```\nThanks',
      ['Fix:', '\n', '<CODE>', '\n', 'Thanks'],
    ],
    [
      'multi-line JSON',
      'Example:\n{\n  "a": [1, 2],\n  "b": "x"\n}\nDone.',
      ['Example:', '\n', '<JSON>', '\n', 'Done.'],
    ],
    [
      'unfenced code',
      'Code:\nimport os\n\ndef f(a):\n    return a\nThanks.',
      ['Code:', '\n', '<CODE>', '\n', 'Thanks.'],
    ],
    [
      'an upper-case SQL query whose clauses go on over lines',
      'SELECT o.id\nFROM orders o\nLEFT JOIN users u ON u.id = o.user_id\nWHERE o.total > 10\nAND u.active\nIt is slow.',
      ['<CODE>', '\n', 'It', 'is', 'slow.'],
    ],
    [
      'PHP with its opening tag, a Ruby call with a bang',
      'Fix:\n<?php\n$user = User::find(1);\nAnd:\nvehicle.update!(tenant_id: 4)\nThanks.',
      ['Fix:', '\n', '<CODE>', '\n', 'And:', '\n', '<CODE>', '\n', 'Thanks.'],
    ],
    [
      'markdown headings and starred bullets are prose',
      '# Task\n\nWrite it.\n## Rules\n* keep it short\n* no globals',
      [
        '#',
        'Task',
        '\n',
        'Write',
        'it.',
        '\n',
        '##',
        'Rules',
        '\n',
        '*',
        'keep',
        'it',
        'short',
        '\n',
        '*',
        'no',
        'globals',
      ],
    ],
    [
      'comments above pasted code are code',
      'Fix this:\n# load the rows\n\nrows = load()\n// done\nThanks.',
      ['Fix', 'this:', '\n', '<CODE>', '\n', 'Thanks.'],
    ],
    [
      'an unfenced unified diff, up to a bullet list',
      'Diff:\ndiff --git a/x.md b/x.md\nindex 1a2b3c4..5d6e7f8 100644\n--- a/x.md\n+++ b/x.md\n' +
        '@@ -1,2 +1,2 @@\n-Old words\n+New words\n same line\n\n- Keep it short',
      ['Diff:', '\n', '<CODE>', '\n', '-', 'Keep', 'it', 'short'],
    ],
    [
      'fill-in-the-middle and chat control tokens written flush against code',
      '<fim_prefix>def f(x):\n    y = x<fim_suffix>\n    return y<fim_middle>',
      ['<fim_prefix>', '\n', '<CODE>', '\n', '<fim_suffix>', '\n', '<CODE>', '\n', '<fim_middle>'],
    ],
    [
      'Llama chat markers',
      '[INST]<<SYS>>\nBe brief.\n<</SYS>>\n\nHi there',
      ['[INST]', '\n', '<<SYS>>', '\n', 'Be', 'brief.', '\n', '<</SYS>>', '\n', 'Hi', 'there'],
    ],
    [
      'unfenced Go: a package clause, and a line of closing brackets',
      '<fim_prefix>package user\n\nimport (\n\t"fmt"\n)\n\nfunc main() {\n<fim_suffix>}\n<fim_middle>',
      ['<fim_prefix>', '\n', '<CODE>', '\n', '<fim_suffix>', '\n', '<CODE>', '\n', '<fim_middle>'],
    ],
    [
      'unfenced SQL: a table definition and a query',
      'Given the tables:\nCREATE TABLE users (\n  id INTEGER PRIMARY KEY,\n  email TEXT NOT NULL\n);\n\n' +
        'SELECT email FROM users WHERE id = 1;\nWrite a view.',
      ['Given', 'the', 'tables:', '\n', '<CODE>', '\n', 'Write', 'a', 'view.'],
    ],
    [
      'CodeLlama fill-in-the-middle markers',
      '<PRE> def f(x):\n    y = x <SUF>    return y <MID>',
      ['<PRE>', '\n', '<CODE>', '\n', '<SUF>', '\n', '<CODE>', '\n', '<MID>'],
    ],
    [
      'DeepSeek fill-in-the-middle markers, full-width bars and all',
      '<｜fim▁begin｜>def f(x):\n<｜fim▁hole｜>\n    return y<｜fim▁end｜>',
      ['<｜fim▁begin｜>', '\n', '<CODE>', '\n', '<｜fim▁hole｜>', '\n', '<CODE>', '\n', '<｜fim▁end｜>'],
    ],
    [
      'a Python traceback, its code lines and its exception',
      'Explain this error:\nTraceback (most recent call last):\n  File "/app/x.py", line 12, in run\n' +
        "    total = load()\nKeyError: 'id'\nThanks.",
      ['Explain', 'this', 'error:', '\n', '<CODE>', '\n', 'Thanks.'],
    ],
    [
      'a Java exception without a message, and its frames',
      'Why?\n\njava.util.ConcurrentModificationException\n\tat a.B.run(B.java:3)\n\t... 33 more',
      ['Why?', '\n', '<CODE>'],
    ],
    [
      'a JavaScript error and its stack frames',
      'Fix this:\nTypeError: x is not a function\n    at run (/app/a.js:3:5)\n    at main (/app/b.js:9:1)\nPlease.',
      ['Fix', 'this:', '\n', '<CODE>', '\n', 'Please.'],
    ],
    [
      'a Go panic and its goroutine dump',
      'panic: runtime error: index out of range\n\ngoroutine 7 [running]:\nmain.run(0x1)\n\t/app/main.go:9 +0x1d\n' +
        'github.com/acme/shop.(*Cart).Total(0xc000, 0x2)\n\t/app/cart.go:40 +0x3f\nExplain it.',
      ['<CODE>', '\n', 'Explain', 'it.'],
    ],
    [
      'compiler and linter diagnostics',
      'Errors:\nsrc/a.ts(3,5): error TS2322: Type x.\n  12:7  error  Unexpected console  no-console\n✖ 1 problem\nFix them.',
      ['Errors:', '\n', '<CODE>', '\n', 'Fix', 'them.'],
    ],
    [
      'timestamped and levelled log lines',
      'Logs:\n2026-01-02T10:00:01Z INFO started\n[ERROR] boom\nWhy?',
      ['Logs:', '\n', '<CODE>', '\n', 'Why?'],
    ],
    [
      'lower-case sentences that open with a keyword, under a heading that reads as a comment',
      '### Task:\nif the user is gone, stop.\nuse async/await. keep it short.\n### Answer:\nif x:\n    y()',
      [
        ...['###', 'Task:', '\n', 'if', 'the', 'user', 'is', 'gone,', 'stop.', '\n', 'use', 'async/await.'],
        ...['keep', 'it', 'short.', '\n', '<CODE>'],
      ],
    ],
    [
      'fill-in-the-middle code, a word cut off before the suffix marker too',
      '<fim_prefix>const x = require("y");\nexpo<fim_suffix>\nmodule.exports = x;<fim_middle>',
      ['<fim_prefix>', '\n', '<CODE>', '\n', '<fim_suffix>', '\n', '<CODE>', '\n', '<fim_middle>'],
    ],
    [
      'Llama markers, the closing one too, beside a path',
      '[INST] fix /src/a.ts [/INST]',
      ['[INST]', '\n', 'fix', '<PATH>', '\n', '[/INST]'],
    ],
    ['blank lines and spacing', '  Hello   world \n\n\nBye ', ['Hello', 'world', '\n', 'Bye']],
    [
      'an indented bullet list',
      'Rules:\n  - keep it (short)\n  1. no globals',
      ['Rules:', '\n', '-', 'keep', 'it', '(short)', '\n', '<NUM>.', 'no', 'globals'],
    ],
  ])('%s', (_name, text, expected) => {
    expect(promptTokens(text)).toEqual(expected);
  });

  test('the row’s own method name is a slot', () => {
    expect(promptTokens('Implement fetch_user now', 'fetch_user')).toEqual(['Implement', '<*>', 'now']);
  });

  test.each([
    ['Implement findAll now', 'findAll', ['Implement', '<*>', 'now']],
    ['Implement load2 now', 'load2', ['Implement', '<*>', 'now']],
    ['Write a SQLAlchemy model for it', 'model', ['Write', 'a', 'SQLAlchemy', 'model', 'for', 'it']],
    ['Generate a route handler', 'handler', ['Generate', 'a', 'route', 'handler']],
  ])(
    '%j with method %j: a method name is a slot where it reads as code, not as a word',
    (text, name, tokens) => {
      expect(promptTokens(text, name)).toEqual(tokens);
    },
  );

  test('a method name masks the same on every row, whatever other names came between', () => {
    const names = Array.from({ length: 1_100 }, (_, index) => `method_${index}`);
    for (const name of names) promptTokens(`Call ${name}.`, name);
    expect(promptTokens('fetch_user calls fetch_user_all and fetch_user.', 'fetch_user')).toEqual([
      '<*>',
      'calls',
      'fetch_user_all',
      'and',
      '<*>.',
    ]);
    expect(promptTokens('fetch_user again', 'fetch_user')).toEqual(['<*>', 'again']);
  });

  test('prose that is not JSON or code stays', () => {
    expect(promptTokens('[note] keep it short.\nReturn only code.')).toEqual([
      '[note]',
      'keep',
      'it',
      'short.',
      '\n',
      'Return',
      'only',
      'code.',
    ]);
  });
});

describe('grouping behaviours', () => {
  const tenTimes = (render: (index: number) => string) =>
    Array.from({ length: 10 }, (_, index) => render(index));

  test.each([
    ['a one-word slot', tenTimes((i) => `Write the method ${WORDS[i]} of the service.`), [10]],
    [
      'a free-text slot of varying length and lines',
      tenTimes(
        (i) => `Requirements:\n${sentence(i, 3 + i)}\n${i % 2 ? sentence(i + 1, 9) : ''}\nReturn only code.`,
      ),
      [10],
    ],
    [
      'free text whose lines start like the next scaffold line',
      tenTimes(
        (i) =>
          `Goal: ${sentence(i, 4)}\n${i % 3 ? `Keep ${sentence(i + 2, 5)}\n` : ''}Keep behaviour identical.`,
      ),
      [10],
    ],
    [
      'a slot at the very start',
      tenTimes((i) => `${sentence(i, 2 + (i % 5))}\n---\nAnswer the request above.`),
      [10],
    ],
    [
      'a slot holding two hundred lines of code',
      tenTimes(
        (i) =>
          `Add a docstring to:\n${Array.from({ length: 200 }, (_, l) => `x${l} = ${i * l}`).join('\n')}\nThanks.`,
      ),
      [10],
    ],
    [
      'an optional passage, in some rows only',
      tenTimes(
        (i) =>
          `Write a Dockerfile for ${WORDS[i]}.\nBase it on node.\n${i % 3 ? '' : 'Use a multi-stage build and a non-root user.\n'}Reply with the file only.`,
      ),
      [10],
    ],
    [
      'a Japanese scaffold, its slot written flush against it',
      tenTimes(
        (i) =>
          `次の${['Rust', 'Go', 'Kotlin', 'Swift', 'Java'][i % 5]}コードをリファクタリングしてください。\n${code(i)}`,
      ),
      [10],
    ],
    [
      'a block of pasted code that some rows leave empty',
      tenTimes((i) => `Write a loader for ${WORDS[i]}.\nExamples:${i % 4 ? `\n${code(i)}` : ''}`),
      [10],
    ],
    [
      'a passage added from some row on: the template in a new version, another template',
      [
        ...tenTimes((i) => `Review the ${WORDS[i]} diff. Be concise.`),
        ...tenTimes(
          (i) => `Review the ${WORDS[i]} diff. Do not comment on formatting a linter would fix. Be concise.`,
        ),
      ],
      [10, 10],
    ],
    [
      'one optional word: two templates',
      tenTimes((i) => `Write ${i % 3 ? '' : 'unit '}tests for ${WORDS[i]}.\nThanks.`),
      [4, 6],
    ],
    [
      'a gap where some rows hold a masked variable in brackets',
      tenTimes((i) => `Call the job with (${['filters', 'options', `${i * 7}`][i % 3]}).\nThen stop.`),
      [10],
    ],
    [
      'two templates differing by one constant word',
      [
        ...tenTimes((i) => `Write unit tests for ${WORDS[i]} with pytest.`),
        ...tenTimes((i) => `Write integration tests for ${WORDS[9 - i]} with pytest.`),
      ],
      [10, 10],
    ],
    [
      'a slot that takes one of three values (an enumeration)',
      tenTimes(
        (i) =>
          `${sentence(i, 4)}?\nAnswer concisely. If code is needed, use ${['Python', 'Go', 'Rust'][i % 3]}.`,
      ),
      [10],
    ],
    [
      'templates that share nothing but pasted code',
      [
        ...tenTimes((i) => code(i)),
        ...tenTimes((i) => `${code(i)}\nWhat does this print?`),
        ...tenTimes((i) => `Suggest better names for the variables in this snippet:\n${code(i)}`),
      ],
      [10, 10, 10],
    ],
    [
      'two slots whose values go together',
      tenTimes((i) => {
        const [orm, language] = [
          ['TypeORM', 'TypeScript'],
          ['Prisma', 'TypeScript'],
          ['GORM', 'Go'],
          ['SQLAlchemy', 'Python'],
        ][i % 4] as [string, string];
        return `Convert the query into ${orm} code (${language}).\nUse the model ${WORDS[i]}.`;
      }),
      [10],
    ],
    [
      'three templates in one cluster, two of them one word apart',
      [
        ...tenTimes(
          (i) =>
            `Write a ${i % 2 ? 'concise' : 'detailed'} commit message for the following diff:\n${code(i)}`,
        ),
        ...tenTimes((i) => `Write a commit message following the Conventional Commits spec.\n${code(i)}`),
      ],
      [5, 5, 10],
    ],
    [
      'two unrelated templates for the same method',
      [
        ...tenTimes((i) => `Write the method ${WORDS[i]} of the service class.\nReturn only the code.`),
        ...tenTimes((i) => `Refactor the code below, goal: ${sentence(i, 4)}\nKeep the behaviour identical.`),
      ],
      [10, 10],
    ],
  ])('%s', (_name, prompts, sizes) => {
    expect(groupsOf(prompts).map((group) => group.length)).toEqual(sizes);
  });

  test.each([
    [
      'after a slot',
      (word: string, first: boolean) => `Generate code for ${word} ${first ? 'quickly' : 'carefully'}.`,
    ],
    [
      'before a slot',
      (word: string, first: boolean) => `Generate ${first ? 'fast' : 'safe'} ${word} code now.`,
    ],
    [
      'after a slot at the start',
      (word: string, first: boolean) => `${word} ${first ? 'cache' : 'store'}: add a lookup.`,
    ],
  ])('a constant word right %s still makes two templates', (_name, render) => {
    const prompts = Array.from({ length: 40 }, (_, i) => render(WORDS[(i * 7) % 10] as string, i % 3 === 0));
    expect(groupsOf(prompts).map((group) => group.length)).toEqual([14, 26]);
  });

  test('a gap that becomes a slot makes one checked before it a slot too, in the templates kept', () => {
    const languages = ['TypeScript', 'Python', 'Go'];
    const frameworks = ['Koa', 'Express', 'FastAPI', 'Gin', 'Flask', 'Fastify', 'Echo', 'Django'];
    const miner = new PromptTemplateMiner();
    miner.learnBatch(
      Array.from({ length: 12 }, (_, i) =>
        row(
          `Service name: ${WORDS[(i * 3) % 10]}-svc\nLanguage: ${languages[i % 3]}\n` +
            `Framework: ${frameworks[(i * 5) % 8]}\nTask: build the service.`,
          i,
        ),
      ),
    );
    // Three languages among rows agreeing on the other gaps, once those are slots: a slot.
    expect(miner.templates().map(({ template, memberCount }) => [template, memberCount])).toEqual([
      ['Service name: <*>\nLanguage: <*>\nFramework: <*>\nTask: build the service.', 12],
    ]);
  });

  test('a short scaffold proven on rows takes in long free text, and the clusters such rows started', () => {
    const request = (i: number) =>
      `Can you write code so that the ${WORDS[i]} job must archive ${WORDS[(i + 3) % 10]} records ` +
      'while respecting tenant isolation and audit rules';
    const prompt = (instruction: string) => `### Instruction:\n${instruction}\n\n### Response:`;
    // Two long requests first: alike enough to start a cluster of their own before the scaffold shows.
    const prompts = [
      prompt(request(1)),
      prompt(request(2)),
      ...Array.from({ length: 8 }, (_, i) => prompt(freeText(i, 1 + (i % 2)))),
      prompt(request(5)),
    ];
    const miner = new PromptTemplateMiner();
    miner.learnBatch(prompts.map((text, i) => row(text, i)));
    expect(miner.templates().map(({ template, memberCount }) => [template, memberCount])).toEqual([
      ['### Instruction:\n<*>\n### Response:', 11],
    ]);
    expect(groupsOf(prompts).map((group) => group.length)).toEqual([11]);
  });

  test('a template of settled rows keeps most of its content words: a long prompt sharing a few stays apart', () => {
    const short = (i: number) =>
      `Generate a router for the ${WORDS[i]} domain in the ${WORDS[(i + 3) % 10]} module.`;
    const long =
      'You are a senior backend engineer. You write production quality code that follows our conventions:\n' +
      '- Use dependency injection everywhere.\n- Validate all inputs and throw typed errors.\n' +
      '- Prefer small pure functions and avoid global state.\n- Log with the shared logger instance.\n' +
      'Task: Generate the HTTP router for the orders resource.\nReturn only the code, without explanations.';
    const prompts = [short(0), short(1), short(2), short(3), long, short(4), short(5)];
    const miner = new PromptTemplateMiner();
    miner.learnBatch(prompts.map((text, i) => row(text, i)));
    expect(miner.templates().map(({ template }) => template)).toContain(
      'Generate a router for the <*> domain in the <*> module.',
    );
    expect(groupsOf(prompts).map((group) => group.length)).toEqual([6, 1]);
  });

  test('a short template sharing a few words with a long one leaves the long one whole', () => {
    const review = (i: number) =>
      `## Context\n${sentence(i, 3 + (i % 4))}\n## Code\n${code(i)}\n## Task\nReview the code above and list concrete problems.\n## Constraints\n- Limit the answer to ${i + 3} bullet points.`;
    const rows = [
      ...Array.from({ length: 10 }, (_, i) => row(review(i), i)),
      ...Array.from({ length: 10 }, (_, i) => row(`${code(i)}\nReview the code above.`, 10 + i)),
    ];
    const miner = new PromptTemplateMiner();
    rows.forEach((each) => miner.add(each));
    expect(miner.templates().map((template) => template.template)).toEqual(
      expect.arrayContaining([
        '## Context\n<*>\n## Code\n<CODE>\n## Task\nReview the code above and list concrete problems.\n' +
          '## Constraints\n- Limit the answer to <NUM> bullet points.',
        '<CODE>\nReview the code above.',
      ]),
    );
    expect(miner.templates()).toHaveLength(2);
  });

  test('a slot of forty lines of free text in a large vocabulary', () => {
    const random = mulberry32(40);
    const line = () => Array.from({ length: 8 }, () => `w${Math.floor(random() * 5000)}`).join(' ');
    const prompts = Array.from(
      { length: 30 },
      () =>
        `You are a careful senior engineer.\nRequirements:\n${Array.from({ length: 40 }, line).join('\n')}\nReturn only the code, no explanations.`,
    );
    expect(groupsOf(prompts).map((group) => group.length)).toEqual([30]);
  });

  test('near-duplicate templates stay apart even when interleaved', () => {
    const prompts = Array.from({ length: 30 }, (_, i) =>
      i % 3 === 0
        ? `Create a model named ${WORDS[i % 10]}. All fields are optional.`
        : `Create a model named ${WORDS[i % 10]}. All fields are required.`,
    );
    expect(groupsOf(prompts).map((group) => group.length)).toEqual([10, 20]);
  });

  test('templates of different methods stay apart unless they read the same', () => {
    const rows = [
      ...Array.from({ length: 5 }, (_, i) => row(`Implement ${WORDS[i]} quickly.`, i, 'a_method')),
      ...Array.from({ length: 5 }, (_, i) => row(`Document ${WORDS[i]} quickly.`, 5 + i, 'b_method')),
    ];
    expect(groupsOf(rows)).toEqual([
      [0, 1, 2, 3, 4],
      [5, 6, 7, 8, 9],
    ]);
  });

  test('a method name that reads as a word fills the slot that code-like method names leave', () => {
    const methods = ['rateLimit', 'authGuard', 'timed', 'requestId', 'cors_check', 'logged'];
    const rows = methods.flatMap((method, m) =>
      [0, 1].map((i) =>
        row(
          `Write an Express middleware named ${method} that ${sentence(m + i, 3 + i)}.\nReject bad requests.`,
          m * 2 + i,
          method,
        ),
      ),
    );
    expect(groupsOf(rows).map((group) => group.length)).toEqual([12]);
  });

  test('a line break beside a slot is no difference between templates', () => {
    expect(templateFingerprint('<*>\nThe code above fails.')).toBe(
      templateFingerprint('<*> The code above fails.'),
    );
    expect(templateFingerprint('Fix:\n<*>\nThanks')).toBe(templateFingerprint('Fix: <*> Thanks'));
    expect(templateFingerprint('Fix:\nit')).not.toBe(templateFingerprint('Fix: it'));
  });

  test('nor is pasted code or a variable filling a slot or part of it, or an article before a slot', () => {
    const error = templateFingerprint('Error:\n<CODE>\nExplain the cause.');
    expect(templateFingerprint('Error:\n<*> <CODE>\nExplain the cause.')).toBe(error);
    expect(templateFingerprint('Error:\n<*>\nExplain the cause.')).toBe(error);
    expect(templateFingerprint('Error:\n<JSON> <*>\nExplain the cause.')).toBe(error);
    expect(templateFingerprint('You are a <*>. Answer briefly.')).toBe(
      templateFingerprint('You are <*>. Answer briefly.'),
    );
    // A masked variable alone beside a slot is part of it: a file name line above a linter's report.
    expect(templateFingerprint('Fix these ESLint errors:\n<PATH>\n<CODE>\n<CODE>')).toBe(
      templateFingerprint('Fix these ESLint errors:\n<*> <CODE>'),
    );
    expect(templateFingerprint('Open <PATH> and fix <*>')).not.toBe(templateFingerprint('Open and fix <*>'));
    // Constants still tell templates apart, between slots too.
    expect(templateFingerprint('Convert <*> to <*>')).not.toBe(templateFingerprint('Convert <*> into <*>'));
    expect(templateFingerprint('Error:\n<CODE>\nExplain the fix.')).not.toBe(error);
  });

  test('a template whose method names follow the data is one template, within a node type', () => {
    const prompt = (i: number) =>
      `Write the method for ${WORDS[i]} in the ${WORDS[9 - i]} module.\nOnly code.`;
    const rows = [
      // Each row its own method name, as in `find_alpha`, `find_bravo`…
      ...Array.from({ length: 7 }, (_, i) => row(prompt(i), i, `find_${WORDS[i]}`)),
      // The same text under another node type is learnt there.
      { ...row(prompt(8), 7, 'find_india'), node_type: 'router' },
      row(`Explain what ${WORDS[3]} does, in plain words.`, 8, 'find_juliet'),
    ];
    expect(groupsOf(rows)).toEqual([[0, 1, 2, 3, 4, 5, 6], [7], [8]]);
  });
});

describe('rows of one template in several node types', () => {
  test('go to the most specific template proven in any of them', () => {
    const review = (i: number, nodeType: string) => ({
      ...row(
        `System: You are a careful reviewer of the platform team.\nUser: Review this diff and list its issues by severity:\n${code(i)}\nAnswer in Markdown.`,
        i,
      ),
      node_type: nodeType,
    });
    const generic = (i: number) => ({
      ...row(
        `System: You are ${sentence(i, 2 + (i % 3))} of the platform team.\nUser: ${sentence(i + 4, 4 + (i % 4))}\nAnswer in Markdown.`,
        20 + i,
      ),
      node_type: 'router',
    });
    // Rows of the review template in the router partition come late: the wrapper whose system and
    // user turns are slots takes them in there.
    const rows = [
      ...Array.from({ length: 6 }, (_, i) => review(i, 'service')),
      ...Array.from({ length: 8 }, (_, i) => generic(i)),
      review(6, 'router'),
      review(7, 'router'),
    ];
    const miner = new PromptTemplateMiner();
    miner.learnBatch(rows);
    const fingerprints = rows.map((each) => miner.match(each));
    expect(new Set(fingerprints.slice(0, 6)).size).toBe(1);
    expect(new Set(fingerprints.slice(6, 14)).size).toBe(1);
    expect(fingerprints[14]).toBe(fingerprints[0]);
    expect(fingerprints[15]).toBe(fingerprints[0]);
    expect(fingerprints[6]).not.toBe(fingerprints[0]);
  });
});

describe('rows without a node type', () => {
  test('are filed under the keyed template that generalises theirs', () => {
    const languages = ['Python', 'Go', 'Rust', 'Java'];
    const keyed = Array.from({ length: 12 }, (_, i) => ({
      ...row(`Convert this curl command to ${languages[i % 4]}:\ncurl -X POST "${WORDS[i]}"`, i),
      node_type: 'snippet',
    }));
    // Two keyless rows: too few for their own partition to see that the language is a slot.
    const keyless = [0, 1].map((i) => ({
      ...row(`Convert this curl command to ${languages[i]}:\ncurl -X POST "${WORDS[i + 5]}"`, 12 + i),
      node_type: null,
    }));
    const quoted = Array.from({ length: 4 }, (_, i) => ({
      ...row(`Rewrite this error message for users: "${WORDS[i]} failed"`, 14 + i),
      node_type: 'string',
    }));
    // Keyless rows whose messages are not quoted: theirs is `<*>` where the keyed one has `<STR>`.
    const unquoted = ['it broke', 'the disk is full', 'no network'].map((message, i) => ({
      ...row(`Rewrite this error message for users: ${message}`, 18 + i),
      node_type: null,
    }));
    const miner = new PromptTemplateMiner();
    const rows = [...keyed, ...keyless, ...quoted, ...unquoted];
    miner.learnBatch(rows);
    const fingerprints = rows.map((each) => miner.match(each));
    expect(new Set(fingerprints.slice(0, 14)).size).toBe(1);
    expect(new Set(fingerprints.slice(14)).size).toBe(1);
    expect(miner.templates().map(({ template, memberCount }) => [template, memberCount])).toEqual([
      ['Convert this curl command to <*>\ncurl -X POST <STR>', 14],
      ['Rewrite this error message for users: <STR>', 7],
    ]);
  });

  test('a row whose value is new to its keyless template is filed under the keyed one', () => {
    const prompt = (word: string) =>
      `Add JSDoc comments to every exported function of the ${word} module. Do not change any behavior.`;
    const keyed = Array.from({ length: 6 }, (_, i) => ({
      ...row(prompt(WORDS[i] as string), i),
      node_type: 'docs',
    }));
    const miner = new PromptTemplateMiner();
    miner.learnBatch([...keyed, { ...row(prompt('golf'), 6), node_type: null }]);
    const home = miner.match(keyed[0] as PromptRow);
    // Learnt and not: two values of the keyless partition's own would make two templates there.
    expect(miner.match({ ...row(prompt('golf'), 6), node_type: null })).toBe(home);
    expect(miner.match({ ...row(prompt('hotel'), 7), node_type: null })).toBe(home);
  });

  test('a keyless row of long free text is filed under a short keyed scaffold proven on rows', () => {
    const prompt = (instruction: string) => `### Instruction:\n${instruction}\n\n### Response:`;
    const keyed = Array.from({ length: 8 }, (_, i) => ({
      ...row(prompt(freeText(i, 1 + (i % 2))), i),
      node_type: 'chat',
    }));
    const keyless = { ...row(prompt(freeText(9, 30)), 8), node_type: null };
    expect(new Set(groupsOf([...keyed, keyless]).map((group) => group.length))).toEqual(new Set([9]));
  });

  test('rows of templates sharing a long preamble go each to the keyed template that generalises them', () => {
    const preamble =
      'You are a senior backend engineer. You write production quality code that follows our conventions:\n' +
      '- Use dependency injection everywhere.\n- Validate all inputs and throw typed errors.\n' +
      '- Prefer small pure functions.\n';
    const router = (word: string) =>
      `${preamble}Task: generate the HTTP router for the ${word} resource with pagination.\nReturn only code.`;
    const repository = (word: string) =>
      `${preamble}Task: implement a caching repository that stores ${word} entities in Redis.\nReturn only code.`;
    const keyed = (render: (word: string) => string, node: string, from: number) =>
      Array.from({ length: 6 }, (_, i) => ({
        ...row(render(WORDS[i] as string), from + i),
        node_type: node,
      }));
    // Four keyless rows, two of each: their partition merges them into `Task: <*>`.
    const keyless = [router('golf'), repository('golf'), router('hotel'), repository('india')].map(
      (text, i) => ({ ...row(text, 12 + i), node_type: null }),
    );
    const groups = groupsOf([
      ...keyed(router, 'router', 0),
      ...keyed(repository, 'repository', 6),
      ...keyless,
    ]);
    expect(groups).toEqual([
      [0, 1, 2, 3, 4, 5, 12, 14],
      [6, 7, 8, 9, 10, 11, 13, 15],
    ]);
  });

  test('keep a template of their own that no keyed template generalises', () => {
    const rows = [
      ...Array.from({ length: 4 }, (_, i) => ({
        ...row(`Write unit tests for ${WORDS[i]}.`, i),
        node_type: 'service',
      })),
      ...Array.from({ length: 4 }, (_, i) => ({
        ...row(`Write integration tests for ${WORDS[i]}.`, 4 + i),
        node_type: null,
      })),
    ];
    expect(groupsOf(rows).map((group) => group.length)).toEqual([4, 4]);
  });
});

describe('the miner state', () => {
  const rows = generateHistory({ seed: 11, rows: 600 });

  test.each([0, 1, 299, 599, 600])(
    'an incremental run resumed after %i rows ends where a full run ends',
    (split) => {
      const full = new PromptTemplateMiner();
      const fullFingerprints = rows.map((each) => full.add(each));

      const first = new PromptTemplateMiner();
      const before = rows.slice(0, split).map((each) => first.add(each));
      const saved = JSON.parse(JSON.stringify(first.exportState())) as PromptMinerState;
      const resumed = new PromptTemplateMiner();
      resumed.importState(saved);
      const after = rows.slice(split).map((each) => resumed.add(each));

      expect([...before, ...after]).toEqual(fullFingerprints);
      expect(resumed.exportState()).toEqual(full.exportState());
      expect(resumed.templates()).toEqual(full.templates());
    },
  );

  test('a state saved by another version of the miner is refused, with the way out', () => {
    const state = new PromptTemplateMiner().exportState();
    expect(() => new PromptTemplateMiner().importState({ ...state, version: 'prompt-templates/1' })).toThrow(
      'prompt miner state is prompt-templates/1, this miner is prompt-templates/9: rebuild it with `run --full`',
    );
  });

  test.each([
    ['service', MAX_CLUSTERS_PER_PARTITION],
    [null, MAX_KEYLESS_CLUSTERS],
  ])(
    'prompts that follow no template keep the number of clusters bounded (node type %s)',
    (nodeType, limit) => {
      const miner = new PromptTemplateMiner();
      for (let i = 0; i < limit + 50; i += 1) {
        miner.add({
          ...row(`${WORDS[i % 10]}${i} ${WORDS[(i * 3) % 10]}x${i} q${i}`, i),
          node_type: nodeType,
        });
      }
      expect(miner.exportState().partitions[0]?.clusters).toHaveLength(limit);
    },
  );

  test.each([
    ['null keys', { history_id: 'n', node_type: null, method_name: null, prompt_text: 'Hello there.' }],
    ['an empty prompt', { history_id: 'e', node_type: 'service', method_name: 'm', prompt_text: '' }],
  ])('%s', (_name, input) => {
    const miner = new PromptTemplateMiner();
    expect(miner.add(input)).toMatch(/^[0-9a-f]{32}$/);
    expect(miner.add({ ...input, history_id: 'again' })).toBe(miner.match(input));
  });

  test('one scaffold serving several node types is one template', () => {
    const miner = new PromptTemplateMiner();
    const nodeTypes = ['service', 'router', 'utility'];
    const fingerprints = Array.from({ length: 18 }, (_, i) =>
      miner.add({
        history_id: `r${i}`,
        node_type: nodeTypes[i % 3] as string,
        method_name: 'fix',
        prompt_text: `Fix this code. It raises ${WORDS[i % 10]}Error at line ${i + 3}.`,
      }),
    );
    const [template, ...others] = miner.templates();
    expect(others).toEqual([]);
    expect(template).toMatchObject({ nodeTypes, template: 'Fix this code. It raises <*> at line <NUM>.' });
    expect(fingerprints.slice(-3)).toEqual(Array(3).fill(template?.fingerprint));
  });

  test('a scaffold that names its own node type is one template, that node type a slot', () => {
    const nodeTypes = ['service', 'router', 'job'];
    const rows = Array.from({ length: 12 }, (_, i): PromptRow => {
      const nodeType = nodeTypes[i % 3] as string;
      const text = `Generate a ${nodeType} for the ${WORDS[i % 10]} domain. The ${nodeType} must log its errors.`;
      return { history_id: `r${i}`, node_type: nodeType, method_name: 'generateNode', prompt_text: text };
    });
    // The same word in a scaffold of one node type only is a constant of it.
    const lone = Array.from({ length: 4 }, (_, i): PromptRow => ({
      history_id: `s${i}`,
      node_type: 'service',
      method_name: 'wrap',
      prompt_text: `Wrap the ${WORDS[i]} client in a service class with retries.`,
    }));
    const miner = new PromptTemplateMiner();
    const fingerprints = miner.learnBatch([...rows, ...lone]);
    expect(new Set(fingerprints.slice(0, 12)).size).toBe(1);
    expect(miner.templates().map(({ template, nodeTypes: types }) => [template, types])).toEqual([
      ['Generate a <*> for the <*> domain. The <*> must log its errors.', nodeTypes],
      ['Wrap the <*> client in a service class with retries.', ['service']],
    ]);
  });

  test('node types whose templates draw a slot edge apart still share one, that node type a slot', () => {
    // Some compute rows go on to the last line on the same line: compute's slot takes the line break.
    const rows = Array.from({ length: 24 }, (_, i): PromptRow => {
      const nodeType = i % 2 === 0 ? 'effect' : 'compute';
      const end = nodeType === 'compute' && i % 4 === 1 ? ' ' : '\n';
      return {
        history_id: `r${i}`,
        node_type: nodeType,
        method_name: 'implement',
        prompt_text:
          `Implement ${WORDS[(i * 3) % 10]} for the ONEX ${nodeType} node.\nRequirements:\n` +
          `- keep ${WORDS[i % 10]} ${WORDS[(i + 3) % 10]}${end}Return only the implementation.`,
      };
    });
    const miner = new PromptTemplateMiner();
    expect(new Set(miner.learnBatch(rows)).size).toBe(1);
    expect(miner.templates().map(({ template, nodeTypes }) => [template, nodeTypes])).toEqual([
      [
        'Implement <*> for the ONEX <*> node.\nRequirements:\n- keep <*>\nReturn only the implementation.',
        ['effect', 'compute'],
      ],
    ]);
  });

  test.each([
    [['service', 'controller', 'repository'], ['Scaffold a <*> in <*>']],
    [
      ['service', 'controller'],
      ['Scaffold a <*> service <*> in <*>', 'Scaffold a <*> controller <*> in <*>'],
    ],
  ])(
    'templates that differ in one word only: %j of them are one, a slot there; two are two',
    (kinds, templates) => {
      const frameworks = ['Flask', 'Gin', 'Echo', 'NestJS', 'Django', 'Rails', 'Fastify', 'Quarkus'];
      // Ten rows per kind, a framework and a name each: every kind settles on a cluster of its own first.
      const rows = kinds.flatMap((kind, k) =>
        Array.from({ length: 10 }, (_, i): PromptRow => ({
          history_id: `r${k}-${i}`,
          node_type: 'compute',
          method_name: 'scaffold',
          prompt_text: `Scaffold a ${frameworks[(i * 5) % 8]} ${kind} ${WORDS[i % 10]}Thing in src/${WORDS[(i + 2) % 10]}.ts.`,
        })),
      );
      const miner = new PromptTemplateMiner();
      expect(new Set(miner.learnBatch(rows)).size).toBe(templates.length);
      expect(miner.templates().map(({ template }) => template)).toEqual(templates);
    },
  );

  test('a row that a cluster of chance words took in is no template once a template takes the row', () => {
    const row = (id: string, text: string): PromptRow => ({
      history_id: id,
      node_type: 'compute',
      method_name: 'ask',
      prompt_text: text,
    });
    const note =
      'Timezone is the tenant timezone and all dates in the export are local to the tenant office.';
    // Two prompts of two scaffolds share a sentence: one cluster, each row a variant of its own.
    const question = row('a', `Q: why is it so slow? ${note} Answer it briefly. A:`);
    const miner = new PromptTemplateMiner();
    const [first] = miner.learnBatch([
      question,
      row('b', `Fix: the wrong totals. ${note} Thanks a lot, really!`),
    ]);
    expect(miner.templates().map(({ fingerprint }) => fingerprint)).toContain(first);
    const asks = ['how do I page', 'why does it crash on', 'what is wrong with', 'can we cache', 'where is'];
    miner.learnBatch(asks.map((ask, i) => row(`q${i}`, `Q: ${ask} ${WORDS[i]}? A:`)));
    const home = miner.match(question);
    expect(home).not.toBe(first);
    // Its totals move to where it is matched now, as a template's that went stale do.
    const fingerprints = miner.templates().map(({ fingerprint }) => fingerprint);
    expect(fingerprints).toContain(home);
    expect(fingerprints).not.toContain(first);
  });

  test('a state of another algorithm version is refused', () => {
    const miner = new PromptTemplateMiner();
    expect(() => miner.importState({ version: 'prompt-templates/0', rows: 0, partitions: [] })).toThrow(
      /prompt-templates\/0/,
    );
  });

  test('fingerprints are stable, versioned hashes and templates list slots, counts and examples', () => {
    const one = new PromptTemplateMiner();
    const two = new PromptTemplateMiner();
    const prompts = Array.from({ length: 8 }, (_, i) => row(`Cover ${i + 2} cases of ${WORDS[i]} now.`, i));
    const fingerprints = prompts.map((each) => one.add(each));
    expect(prompts.map((each) => two.add(each))).toEqual(fingerprints);
    expect(ALGORITHM_VERSION).toMatch(/^prompt-templates\/\d+$/);

    const [template, ...others] = one.templates();
    expect(others).toEqual([]);
    expect(template).toEqual({
      fingerprint: one.match(prompts[0] as PromptRow),
      nodeTypes: ['service'],
      methodNames: ['generate'],
      template: 'Cover <NUM> cases of <*> now.',
      slots: ['<NUM>', '<*>'],
      memberCount: 8,
      exampleIds: ['r0', 'r1', 'r2', 'r3', 'r4'],
    });
    expect(template?.fingerprint).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('accuracy on generated history', () => {
  test.each([1, 2, 3, 4])('seed %i: grouping accuracy at least 0.95 over 3000 rows', (seed) => {
    const rows = generateHistory({ seed, rows: 3000 });
    const miner = new PromptTemplateMiner();
    rows.forEach((each) => miner.add(each));
    const score = scoreGrouping(
      rows.map((each) => each.truth.templateId),
      rows.map((each) => miner.match(each)),
    );
    expect(score.ga).toBeGreaterThanOrEqual(0.95);
  });

  test.each([5, 6])('seed %i: matching each batch of 500 after learning it groups as well', (seed) => {
    const rows = generateHistory({ seed, rows: 3000 });
    const miner = new PromptTemplateMiner();
    const assigned: string[] = [];
    for (let start = 0; start < rows.length; start += 500) {
      const batch = rows.slice(start, start + 500);
      batch.forEach((each) => miner.learn(each));
      assigned.push(...batch.map((each) => miner.match(each)));
    }
    const score = scoreGrouping(
      rows.map((each) => each.truth.templateId),
      assigned,
    );
    expect(score.ga).toBeGreaterThanOrEqual(0.95);
  });
});

describe('learnBatch', () => {
  test.each([7, 8])(
    'seed %i: what learning each batch, then matching it, gives (fingerprints and state)',
    (seed) => {
      const rows = generateHistory({ seed, rows: 1500 });
      const batched = new PromptTemplateMiner();
      const rowByRow = new PromptTemplateMiner();
      let start = 0;
      for (const size of [1, 2, 499, 500, 498]) {
        const batch = rows.slice(start, start + size);
        start += size;
        batch.forEach((each) => rowByRow.learn(each));
        const expected = batch.map((each) => rowByRow.match(each));
        expect(batched.learnBatch(batch)).toEqual(expected);
        expect(batched.exportState()).toEqual(rowByRow.exportState());
      }
    },
  );

  test('what learning then matching gives when templates keep changing shape, resumed halfway', () => {
    const random = mulberry32(12);
    const pick = (words: readonly string[]) => words[Math.floor(random() * words.length)] as string;
    const prompts = Array.from({ length: 900 }, (_, i): PromptRow => {
      const kind = Math.floor(random() * 6);
      const method = i % 4 === 0 ? 'b_method' : 'a_method';
      // A switch word that turns into a slot once it has taken enough values, as rows come in.
      const word = pick(WORDS.slice(0, 2 + Math.floor(i / 150)));
      const text = [
        `Create a model named ${word}. All fields are ${random() < 0.3 ? 'optional' : 'required'}.`,
        `Write the ${word} handler.\nRequirements:\n${sentence(i, 3 + Math.floor(random() * 30))}\nReturn only code.`,
        `${word}${i} ${pick(WORDS)}x${i} q${i}`,
        `Create a model named ${word}. All fields are required.`,
        `Fix the bug in ${word}: ${sentence(i, 2)} at line ${i % 40}.`,
        `Write the ${word} handler.\nRequirements:\n${sentence(i, 6)}\nReturn only code.`,
      ][kind] as string;
      return row(text, i, method);
    });
    const batched = new PromptTemplateMiner();
    const rowByRow = new PromptTemplateMiner();
    let start = 0;
    for (const size of [3, 1, 50, 7, 200, 89, 150, 400]) {
      const batch = prompts.slice(start, start + size);
      start += size;
      batch.forEach((each) => rowByRow.learn(each));
      expect(batched.learnBatch(batch)).toEqual(batch.map((each) => rowByRow.match(each)));
      expect(batched.exportState()).toEqual(rowByRow.exportState());
      if (start === 261)
        batched.importState(JSON.parse(JSON.stringify(batched.exportState())) as PromptMinerState);
    }
    expect(start).toBe(prompts.length);
  });

  test('what a miner that remembers nothing between rows learns: rows seen before are only counted', () => {
    const generated = generateHistory({ seed: 9, rows: 600 });
    // Every prompt twice more, later: masked alike, so the miner may count them without aligning.
    const rows = [...generated, ...generated.slice(0, 300), ...generated.slice(0, 300)].map(
      (each, index): PromptRow => ({ ...each, history_id: `r${index}` }),
    );
    const remembering = new PromptTemplateMiner();
    const forgetting = new PromptTemplateMiner();
    for (let start = 0; start < rows.length; start += 400) {
      const batch = rows.slice(start, start + 400);
      remembering.learnBatch(batch);
      for (const each of batch) {
        forgetting.importState(forgetting.exportState());
        forgetting.learn(each);
      }
      expect(remembering.exportState()).toEqual(forgetting.exportState());
    }
    const counted = remembering.templates().reduce((sum, template) => sum + template.memberCount, 0);
    expect(counted).toBe(rows.length);
  });

  test('equal prompts of other partitions are matched on their own, to one template; an empty batch gives nothing', () => {
    const text = 'Write the handler for the shipping service.\nKeep it short and typed.';
    const prompts = [row(text, 0, 'create'), row(text, 1, 'update'), { ...row(text, 2), node_type: 'job' }];
    const miner = new PromptTemplateMiner();
    const fingerprints = miner.learnBatch([...prompts, { ...prompts[0], history_id: 'r3' } as PromptRow]);
    expect(fingerprints).toEqual([...prompts, prompts[0] as PromptRow].map((each) => miner.match(each)));
    expect(new Set(fingerprints).size).toBe(1);
    expect(miner.templates()).toMatchObject([
      { nodeTypes: ['service', 'job'], methodNames: ['create', 'update', 'generate'] },
    ]);
    expect(miner.learnBatch([])).toEqual([]);
  });
});
