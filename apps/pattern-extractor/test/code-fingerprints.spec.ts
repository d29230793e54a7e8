import { describe, expect, test } from '@jest/globals';
import {
  ALGORITHM_VERSION,
  detectLanguage,
  fencedCode,
  fingerprintCode,
} from '../src/mining/code-fingerprints';
import { generateHistory } from '../src/mining/history-generator';
import type { CodeLanguage } from '../src/mining/code-languages';
import { tokenize } from '../src/mining/code-tokenizer';

const BASE_PY = `import json
import requests

def fetch_user(base_url, user_id):
    """Fetch one user."""
    response = requests.get(base_url + "/users/" + str(user_id), timeout=10)
    response.raise_for_status()
    return json.loads(response.text)
`;

/** A class with a private field and two private methods, one of them called. */
const MEMBERS_TS = `export class ReportCache {
  private cache = new Map<string, number>();

  private loadAll(): number[] {
    return [...this.cache.values()];
  }

  private loadActive(): number[] {
    return this.loadAll().filter((value) => value > 0);
  }

  count(): number {
    return this.loadAll().length;
  }
}
`;

/** A dataclass field, used through `self`. */
const DATACLASS_PY = `@dataclass
class Basket:
    tags: list

    def add(self, item):
        self.tags.append(item)
`;

/** An entity whose column is read from another object. */
const ENTITY_TS = `@Entity()
export class Order {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ length: 20 })
  title: string;
}

export const caption = (order: Order) => order.title.toUpperCase();
`;

/** A NestJS controller whose parameter is behind a decorator. */
const DECORATED_TS = `@Controller('users')
export class UsersController {
  @Get(':id')
  getOne(@Param('id') id: string) {
    return this.users.findOne(id);
  }
}
`;

/** A NestJS service with its repository injected as a constructor parameter property. */
const INJECTED_TS = `@Injectable()
export class UserService {
  constructor(private readonly users: Repository<UserEntity>) {}

  async find(id: string) {
    return this.users.findOne({ where: { id } });
  }
}
`;

const BASE_TS = `import { Injectable } from '@nestjs/common';

@Injectable()
export class UserService {
  async total(userId: string): Promise<number> {
    const user = await this.repository.findOne(userId);
    return user.total * 2;
  }
}
`;

describe('collisions: the same structure', () => {
  test.each([
    [
      'renamed identifiers',
      BASE_PY,
      BASE_PY.replace(/fetch_user/g, 'load_account')
        .replace(/base_url/g, 'root')
        .replace(/user_id/g, 'ident')
        .replace(/response/g, 'r'),
    ],
    ['2-space indents and tight operators', BASE_PY, BASE_PY.replace(/ {4}/g, '  ').replace(/ \+ /g, '+')],
    ['tabs for indents', BASE_PY, BASE_PY.replace(/ {4}/g, '\t')],
    [
      'keyword arguments to the code’s own class, renamed with its parameters',
      'class Bucket:\n    def __init__(self, capacity, rate):\n        self.capacity = capacity\n\nb = Bucket(capacity=10, rate=2)\n',
      'class Pool:\n    def __init__(self, size, speed):\n        self.size = size\n\nb = Pool(size=10, speed=2)\n',
    ],
    [
      'a method’s parameter list broken over lines, and a call',
      DATACLASS_PY,
      DATACLASS_PY.replace('def add(self, item):', 'def add(self,\n            item):').replace(
        'append(item)',
        'append(\n            item,\n        )',
      ),
    ],
    [
      'a reply that fences the code between prose',
      BASE_PY,
      `Here it is:\n\n\`\`\`python\n${BASE_PY}\`\`\`\nIt raises on 4xx.`,
    ],
    ['a reply cut off inside its fence', BASE_PY, `~~~\n${BASE_PY}`],
    [
      'two fenced blocks',
      MEMBERS_TS,
      `\`\`\`ts\n${MEMBERS_TS.slice(0, 60)}\n\`\`\`\nthen\n\`\`\`\n${MEMBERS_TS.slice(60)}\n\`\`\``,
    ],
    ['no final line break', BASE_PY, BASE_PY.trimEnd()],
    ['a wrapped import list', 'from x import (\n    b,\n    a,\n)\nb(a)\n', 'from x import a, b\nb(a)\n'],
    [
      'wrapped parameters',
      'def f(\n    a,\n    b,\n):\n    return a + b\n',
      'def g(x, y):\n    return x + y\n',
    ],
    [
      'renamed members and methods',
      'class A:\n    def __init__(self, r):\n        self.repo = r\n\n    def get(self, i):\n        return self.repo.find(i)\n',
      'class B:\n    def __init__(self, store):\n        self.store = store\n\n    def fetch(self, key):\n        return self.store.find(key)\n',
    ],
    ['a renamed import alias', 'import numpy as np\nnp.zeros(3)\n', 'import numpy as npy\nnpy.zeros(4)\n'],
    ['a reformatted dict literal', 'd = {"a": 1, "b": 2,}\n', "d = {\n    'a': 5,\n    'b': 6\n}\n"],
    [
      'a renamed typed arrow function',
      'const add = (a: number, b: number): number => a + b;',
      'const plus = (x: number, y: number): number => x + y',
    ],
    ['a string split over lines', 'log("a long message")\n', 'log(\n    "a long "\n    "message"\n)\n'],
    ['arrow parameters in parentheses', 'const f = x => x + 1;', 'const g = (y) => y + 1'],
    ['a Python dict literal', 'def f():\n    d = {}\n    return d\n', 'def g():\n  e = {}\n  return e'],
    [
      'different literals and quotes',
      BASE_PY,
      BASE_PY.replace('"/users/"', "'/accounts/'").replace('10', '30'),
    ],
    [
      'comments added, docstring removed',
      BASE_PY,
      BASE_PY.replace('    """Fetch one user."""\n', '    # fetch it\n'),
    ],
    [
      'import order',
      BASE_PY,
      BASE_PY.replace('import json\nimport requests', 'import requests\nimport json'),
    ],
    [
      'blank lines and a wrapped call',
      BASE_PY,
      BASE_PY.replace('\n\n', '\n\n\n').replace('timeout=10)', '\n        timeout=10,\n    )'),
    ],
    [
      'TypeScript renames, semicolons and comments',
      BASE_TS,
      BASE_TS.replace(/UserService/g, 'AccountService')
        .replace(/userId/g, 'id')
        .replace(/\buser\b/g, 'account')
        .replace(/repository/g, 'repo')
        .replace(/;$/gm, '')
        .replace('async', '// totals\n  async'),
    ],
    ['double-quoted imports', BASE_TS, BASE_TS.replace("'@nestjs/common'", '"@nestjs/common"')],
    [
      'renamed private members',
      MEMBERS_TS,
      MEMBERS_TS.replace(/cache/g, 'memo')
        .replace(/loadAll/g, 'everything')
        .replace(/loadActive/g, 'positive'),
    ],
    ['a renamed decorated parameter', DECORATED_TS, DECORATED_TS.replace(/\bid\b(?!')/g, 'userId')],
    [
      'a renamed injected dependency',
      INJECTED_TS,
      INJECTED_TS.replace(/users/g, 'repo').replace('UserService', 'AccountService'),
    ],
    [
      'a default and named imports reordered',
      "import React, { useState, useEffect } from 'react';\nuseEffect(useState);",
      "import React, { useEffect, useState } from 'react';\nuseEffect(useState);",
    ],
    [
      'a renamed variable passed to a keyword argument of its old name',
      'def fetch(url, params):\n    return requests.get(url, params=params)\n',
      'def fetch(url, query):\n    return requests.get(url, params=query)\n',
    ],
    [
      'a renamed default import',
      "import express from 'express';\nconst app = express();\napp.listen(3000);",
      "import exp from 'express';\nconst server = exp();\nserver.listen(8080);",
    ],
    [
      'a negative literal',
      'def f(n):\n    return n - 1 if n else -1\n',
      'def f(n):\n    return n - 2 if n else 3\n',
    ],
    [
      'a renamed entity of the project, imported from a relative module',
      "import { UserService } from './user.service';\nexport const make = () => new UserService();",
      "import { AccountService } from '../accounts/account.service';\nexport const make = () => new AccountService();",
    ],
    [
      'a renamed model of the project’s own package',
      'from app.models import User\nfrom app.db import get_session\n\nget_session().get(User, 1)\n',
      'from app.database import session_factory\nfrom app.models import Order\n\nsession_factory().get(Order, 1)\n',
    ],
    [
      'a renamed Python model, imported from a relative module',
      'from .models import User\n\ndef get(pk):\n    return User.objects.get(pk=pk)\n',
      'from ..shop.models import Order\n\ndef get(pk):\n    return Order.objects.get(pk=pk)\n',
    ],
    [
      'a renamed dataclass field and its uses',
      DATACLASS_PY,
      DATACLASS_PY.replace(/tags/g, 'labels').replace(/item/g, 'label'),
    ],
    [
      'a renamed pydantic field',
      'class Item(BaseModel):\n    name: str\n    price: float = 0\n',
      'class Product(BaseModel):\n    title: str\n    cost: float = 9\n',
    ],
    ['a renamed entity column and its use elsewhere', ENTITY_TS, ENTITY_TS.replace(/title/g, 'label')],
    [
      'a renamed interface property',
      'interface Props {\n  url: string;\n}\nexport function Avatar({ url }: Props) {\n  return url;\n}\n',
      'interface AvatarProps { src: string }\nexport function Picture({ src }: AvatarProps) { return src }\n',
    ],
    [
      'renamed parameters and type parameters of a generic function',
      'export function paginate<T>(items: T[], page: number, size = 20): T[] {\n  return items.slice((page - 1) * size, page * size);\n}\n',
      'export function paginate<Row>(rows: Row[], pageNo: number, perPage = 50): Row[] {\n  return rows.slice((pageNo - 1) * perPage, pageNo * perPage);\n}\n',
    ],
    [
      'a renamed generic method and its parameters',
      'class Cache {\n  lookup<V extends object>(key: string, fallback: V): V {\n    return this.store.get(key) ?? fallback;\n  }\n}\n',
      'class Store {\n  read<T extends object>(id: string, otherwise: T): T {\n    return this.store.get(id) ?? otherwise;\n  }\n}\n',
    ],
    [
      'a renamed type alias',
      'export const userSchema = z.object({ name: z.string() });\nexport type UserInput = z.infer<typeof userSchema>;\n',
      'export const customerSchema = z.object({ name: z.string() });\nexport type CustomerInput = z.infer<typeof customerSchema>;\n',
    ],
    [
      'renamed parameters of a returned arrow function',
      'function handler(fn) {\n  return (req, res) => fn(req, res);\n}\n',
      'function handler(callback) {\n  return (request, response) => callback(request, response);\n}\n',
    ],
    [
      'other JSX text',
      'export const Spinner = () => <p className="muted">Loading...</p>;',
      'export const Wait = () => <p className="hint">Please wait a moment</p>;',
    ],
    [
      'another method of a project module (its functions are the project’s own names)',
      "import { orderService } from '../services/order.service';\nexport const run = (id) => orderService.handleStripeWebhook(id);",
      "import { refundService } from '../services/refund.service';\nexport const go = (key) => refundService.handleGithubWebhook(key);",
    ],
    [
      'a Python project module’s function',
      'from app.services import ticket_service\n\ndef run(t):\n    return ticket_service.process_ticket(t)\n',
      'from app.services import order_service\n\ndef go(o):\n    return order_service.close_order(o)\n',
    ],
    [
      'other text and renamed names in a template literal',
      'export const fmt = (d: Date) => `${d.getFullYear()}-${d.getMonth()}`;',
      'export const show = (x: Date) => `year ${x.getFullYear()}, month ${x.getMonth()}`;',
    ],
    [
      'another environment variable (a key, as in os.environ["X"])',
      'export const url = process.env.BILLING_URL ?? "http://localhost";',
      'export const url = process.env.SEARCH_API_URL ?? "http://localhost";',
    ],
  ])('%s', (_name, left, right) => {
    expect(fingerprintCode(right).normalized).toEqual(fingerprintCode(left).normalized);
    expect(fingerprintCode(right).fingerprint).toEqual(fingerprintCode(left).fingerprint);
  });
});

describe('separations: a different structure', () => {
  test.each([
    [
      'an added branch',
      BASE_PY,
      BASE_PY.replace(
        '    response.raise_for_status()',
        '    if response.status_code == 404:\n        return None\n    response.raise_for_status()',
      ),
    ],
    ['a different call', BASE_PY, BASE_PY.replace('requests.get', 'requests.post')],
    ['a different keyword argument', 'requests.get(u, timeout=3)\n', 'requests.get(u, verify=3)\n'],
    ['a different loop kind', 'if (a) { b(); }', 'while (a) { b(); }'],
    [
      'a default import of another module',
      "import express from 'express';\nconst app = express();",
      "import express from 'koa';\nconst app = express();",
    ],
    [
      'a different function compared with',
      'if (size < limit(items)) { trim(); }',
      'if (size < max(items)) { trim(); }',
    ],
    ['a different method', BASE_PY, BASE_PY.replace('raise_for_status', 'close')],
    [
      'an extra statement',
      BASE_PY,
      BASE_PY.replace('    return json', '    print(response)\n    return json'),
    ],
    ['one variable used where there were two', BASE_PY, BASE_PY.replace('str(user_id)', 'str(base_url)')],
    ['a different import', BASE_PY, BASE_PY.replace('import json', 'import yaml')],
    [
      'another name from a package',
      'from flask_login import login_user\nlogin_user(u)\n',
      'from flask_login import logout_user\nlogout_user(u)\n',
    ],
    ['a block moved out of a loop', 'for x in xs:\n    a(x)\n    b(x)\n', 'for x in xs:\n    a(x)\nb(x)\n'],
    [
      'a TypeScript guard',
      BASE_TS,
      BASE_TS.replace('    return', "    if (!user) {\n      throw new Error('none');\n    }\n    return"),
    ],
    ['a different TypeScript call', BASE_TS, BASE_TS.replace('findOne', 'findMany')],
    [
      'another of its own methods called',
      MEMBERS_TS,
      MEMBERS_TS.replace('this.loadAll().length', 'this.loadActive().length'),
    ],
    [
      'another Python method called',
      'class A:\n    def load(self):\n        return 1\n\n    def save(self):\n        return self.load()\n',
      'class A:\n    def load(self):\n        return 1\n\n    def save(self):\n        return self.save()\n',
    ],
    [
      'an extra entity column',
      ENTITY_TS,
      ENTITY_TS.replace('  title: string;', '  title: string;\n\n  @Column()\n  body: string;'),
    ],
    ['a member the code does not declare', ENTITY_TS, ENTITY_TS.replace('order.title', 'order.length')],
    [
      'JSX text where there was an expression',
      'export const Total = () => <p>Total</p>;',
      'export const Total = ({ sum }) => <p>{sum}</p>;',
    ],
    [
      'a dataclass field more',
      DATACLASS_PY,
      DATACLASS_PY.replace('    tags: list', '    tags: list\n    size: int'),
    ],
    ['a dependency of another type', INJECTED_TS, INJECTED_TS.replace('Repository', 'Cache')],
    [
      'one more interpolation in a template literal (it is code)',
      'export const fmt = (d: Date) => `${d.getFullYear()}-${d.getMonth()}`;',
      'export const fmt = (d: Date) => `${d.getFullYear()}-${d.getMonth()} ${d.getHours()}`;',
    ],
    [
      'another function of an aliased package (not the project’s own)',
      'import numpy as np\n\ndef f(n):\n    return np.zeros(n)\n',
      'import numpy as np\n\ndef f(n):\n    return np.ones(n)\n',
    ],
    [
      'another method of a member of a project module',
      "import { db } from './db';\nexport const f = (id) => db.users.findMany(id);",
      "import { db } from './db';\nexport const f = (id) => db.users.deleteMany(id);",
    ],
    ['the parameter read instead of the property', INJECTED_TS, INJECTED_TS.replace('this.users.', 'users.')],
  ])('%s', (_name, left, right) => {
    expect(fingerprintCode(right).fingerprint).not.toEqual(fingerprintCode(left).fingerprint);
  });
});

describe('fenced replies', () => {
  test('the fence names the language, and different code in fences stays apart', () => {
    const fenced = (code: string, info = 'ts') => `\`\`\`${info}\n${code}\n\`\`\``;
    const schema = 'export const userSchema = z.object({ name: z.string() });';
    expect(fingerprintCode(fenced(MEMBERS_TS)).fingerprint).not.toEqual(
      fingerprintCode(fenced(schema)).fingerprint,
    );
    expect(fingerprintCode(fenced('x = 1', 'typescript')).language).toBe('typescript');
    expect(fingerprintCode(fenced('x = 1', 'py')).language).toBe('python');
    expect(fencedCode('no fence here')).toBeNull();
  });
});

describe('normal form', () => {
  test('placeholders for the code’s own names, verbatim external names, masked literals', () => {
    expect(fingerprintCode(BASE_PY, 'python').normalized).toBe(
      [
        'import json',
        'import requests',
        'def $0 ( $1 , $2 ) :',
        '{ $3 = requests . get ( $1 + STR + str ( $2 ) , timeout = NUM )',
        '$3 . raise_for_status ( )',
        'return json . loads ( $3 . text )',
        '}',
      ].join('\n'),
    );
  });

  test.each([
    ['python', BASE_PY],
    ['typescript', BASE_TS],
    ['python', 'x = 1\nfor item in items:\n    print(item)\n'],
    ['python', 'def f():\n    d = {}\n    return d\n'],
    ['typescript', 'const d = {\n  key: 1,\n};\nexport default d;'],
    ['typescript', 'const total = items.reduce((sum, item) => sum + item.price, 0);'],
  ])('detects %s', (language, code) => {
    expect(detectLanguage(code)).toBe(language);
    expect(fingerprintCode(code).language).toBe(language);
  });

  test('the fingerprint is a versioned, language-scoped sha256 prefix', () => {
    const { fingerprint } = fingerprintCode('x = 1\n', 'py');
    expect(fingerprint).toMatch(/^[0-9a-f]{32}$/);
    expect(fingerprint).toBe(fingerprintCode('y = 2\n', 'python').fingerprint);
    expect(fingerprint).not.toBe(fingerprintCode('x = 1\n', 'typescript').fingerprint);
    expect(ALGORITHM_VERSION).toMatch(/^code-fingerprints\/\d+$/);
  });

  test.each(['', '   \n', '"""only a docstring"""', 'def broken(:\n  """unterminated'])(
    'survives %j',
    (code) => {
      expect(() => fingerprintCode(code)).not.toThrow();
    },
  );
});

/** Pairwise precision/recall/F1 of predicted labels against true labels, from the contingency table. */
function pairwiseF1(truth: readonly string[], predicted: readonly string[]): number {
  const pairs = (counts: Iterable<number>) => [...counts].reduce((sum, n) => sum + (n * (n - 1)) / 2, 0);
  const count = (labels: readonly string[]) => {
    const counts = new Map<string, number>();
    for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
    return counts.values();
  };
  const together = pairs(count(truth.map((label, index) => `${label}\u0000${predicted[index]}`)));
  const precision = together / pairs(count(predicted));
  const recall = together / pairs(count(truth));
  return (2 * precision * recall) / (precision + recall);
}

describe('accuracy on generated history', () => {
  test.each([1, 2, 3, 4])('seed %i: pairwise F1 at least 0.90 over 3000 rows', (seed) => {
    const rows = generateHistory({ seed, rows: 3000 });
    const predicted = rows.map((row) => fingerprintCode(row.generated_code, row.language).fingerprint);
    expect(
      pairwiseF1(
        rows.map((row) => row.truth.codeFamily),
        predicted,
      ),
    ).toBeGreaterThanOrEqual(0.9);
  });

  test('pairwise F1 is 1 for a perfect grouping and lower for a merged one', () => {
    expect(pairwiseF1(['a', 'a', 'b', 'b'], ['x', 'x', 'y', 'y'])).toBe(1);
    expect(pairwiseF1(['a', 'a', 'b', 'b'], ['x', 'x', 'x', 'x'])).toBeCloseTo(0.5);
  });
});

describe('tokenize', () => {
  const texts = (code: string, language: CodeLanguage) =>
    tokenize(code, language).map((token) => `${token.kind}:${token.text}`);

  test('operators are the longest that fits; Unicode spaces separate tokens', () => {
    expect(texts('a <<= b\u00a0**\u3000c ?? d?.e', 'typescript')).toEqual([
      'name:a',
      'op:<<=',
      'name:b',
      'op:**',
      'name:c',
      'op:??',
      'name:d',
      'op:?.',
      'name:e',
    ]);
  });

  test('names stop at 200 characters; string prefixes and numbers as Python reads them', () => {
    const long = 'n'.repeat(250);
    expect(texts(`${long} = rb'x' + .5e3 + $y`, 'python')).toEqual([
      `name:${'n'.repeat(200)}`,
      `name:${'n'.repeat(50)}`,
      'op:=',
      "string:'x'",
      'op:+',
      'number:.5e3',
      'op:+',
      'name:$y',
      'newline:NEWLINE',
    ]);
  });
});
