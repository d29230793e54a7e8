import { describe, expect, test } from '@jest/globals';
import { detectLanguage, fingerprintCode } from '../src/mining/code-fingerprints';

const GO = `package store

import (
	"encoding/json"
	"net/http"
)

type createRequest struct {
	Name  string \`json:"name"\`
	Limit int    \`json:"limit"\`
}

func (s *Server) Create(w http.ResponseWriter, r *http.Request) {
	var req createRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, "bad body", http.StatusBadRequest)
		return
	}
	id, err := s.repo.Insert(r.Context(), req.Name, req.Limit)
	if err != nil {
		writeError(w, err)
		return
	}
	w.WriteHeader(http.StatusCreated)
	json.NewEncoder(w).Encode(id)
}
`;

const RUST = `use std::fs;
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize, Serialize)]
pub struct Settings {
    pub name: String,
    pub retries: u32,
}

impl Settings {
    pub fn load(path: &str) -> Result<Self, Box<dyn std::error::Error>> {
        let text = fs::read_to_string(path)?;
        let mut settings: Settings = serde_json::from_str(&text)?;
        if settings.retries == 0 {
            settings.retries = 3;
        }
        Ok(settings)
    }
}

pub fn names(all: &[Settings]) -> Vec<String> {
    all.iter().map(|s| s.name.clone()).collect()
}
`;

const JAVA = `package com.acme.billing;

import java.util.List;
import org.springframework.stereotype.Service;
import com.acme.common.Money;

@Service
public class InvoiceService {
    private final InvoiceRepository repository;

    public InvoiceService(InvoiceRepository repository) {
        this.repository = repository;
    }

    public Money total(List<Invoice> invoices) {
        Money sum = Money.ZERO;
        for (Invoice invoice : invoices) {
            sum = sum.plus(invoice.getAmount());
        }
        return sum;
    }
}
`;

const KOTLIN = `package app.feature.orders

import androidx.lifecycle.ViewModel
import androidx.lifecycle.viewModelScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.launch

class OrdersViewModel(private val repository: OrdersRepository) : ViewModel() {
    private val state = MutableStateFlow<OrdersState>(OrdersState.Loading)

    fun refresh(force: Boolean) {
        viewModelScope.launch {
            state.value = try {
                OrdersState.Ready(repository.load(force).map { order -> order.id })
            } catch (e: Exception) {
                OrdersState.Failed(e.message ?: "unknown")
            }
        }
    }
}
`;

const SWIFT = `import SwiftUI

struct OrderRow: View {
    let order: Order
    var onTap: () -> Void

    var body: some View {
        HStack(spacing: 8) {
            Text(order.title)
                .font(.headline)
            Spacer()
        }
        .onTapGesture(perform: onTap)
    }
}
`;

const CSHARP = `using System.Collections;
using UnityEngine;

public class Spawner : MonoBehaviour
{
    [SerializeField] private GameObject prefab;
    [SerializeField] private float interval = 2f;

    private IEnumerator SpawnLoop()
    {
        while (enabled)
        {
            Instantiate(prefab, transform.position, Quaternion.identity);
            yield return new WaitForSeconds(interval);
        }
    }
}
`;

const C = `#include <stdint.h>
#include "ring.h"

#define RING_SIZE 64

typedef struct {
    uint8_t data[RING_SIZE];
    uint16_t head;
} ring_t;

int ring_push(ring_t *ring, uint8_t value) {
    uint16_t next = (ring->head + 1) % RING_SIZE;
    ring->data[ring->head] = value;
    ring->head = next;
    return 0;
}
`;

const PHP = `<?php

namespace App\\Http\\Controllers;

use App\\Models\\Order;
use Illuminate\\Http\\Request;

class OrderController extends Controller
{
    public function store(Request $request)
    {
        $validated = $request->validate(['total' => 'required|integer']);
        $order = Order::create($validated);
        return response()->json($order, 201);
    }
}
`;

const SQL = `-- top customers by revenue
WITH revenue AS (
  SELECT o.customer_id, SUM(o.total_cents) AS total
  FROM orders o
  WHERE o.created_at >= now() - interval '30 days'
  GROUP BY o.customer_id
)
SELECT c.email, r.total
FROM revenue r
JOIN customers c ON c.id = r.customer_id
ORDER BY r.total DESC
LIMIT 10;
`;

const YAML = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: billing-api
  labels:
    app: billing-api
spec:
  replicas: 3
  template:
    spec:
      containers:
        - name: api
          image: ghcr.io/acme/billing:1.4.2
          ports:
            - containerPort: 8080
`;

const ACTIONS = `name: CI
on:
  push:
    branches: [main]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Install
        run: npm ci
      - name: Test
        run: |
          npm test
          npm run lint
`;

const TERRAFORM = `variable "region" {
  type    = string
  default = "eu-west-1"
}

provider "aws" {
  region = var.region
}

resource "aws_s3_bucket" "logs" {
  bucket = "acme-logs"
  tags   = local.tags
}

locals {
  tags = { team = "platform" }
}

output "bucket_arn" {
  value = aws_s3_bucket.logs.arn
}
`;

const COMPOSE = `services:
  api:
    build: .
    depends_on:
      - db
  db:
    image: postgres:16
volumes:
  data: {}
`;

const RUBY = `require "json"
require_relative "lib/client"

class OrderImporter
  attr_reader :path, :count

  def initialize(path, dry_run: false)
    @path = path
    @dry_run = dry_run
    @count = 0
  end

  def run
    data = JSON.parse(File.read(@path))
    data.each do |row|
      next if row["status"] == "void"
      order = Order.find_or_initialize_by(external_id: row["id"])
      order.total = row["total"].to_f
      order.save! unless @dry_run
      @count += 1
    end
    count
  rescue JSON::ParserError => e
    Rails.logger.error("bad file: #{e.message}")
    0
  end
end
`;

const RSPEC = `require "rails_helper"

RSpec.describe OrdersController, type: :controller do
  let(:user) { create(:user) }
  let(:order) { create(:order, user: user) }

  before { sign_in user }

  it "shows the order" do
    get :show, params: { id: order.id }
    expect(response).to have_http_status(:ok)
  end
end
`;

const LUA = `local json = require("cjson")

local M = {}

-- Loads the config file
function M.load(path)
  local file = io.open(path, "r")
  if not file then
    return nil, "cannot open " .. path
  end
  local text = file:read("*a")
  file:close()
  local config = json.decode(text)
  for key, value in pairs(config) do
    M[key] = value
  end
  return config
end

return M
`;

const ELIXIR = `defmodule Shop.Cart do
  @moduledoc "A shopping cart."
  alias Shop.Repo
  import Ecto.Query

  defstruct items: [], total: 0

  def add(%__MODULE__{items: items} = cart, item, qty \\\\ 1) do
    items = [%{item | qty: qty} | items]
    %{cart | items: items, total: total(items)}
  end

  defp total(items) do
    Enum.reduce(items, 0, fn item, acc -> acc + item.price * item.qty end)
  end

  def load(id) do
    case Repo.get(Cart, id) do
      nil -> {:error, :not_found}
      cart -> {:ok, cart}
    end
  end
end
`;

const SHELL = `#!/usr/bin/env bash
set -euo pipefail

BACKUP_DIR="/var/backups/db"
STAMP=$(date +%Y%m%d)

backup() {
  local target="$1"
  mkdir -p "$BACKUP_DIR"
  pg_dump "$DATABASE_URL" | gzip > "$BACKUP_DIR/$target-$STAMP.sql.gz"
}

for db in app analytics; do
  backup "$db"
done

if [ -n "\${S3_BUCKET:-}" ]; then
  aws s3 cp "$BACKUP_DIR" "s3://$S3_BUCKET/" --recursive
fi
echo "done"
`;

const DOCKERFILE = `# build stage
FROM node:20-alpine AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build

FROM node:20-alpine
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/dist ./dist
COPY --from=build /app/node_modules ./node_modules
EXPOSE 3000
CMD ["node", "dist/main.js"]
`;

const COMMONJS = `const express = require('express');
const { join } = require('path');
const router = require('./routes');

const app = express();
app.use(express.static(join(__dirname, 'public')));
app.use('/api', router);
app.listen(3000);
`;

/** Each sample above with its language. */
const SAMPLES: readonly [string, string][] = [
  ['go', GO],
  ['rust', RUST],
  ['java', JAVA],
  ['kotlin', KOTLIN],
  ['swift', SWIFT],
  ['csharp', CSHARP],
  ['c', C],
  ['php', PHP],
  ['sql', SQL],
  ['yaml', YAML],
  ['yaml', ACTIONS],
  ['ruby', RUBY],
  ['ruby', RSPEC],
  ['lua', LUA],
  ['elixir', ELIXIR],
  ['shell', SHELL],
  ['dockerfile', DOCKERFILE],
  ['terraform', TERRAFORM],
  ['r', 'library(dplyr)\n\ntotals <- function(df) {\n  df |> group_by(region) |> summarise(n = n())\n}\n'],
];

/** Renames every word of `renames` (as a whole word) in `code`. */
function renamed(code: string, renames: Record<string, string>): string {
  return Object.entries(renames).reduce(
    (text, [from, to]) =>
      text.replace(new RegExp(`(?<![\\w$])${from.replace(/\$/g, '\\$')}(?![\\w])`, 'g'), to),
    code,
  );
}

describe('other languages: renames, literals, comments and layout collide', () => {
  test.each([
    [
      'Go: renamed receiver, parameters, type, fields, helper; other strings',
      GO,
      renamed(GO, {
        store: 'api',
        createRequest: 'newItem',
        Name: 'Title',
        Limit: 'Max',
        s: 'srv',
        Server: 'Handler',
        Create: 'Post',
        w: 'rw',
        r: 'req2',
        req: 'body',
        id: 'key',
        writeError: 'fail',
      }).replace('"bad body"', '"cannot decode"'),
    ],
    [
      'Go: imports in another order, gofmt-free spacing',
      GO,
      GO.replace('"encoding/json"\n\t"net/http"', '"net/http"\n\t"encoding/json"').replace(/\t/g, '    '),
    ],
    [
      'Rust: renamed struct, fields, functions and bindings; a comment',
      RUST,
      `// loads the settings\n${renamed(RUST, { Settings: 'Config', name: 'label', retries: 'attempts', load: 'read', text: 'raw', settings: 'cfg', names: 'labels', all: 'items', s: 'c', path: 'file' })}`,
    ],
    [
      'Java: renamed class, field, method, parameters and a same-project type',
      JAVA,
      renamed(JAVA, {
        billing: 'orders',
        InvoiceService: 'LedgerService',
        InvoiceRepository: 'LedgerRepository',
        Invoice: 'Entry',
        repository: 'repo',
        total: 'sum2',
        invoices: 'entries',
        invoice: 'entry',
        sum: 'acc',
      }),
    ],
    [
      'Java: Allman braces and reordered imports',
      JAVA,
      JAVA.replace(/ \{\n/g, '\n{\n').replace(
        'import java.util.List;\nimport org.springframework.stereotype.Service;',
        'import org.springframework.stereotype.Service;\nimport java.util.List;',
      ),
    ],
    [
      'Kotlin: renamed view model, state, repository, lambda and catch parameters',
      KOTLIN,
      renamed(KOTLIN, {
        orders: 'cart',
        OrdersViewModel: 'CartViewModel',
        OrdersRepository: 'CartRepository',
        OrdersState: 'CartState',
        repository: 'repo',
        state: '_ui',
        refresh: 'reload',
        force: 'hard',
        order: 'item',
        e: 'error',
      }).replace('"unknown"', '"failed"'),
    ],
    [
      'Swift: renamed view, properties and a fenced reply',
      SWIFT,
      `Here you go:\n\n\`\`\`swift\n${renamed(SWIFT, { OrderRow: 'ItemRow', order: 'item', onTap: 'select' }).replace('spacing: 8', 'spacing: 12')}\`\`\`\n`,
    ],
    [
      'C#: renamed class, fields and coroutine; other values',
      CSHARP,
      renamed(CSHARP, {
        Spawner: 'EnemySpawner',
        prefab: 'enemy',
        interval: 'delay',
        SpawnLoop: 'Run',
      }).replace('2f', '0.5f'),
    ],
    [
      'C: renamed macro, type, fields, function and variables',
      C,
      renamed(C, {
        RING_SIZE: 'FIFO_LEN',
        ring_t: 'fifo_t',
        data: 'buf',
        head: 'wr',
        ring_push: 'fifo_put',
        ring: 'f',
        value: 'byte',
        next: 'n',
      }).replace('"ring.h"', '"fifo.h"'),
    ],
    [
      'PHP: renamed controller, variables and a project model',
      PHP,
      renamed(PHP, {
        OrderController: 'InvoiceController',
        Order: 'Invoice',
        store: 'save',
        $request: '$req',
        $validated: '$data',
        $order: '$invoice',
      }),
    ],
    [
      'SQL: renamed tables, columns and aliases, keywords in lower case, another window',
      SQL,
      renamed(SQL, {
        revenue: 'spend',
        customer_id: 'account_id',
        total_cents: 'amount',
        orders: 'payments',
        o: 'p',
        customers: 'accounts',
        c: 'a',
        r: 's',
        email: 'login',
      })
        .replace(/\b(WITH|AS|SELECT|SUM|FROM|WHERE|GROUP|BY|JOIN|ON|ORDER|DESC|LIMIT)\b/g, (word) =>
          word.toLowerCase(),
        )
        .replace("'30 days'", "'7 days'"),
    ],
    [
      'YAML: other names, image, replicas and ports, 4-space indents, a list flush under its key',
      YAML,
      YAML.replace(/billing-api/g, 'orders-web')
        .replace('replicas: 3', 'replicas: 5')
        .replace('ghcr.io/acme/billing:1.4.2', 'nginx:1.27')
        .replace('8080', '"80"')
        .replace(/^( +)/gm, (spaces) => spaces.repeat(2))
        .replace('containers:\n                - name', 'containers:\n            - name'),
    ],
    [
      'PHP: a # comment for a // one, without the opening tag',
      PHP.replace('<?php\n', ''),
      PHP.replace('<?php\n', '# the store action\n'),
    ],
    [
      'SQL: AS before an alias, and a column named like a type',
      SQL.replace('JOIN customers c ON', 'JOIN customers AS c ON').replace('c.email', 'c.email, c.date'),
      SQL.replace(/\bc\./g, 'cust.')
        .replace('customers c', 'customers cust')
        .replace('cust.email', 'cust.email, cust.signed_up'),
    ],
    [
      'SQL: a column defined with a name that is also a keyword',
      'CREATE TABLE events (id SERIAL PRIMARY KEY, type TEXT NOT NULL, date DATE);\n',
      'CREATE TABLE audits (id SERIAL PRIMARY KEY, kind TEXT NOT NULL, day DATE);\n',
    ],
    [
      'SQL: a block comment for a line comment',
      SQL,
      SQL.replace('-- top customers by revenue', '/* top customers\n   by revenue */'),
    ],
    [
      'GitHub Actions: other values, every step of a list written flush under its key',
      ACTIONS,
      ACTIONS.replace('ubuntu-latest', 'ubuntu-22.04')
        .replace('checkout@v4', 'checkout@v3')
        .replace(/^ {6}-/gm, '    -')
        .replace(/^ {8}(run|name)/gm, '      $1')
        .replace(/^ {10}npm/gm, '        npm'),
    ],
    [
      'Terraform: renamed variable, bucket, local and output; other values; comments of each kind',
      TERRAFORM,
      `# storage\n${TERRAFORM.replace('variable "region"', 'variable "location"')
        .replace('var.region', 'var.location // the one region')
        .replace(/"logs"/, '"audit"')
        .replace('aws_s3_bucket.logs', 'aws_s3_bucket.audit')
        .replace('local.tags', 'local.labels')
        .replace('  tags = {', '  labels = {')
        .replace('"bucket_arn"', '"arn_out"')
        .replace('"acme-logs"', '/* name */ "acme-audit"')}`,
    ],
    [
      'Compose: renamed services, also where another depends on them; workflow: renamed jobs',
      COMPOSE,
      COMPOSE.replace(/\bapi\b/, 'web').replace(/\bdb\b/g, 'database'),
    ],
    ['GitHub Actions: a renamed job', ACTIONS, ACTIONS.replace('  test:', '  unit:')],
    [
      'Dockerfile: a renamed build argument',
      `ARG NODE_VERSION=20\n${DOCKERFILE.replace(/node:20-alpine/g, 'node:$NODE_VERSION')}`,
      `ARG RUNTIME=22\n${DOCKERFILE.replace(/node:20-alpine/g, 'node:$RUNTIME')}`,
    ],
    [
      'Shell: a renamed getopts variable',
      'while getopts "e:" opt; do\n  case "$opt" in\n    e) ENV="$OPTARG" ;;\n  esac\ndone\n',
      'while getopts "e:" flag; do\n  case "$flag" in\n    e) ENV="$OPTARG" ;;\n  esac\ndone\n',
    ],
    [
      'Rust: renamed struct-variant fields and match-arm bindings',
      'enum Shape {\n    Circle { radius: f64 },\n    Rect { width: f64, height: f64 },\n}\n\nfn area(shape: &Shape) -> f64 {\n    match shape {\n        Shape::Circle { radius } if *radius <= 0.0 => 0.0,\n        Shape::Circle { radius } => 3.14 * radius * radius,\n        Shape::Rect { width, height } => width * height,\n    }\n}\n\nfn read(path: &str) -> String {\n    match std::fs::read_to_string(path) {\n        Ok(s) => s,\n        Err(e) => panic!("{}", e),\n    }\n}\n',
      'enum Shape {\n    Circle { r: f64 },\n    Rect { w: f64, h: f64 },\n}\n\nfn area(shape: &Shape) -> f64 {\n    match shape {\n        Shape::Circle { r } if *r <= 0.0 => 0.0,\n        Shape::Circle { r } => 3.14 * r * r,\n        Shape::Rect { w, h } => w * h,\n    }\n}\n\nfn read(path: &str) -> String {\n    match std::fs::read_to_string(path) {\n        Ok(text) => text,\n        Err(err) => panic!("{}", err),\n    }\n}\n',
    ],
    [
      'C#: a renamed method returning a nested generic type',
      'public class ProductsController : ControllerBase\n{\n    public async Task<ActionResult<Product>> GetProduct(int id)\n    {\n        return Ok(await _db.Products.FindAsync(id));\n    }\n\n    public IActionResult Create(Product p) => CreatedAtAction(nameof(GetProduct), new { id = p.Id }, p);\n}\n',
      'public class ProductsController : ControllerBase\n{\n    public async Task<ActionResult<Product>> Fetch(int id)\n    {\n        return Ok(await _db.Products.FindAsync(id));\n    }\n\n    public IActionResult Create(Product p) => CreatedAtAction(nameof(Fetch), new { id = p.Id }, p);\n}\n',
    ],
    [
      'R: renamed function, parameters and variables; libraries in another order; Allman braces',
      'library(dplyr)\nlibrary(readr)\n\n# totals per region\nsummarise_sales <- function(path, min_total = 0) {\n  sales <- read_csv(path)\n  sales |> filter(total > min_total) |> count(region)\n}\n',
      'library(readr)\nlibrary(dplyr)\n\nregion_counts <- function(file, floor = 10)\n{\n  df <- read_csv(file)\n  df |> filter(total > floor) |> count(region)\n}\n',
    ],
    [
      'Ruby: an =begin block comment',
      RUBY,
      RUBY.replace('class OrderImporter', '=begin\nImports orders.\n=end\nclass OrderImporter'),
    ],
    [
      'Elixir: documentation strings, an import line with trailing spaces',
      ELIXIR,
      ELIXIR.replace('  alias Shop.Repo', '  @doc """\n  The cart.\n  """\n  alias Shop.Repo  '),
    ],
    ['Shell: ${x} for $x', SHELL, SHELL.replace('"$BACKUP_DIR"', '"${BACKUP_DIR}"')],
    [
      'JavaScript: no semicolons after a directive',
      `'use strict';\n${COMMONJS}`,
      `'use strict'\n${COMMONJS.replace(/;$/gm, '')}`,
    ],
    [
      'a fence indented in a list item',
      `\`\`\`ruby\n${RUBY}\`\`\``,
      `1. The importer:\n\n   \`\`\`ruby\n${RUBY.replace(/^(?=.)/gm, '   ')}   \`\`\`\n`,
    ],
    [
      'Ruby: renamed class, attributes, parameters, locals, block and rescue variables',
      RUBY,
      renamed(RUBY, {
        OrderImporter: 'Importer',
        path: 'file',
        count: 'imported',
        dry_run: 'preview',
        data: 'rows',
        row: 'r',
        order: 'record',
        e: 'error',
        run: 'call',
      }),
    ],
    [
      'Ruby: comments, a fence, requires in another order and quoting',
      RUBY,
      `\`\`\`ruby\n# imports\n${RUBY.replace('require "json"\nrequire_relative "lib/client"', "require_relative 'lib/client'\nrequire 'json'").replace('  def run\n', '  # runs it\n  def run\n')}\`\`\``,
    ],
    [
      'RSpec: renamed let values, another description',
      RSPEC,
      renamed(RSPEC, { user: 'account', order: 'purchase' }).replace('shows the order', 'renders it'),
    ],
    [
      'Lua: renamed module table, function, locals and loop variables; a block comment',
      LUA,
      renamed(LUA, {
        json: 'cjson_lib',
        M: 'Config',
        load: 'fetch',
        path: 'p',
        file: 'fh',
        text: 'raw',
        config: 'cfg',
        key: 'k',
        value: 'v',
      }).replace('-- Loads the config file', '--[[ Loads\n  the config ]]'),
    ],
    [
      'Elixir: renamed modules, struct fields, functions, parameters and clause variables',
      ELIXIR,
      renamed(ELIXIR, {
        Shop: 'Store',
        Cart: 'Basket',
        items: 'lines',
        cart: 'b',
        item: 'it',
        total: 'sum',
        acc: 'a',
        add: 'put',
        load: 'fetch',
        id: 'key',
      }).replace('  defp ', '  # sums the lines\n  defp '),
    ],
    [
      'Shell: renamed variables and function, other paths, another shebang and brace placement',
      SHELL,
      SHELL.replace(/BACKUP_DIR/g, 'OUT')
        .replace(/STAMP/g, 'TODAY')
        .replace(/backup\b/g, 'dump_one')
        .replace(/target/g, 'name')
        .replace(/\bdb\b/g, 'd')
        .replace('/var/backups/db', '/srv/dumps')
        .replace('#!/usr/bin/env bash', '#!/bin/bash\n# nightly dump')
        .replace('for d in app analytics; do', 'for d in main extra\ndo')
        .replace('dump_one() {', 'dump_one()\n{'),
    ],
    [
      'Dockerfile: another stage name, base image tag and port; a fenced reply',
      DOCKERFILE,
      `Here:\n\`\`\`dockerfile\n${DOCKERFILE.replace(/build\b/g, 'builder')
        .replace('npm run builder', 'npm run build')
        .replace(/node:20-alpine/g, 'node:22-slim')
        .replace('3000', '8080')}\`\`\``,
    ],
    [
      'JavaScript: requires in another order, renamed bindings',
      COMMONJS,
      renamed(
        COMMONJS.replace(
          "const express = require('express');\nconst { join } = require('path');",
          "const { join } = require('path');\nconst express = require('express');",
        ),
        { app: 'server', router: 'routes' },
      ),
    ],
  ])('%s', (_name, left, right) => {
    expect(right).not.toBe(left);
    const a = fingerprintCode(left);
    const b = fingerprintCode(right);
    expect(b.language).toBe(a.language);
    expect(b.normalized).toBe(a.normalized);
  });
});

/** A loop label in each language that has one, left by a jump that names it. */
const LABELLED_LOOPS: [string, string, string][] = [
  [
    'Java',
    'java',
    'class A { boolean f(int[][] g, int t) { outer: for (int[] r : g) { for (int v : r) { if (v == t) break outer; } } return false; } }',
  ],
  [
    'JavaScript',
    'javascript',
    'function f(g, t) { outer: for (const r of g) { for (const v of r) { if (v === t) continue outer; } } }',
  ],
  [
    'Kotlin',
    'kotlin',
    'fun f(g: List<List<Int>>, t: Int): Boolean {\n    outer@ for (r in g) {\n        for (v in r) { if (v == t) break@outer }\n    }\n    return false\n}\n',
  ],
  [
    'Rust',
    'rust',
    "fn f(g: &[Vec<i32>], t: i32) -> bool {\n    'outer: for r in g {\n        for v in r { if *v == t { break 'outer; } }\n    }\n    false\n}\n",
  ],
  [
    'Swift',
    'swift',
    'func f(_ g: [[Int]], _ t: Int) -> Bool {\n    outer: for r in g {\n        for v in r { if v == t { break outer } }\n    }\n    return false\n}\n',
  ],
  [
    'C#',
    'csharp',
    'class A { bool F(int[][] g, int t) { foreach (var r in g) { foreach (var v in r) { if (v == t) goto done; } } done: return false; } }',
  ],
];

describe('declarations that only some languages have', () => {
  test.each(LABELLED_LOOPS)('%s: a renamed loop label', (_name, language, code) => {
    const labels: Record<string, string> = code.includes("'outer")
      ? { "'outer": "'scan" }
      : { outer: 'scan', done: 'found' };
    const right = Object.entries(labels).reduce<string>(
      (text, [from, to]) => text.split(from).join(to),
      code,
    );
    expect(fingerprintCode(right, language).normalized).toBe(fingerprintCode(code, language).normalized);
  });

  test.each([
    [
      'C++: a renamed template type parameter',
      'cpp',
      'template <typename T, typename U>\nT convert(const U& value) {\n  return static_cast<T>(value);\n}\n',
      { T: 'Out', U: 'In', value: 'input', convert: 'cast' },
    ],
    [
      'Kotlin: a generic function, its type parameter before its name',
      'kotlin',
      'suspend fun <T> retry(times: Int, block: suspend () -> T): T {\n    repeat(times - 1) { try { return block() } catch (e: Exception) { delay(100) } }\n    return block()\n}\n',
      { T: 'R', retry: 'withRetries', times: 'attempts', block: 'action', e: 'err' },
    ],
    [
      'Kotlin: a parameter after one whose type closes two generics at once',
      'kotlin',
      'fun matches(grid: List<List<Int>>, target: Int): Int = grid.sumOf { row -> row.count { it == target } }\n',
      { matches: 'hits', grid: 'rows', target: 'wanted', row: 'line' },
    ],
    [
      'TypeScript: an interface’s method signatures and their callers',
      'typescript',
      'interface Store {\n  get(key: string): Promise<string | null>;\n  set(key: string, value: string): Promise<void>;\n}\nexport class Cache {\n  constructor(private readonly store: Store) {}\n  read(key: string) {\n    return this.store.get(key);\n  }\n}\n',
      {
        Store: 'KeyValue',
        get: 'fetch',
        set: 'save',
        key: 'id',
        value: 'data',
        Cache: 'Memo',
        store: 'backend',
        read: 'load',
      },
    ],
    [
      'Ruby: a renamed class constant, read bare and through its class',
      'ruby',
      'class Invoice\n  TAX_RATE = 0.2\n  def total(amount)\n    amount * (1 + TAX_RATE)\n  end\nend\nputs Invoice::TAX_RATE\n',
      { TAX_RATE: 'VAT', Invoice: 'Bill', amount: 'net', total: 'gross' },
    ],
    [
      'Scala: names a case pattern binds, before its guard, and a for comprehension’s generators',
      'scala',
      'def eval(e: Expr): Double = e match {\n  case Num(v) => v\n  case Add(l, r) if l == r => eval(l) * 2\n' +
        '  case other => throw new IllegalStateException(other.toString)\n}\n' +
        'val sums = for { a <- items; (k, v) <- pairs } yield a + v\n',
      { v: 'value', l: 'lhs', r: 'rhs', other: 'unknown', a: 'item', k: 'key', sums: 'totals' },
    ],
    [
      'TypeScript: the fields of an object type alias and their uses',
      'typescript',
      'type Entry<V> = { value: V; expiresAt: number };\n' +
        'export function fresh<V>(hit: Entry<V>, now: number): V | undefined {\n' +
        '  return hit.expiresAt > now ? hit.value : undefined;\n}\n',
      {
        Entry: 'Slot',
        V: 'T',
        value: 'payload',
        expiresAt: 'deadline',
        fresh: 'live',
        hit: 'slot',
        now: 'at',
      },
    ],
    [
      'Kotlin: an extension function, called as a member',
      'kotlin',
      'data class Student(val name: String, val scores: List<Int>)\n' +
        'fun Student.meanScore(): Double = if (scores.isEmpty()) 0.0 else scores.average()\n' +
        'fun report(students: List<Student>) = students.map { it.meanScore() }\n',
      {
        Student: 'Pupil',
        name: 'label',
        scores: 'marks',
        meanScore: 'average2',
        report: 'summary',
        students: 'all',
      },
    ],
    [
      'C++: a type alias',
      'cpp',
      '#include <string>\n#include <unordered_map>\nusing Counts = std::unordered_map<std::string, int>;\n' +
        'Counts tally(const std::string& text) {\n  Counts counts;\n  counts[text] += 1;\n  return counts;\n}\n',
      { Counts: 'Histogram', tally: 'count_words', text: 'input', counts: 'result' },
    ],
    [
      'C++: fields declared together, read through another object; objects made by their constructor',
      'cpp',
      'class Matrix {\npublic:\n  Matrix(int rows, int cols) : rows_(rows), cols_(cols) {}\n' +
        '  bool same(const Matrix& other) const { return rows_ == other.rows_ && cols_ == other.cols_; }\n' +
        'private:\n  int rows_, cols_;\n};\nint check() { Matrix a(2, 3), b(3, 2); int x = 1, y = 2; return a.same(b) + x + y; }\n',
      {
        Matrix: 'Grid',
        rows: 'h',
        cols: 'w',
        rows_: 'h_',
        cols_: 'w_',
        same: 'equal',
        other: 'that',
        a: 'm',
        b: 'n',
        x: 'p',
        y: 'q',
        check: 'probe',
      },
    ],
    [
      'C#: a type pattern’s variable, also negated',
      'csharp',
      'class A {\n  string F(object o) => o is Todo todo ? todo.Title : "";\n' +
        '  bool G(object o) { if (o is not Todo other) return false; return other.Done; }\n}\n',
      { todo: 'item', other: 'task', F: 'Title2', G: 'IsDone' },
    ],
    [
      'Java: an instanceof pattern’s variable',
      'java',
      'class A {\n  static String f(Object o) {\n    if (o instanceof String text) return text.trim();\n    return "";\n  }\n}\n',
      { text: 'value', f: 'clean' },
    ],
    [
      'C++: a member initialised with braces',
      'cpp',
      'class Ring {\n  std::array<int, 8> data_{};\n  std::size_t head_ = 0;\npublic:\n' +
        '  void put(int v) { data_[head_] = v; head_ = (head_ + 1) % 8; }\n};\n',
      { Ring: 'Buffer', data_: 'slots_', head_: 'next_', put: 'push_value', v: 'value' },
    ],
    [
      'GitHub Actions: a renamed matrix dimension',
      'yaml',
      'jobs:\n  test:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        runtime: [18, 20]\n        include:\n          - runtime: 22\n    steps:\n      - uses: actions/setup-node@v4\n        with:\n          node-version: ${{ matrix.runtime }}\n',
      { runtime: 'version' },
    ],
    [
      'R: a column that mutate creates, then filters on',
      'r',
      'library(dplyr)\nresult <- orders %>%\n  mutate(total = price * qty) %>%\n  filter(total > 100)\n',
      { total: 'amount', result: 'big' },
    ],
    [
      'TypeScript: a destructured arrow parameter and an object literal’s method parameters',
      'typescript',
      'export const totals = (rows: [string, number][]) =>\n  rows.map(([customer, total]) => `${customer}: ${total}`);\n' +
        'export const reducers = {\n  add(state: number[], action: { payload: number }) {\n    state.push(action.payload);\n  },\n};\n',
      { totals: 'sums', rows: 'pairs', customer: 'client', total: 'sum', state: 'list', action: 'event' },
    ],
    [
      'Kotlin: an extension function on a generic receiver, and its parameter',
      'kotlin',
      'data class Order(val total: Int, val day: Long)\n' +
        'fun List<Order>.revenueSince(day: Long): Int = filter { it.day >= day }.sumOf { it.total }\n',
      { Order: 'Sale', total: 'amount', day: 'date', revenueSince: 'incomeAfter' },
    ],
    [
      'C: a function pointer parameter',
      'c',
      'int parse(const char *path, void (*on_pair)(const char *, const char *)) {\n  on_pair(path, path);\n  return 0;\n}\n',
      { parse: 'read_pairs', path: 'file', on_pair: 'callback' },
    ],
    [
      'C++: a structured binding',
      'cpp',
      '#include <map>\nint total(const std::map<int, int>& counts) {\n  int sum = 0;\n' +
        '  for (const auto& [key, count] : counts) sum += key * count;\n  return sum;\n}\n',
      { total: 'weighted', counts: 'histogram', sum: 'acc', key: 'k', count: 'n' },
    ],
    [
      'Rust: tuple-struct patterns among a handler’s parameters',
      'rust',
      'async fn create(State(db): State<Db>, Json(input): Json<NewTodo>) -> Json<Todo> {\n    Json(db.insert(input.title))\n}\n',
      { create: 'add_todo', db: 'store', input: 'body' },
    ],
    [
      'Swift: methods of an extension, called on a value',
      'swift',
      'extension Array where Element == Double {\n    func mean() -> Double? {\n        guard !isEmpty else { return nil }\n' +
        '        return reduce(0, +) / Double(count)\n    }\n}\n\nfunc describe(_ values: [Double]) -> Double {\n' +
        '    return values.mean() ?? 0\n}\n',
      { mean: 'average', describe: 'summary', values: 'samples' },
    ],
    [
      'Go: struct fields declared together, `lo, hi int`',
      'go',
      'package bounds\n\ntype span struct {\n\tlo, hi int\n}\n\nfunc (s span) width() int { return s.hi - s.lo }\n',
      { span: 'interval', lo: 'low', hi: 'high', width: 'size', s: 'iv' },
    ],
    [
      'Terraform: the iterators of for expressions',
      'terraform',
      'variable "subnets" {}\nlocals {\n  ids = [for s in var.subnets : s.id if s.public]\n' +
        '  zones = { for k, v in var.subnets : v.zone => k }\n}\n',
      { s: 'net', k: 'index', v: 'subnet' },
    ],
    [
      'Dart: a getter and a setter, read through the object',
      'dart',
      'class Cart {\n  int _limit = 3;\n  int get limit => _limit;\n  set limit(int value) { _limit = value; }\n' +
        '  bool full(List<int> items) => items.length >= this.limit;\n}\n',
      { Cart: 'Basket', _limit: '_max', limit: 'max', value: 'v', full: 'isFull', items: 'xs' },
    ],
  ])('%s', (_name, language, left, renames) => {
    const right = renamed(left, renames);
    expect(right).not.toBe(left);
    expect(fingerprintCode(right, language).normalized).toBe(fingerprintCode(left, language).normalized);
  });

  test('a matrix’s include list and a column read from the input keep their names', () => {
    const matrix = (setting: string) =>
      `jobs:\n  test:\n    strategy:\n      matrix:\n        node: [18, 20]\n        ${setting}:\n          - node: 22\n`;
    expect(fingerprintCode(matrix('exclude'), 'yaml').fingerprint).not.toBe(
      fingerprintCode(matrix('include'), 'yaml').fingerprint,
    );
    const mutate = (input: string) => `library(dplyr)\nx <- orders %>% mutate(total = ${input} * 2)\n`;
    expect(fingerprintCode(mutate('qty'), 'r').fingerprint).not.toBe(
      fingerprintCode(mutate('price'), 'r').fingerprint,
    );
  });

  const rOneLine =
    'library(ggplot2)\np <- ggplot(df, aes(x = region, y = total)) + labs(x = "Region", y = "Total")\n';
  const elixirPrune =
    'defmodule Hits do\n  def prune(state) do\n    Enum.reject(state, fn {_k, times} -> times == [] end)\n  end\nend\n';
  const shellGuard =
    '#!/usr/bin/env bash\nset -euo pipefail\nTAG="latest"\n' +
    'if [[ "$ENV" == "production" && "$TAG" == "latest" ]]; then\n  echo "refusing" && exit 1\nfi\n';
  const shellArithmetic =
    '#!/usr/bin/env bash\nlines=$(wc -l < "$1")\nfor ((i = lines; i > 0; i--)); do echo "$i"; done\n' +
    'retries=0\nwhile (( retries < 5 )); do (( retries++ )); sleep $(( 2 ** $retries )); done\n' +
    'echo "$(( $(date +%s) - lines ))"\n';
  const swiftToggle =
    'import SwiftUI\n\nstruct SettingsView: View {\n    @State private var isEnabled = false\n\n' +
    '    var body: some View {\n        Toggle("Notifications", isOn: $isEnabled)\n' +
    '            .disabled(!isEnabled)\n    }\n}\n';
  const goImports =
    'package main\n\nimport (\n\t"encoding/json"\n\t"log"\n)\n\nfunc main() { log.Println(json.Valid(nil)) }\n';
  test.each([
    [
      'R: an argument list broken over lines names the callee’s arguments, declares nothing',
      'r',
      rOneLine,
      rOneLine.replace('aes(x = region, y', 'aes(x = region,\n  y').replace('", y =', '",\n     y ='),
    ],
    [
      'Elixir: a clause head whose pattern spans lines',
      'elixir',
      elixirPrune,
      elixirPrune.replace('fn {_k, times}', 'fn {_k,\n      times}'),
    ],
    [
      'Shell: a variable tested after && inside [[ … ]] is read, not run',
      'shell',
      shellGuard,
      shellGuard.split('TAG').join('IMAGE_TAG'),
    ],
    [
      'Shell: variables set and read in arithmetic, with and without $, in other spacing',
      'shell',
      shellArithmetic,
      shellArithmetic
        .split('lines')
        .join('count')
        .split('retries')
        .join('attempt')
        .replace(/\bi\b/g, 'k')
        .replace('(( attempt < 5 ))', '((attempt<5))')
        .replace('$(( 2 ** $attempt ))', '$((2**attempt))'),
    ],
    [
      'Swift: a property and its projected value, $name',
      'swift',
      swiftToggle,
      swiftToggle.split('isEnabled').join('notify').replace('SettingsView', 'PrefsView'),
    ],
    [
      'Go: block comments inside an import block are comments',
      'go',
      goImports,
      goImports.replace('import (', 'import ( /* see README */').replace('\t"log"', '\t/* logging */ "log"'),
    ],
  ])('%s', (_name, language, code, edited) => {
    expect(fingerprintCode(edited, language).normalized).toBe(fingerprintCode(code, language).normalized);
  });

  test.each([
    [
      'R',
      'r',
      'library(dplyr)\nlibrary(readr)\nx <- read_csv("a.csv")\n',
      '# readers\nlibrary(readr) # csv\n',
    ],
    ['Ruby', 'ruby', 'require "json"\nrequire "time"\nputs JSON.parse(x)\n', 'require "time" # parse\n'],
    [
      'Lua',
      'lua',
      'local json = require("cjson")\nlocal t = require("tablex")\nreturn json.decode(s)\n',
      'local t = require("tablex") -- tables\n',
    ],
    [
      'Elixir',
      'elixir',
      'defmodule A do\n  alias Shop.Cart\n  alias Shop.Item\n  def f(x), do: Cart.new(x)\nend\n',
      '  alias Shop.Item # items\n',
    ],
  ])(
    '%s: a comment after an import or between imports leaves the imports whole',
    (_name, language, code, commented) => {
      const lines = code.split('\n');
      const second = lines.findIndex((line, index) => index > 0 && commented.includes(line.trim()));
      const edited = [...lines.slice(0, second), commented.trimEnd(), ...lines.slice(second + 1)].join('\n');
      expect(edited).not.toBe(code);
      expect(fingerprintCode(edited, language).normalized).toBe(fingerprintCode(code, language).normalized);
    },
  );

  test('R: the package a script loads is part of its structure', () => {
    const script = (library: string) => `library(${library})\nx <- read_csv("a.csv")\n`;
    expect(fingerprintCode(script('readr'), 'r').fingerprint).not.toBe(
      fingerprintCode(script('vroom'), 'r').fingerprint,
    );
  });
});

test('C fenced as C++ is the same implementation as C told by its headers', () => {
  const fenced = fingerprintCode(`\`\`\`cpp\n${C}\`\`\``);
  const bare = fingerprintCode(C);
  expect([bare.language, fenced.language]).toEqual(['c', 'cpp']);
  expect(fenced.fingerprint).toBe(bare.fingerprint);
});

describe('other languages: a different structure stays apart', () => {
  test.each([
    ['Go: another status', GO, GO.replace('http.StatusCreated', 'http.StatusOK')],
    [
      'Go: an extra log call',
      GO,
      GO.replace('\t\twriteError(w, err)', '\t\tlog.Printf("insert: %v", err)\n\t\twriteError(w, err)'),
    ],
    [
      'Go: another encoder call',
      GO,
      GO.replace('json.NewEncoder(w).Encode(id)', 'json.NewEncoder(w).Encode(req)'),
    ],
    ['Rust: toml instead of serde_json', RUST, RUST.replace('serde_json::from_str', 'toml::from_str')],
    ['Rust: no default for retries', RUST, RUST.replace(/ {8}if settings[\s\S]*?\n {8}\}\n/, '')],
    [
      'Java: a guard more',
      JAVA,
      JAVA.replace(
        '        Money sum',
        '        if (invoices.isEmpty()) {\n            return Money.ZERO;\n        }\n        Money sum',
      ),
    ],
    ['Java: minus instead of plus', JAVA, JAVA.replace('sum.plus', 'sum.minus')],
    [
      'Kotlin: no catch',
      KOTLIN,
      KOTLIN.replace(/try \{\n\s*(OrdersState\.Ready\([^\n]*\))\n\s*\} catch[\s\S]*?\n\s*\}\n/, '$1\n'),
    ],
    ['Kotlin: another imported type', KOTLIN, KOTLIN.replace(/MutableStateFlow/g, 'MutableSharedFlow')],
    ['Swift: another modifier', SWIFT, SWIFT.replace('.font(.headline)', '.font(.subheadline)')],
    [
      'C#: LookRotation instead of identity',
      CSHARP,
      CSHARP.replace('Quaternion.identity', 'Quaternion.LookRotation(transform.forward)'),
    ],
    [
      'C: a full-ring check more',
      C,
      C.replace('    ring->data', '    if (next == 0) {\n        return -1;\n    }\n    ring->data'),
    ],
    ['PHP: another response', PHP, PHP.replace('response()->json($order, 201)', 'redirect()->back()')],
    [
      'SQL: one more predicate',
      SQL,
      SQL.replace("interval '30 days'", "interval '30 days'\n    AND o.status = 'paid'"),
    ],
    ['SQL: ascending', SQL, SQL.replace('DESC', 'ASC')],
    [
      'SQL: a cast to another type',
      'SELECT CAST(o.placed AS DATE) FROM orders o;\n',
      'SELECT CAST(o.placed AS TEXT) FROM orders o;\n',
    ],
    ['YAML: another key', YAML, YAML.replace('replicas: 3', 'replicas: 3\n  paused: true')],
    ['GitHub Actions: one step more', ACTIONS, `${ACTIONS}      - run: npm run build\n`],
    [
      'Terraform: another resource type',
      TERRAFORM,
      TERRAFORM.replace('"aws_s3_bucket"', '"aws_s3_bucket_policy"').replace(
        'aws_s3_bucket.logs',
        'aws_s3_bucket_policy.logs',
      ),
    ],
    ['Compose: another service depended on', COMPOSE, COMPOSE.replace('      - db', '      - api')],
    ['Kubernetes: another kind', YAML, YAML.replace('kind: Deployment', 'kind: StatefulSet')],
    [
      'GitHub Actions: another action',
      ACTIONS,
      ACTIONS.replace('actions/checkout@v4', 'actions/setup-node@v4'),
    ],
    [
      'R: another dplyr verb',
      'library(dplyr)\nf <- function(df) {\n  df |> filter(total > 0)\n}\n',
      'library(dplyr)\nf <- function(df) {\n  df |> select(total)\n}\n',
    ],
    ['Ruby: save instead of save!', RUBY, RUBY.replace('order.save!', 'order.save')],
    ['RSpec: another status', RSPEC, RSPEC.replace('(:ok)', '(:not_found)')],
    ['Lua: encode instead of decode', LUA, LUA.replace('json.decode', 'json.encode')],
    ['Elixir: map_reduce instead of reduce', ELIXIR, ELIXIR.replace('Enum.reduce', 'Enum.map_reduce')],
    ['Shell: bzip2 instead of gzip', SHELL, SHELL.replace('gzip', 'bzip2')],
    ['Shell: aws s3 sync instead of cp', SHELL, SHELL.replace('aws s3 cp', 'aws s3 sync')],
    [
      'Shell: a loop counting down instead of up',
      'n=3\nfor ((i = 0; i < n; i++)); do echo "$i"; done\n',
      'n=3\nfor ((i = 0; i < n; i--)); do echo "$i"; done\n',
    ],
    ['Dockerfile: npm install instead of npm ci', DOCKERFILE, DOCKERFILE.replace('npm ci', 'npm install')],
    [
      'JavaScript: another required module',
      COMMONJS,
      COMMONJS.replace("require('express')", "require('koa')"),
    ],
  ])('%s', (_name, left, right) => {
    expect(fingerprintCode(right).fingerprint).not.toBe(fingerprintCode(left).fingerprint);
  });
});

const MAKEFILE = `BINARY := server
VERSION ?= 1.0.0

.PHONY: build test

# Build the binary.
build: test
\t@go build -ldflags "-X main.version=$(VERSION)" -o bin/$(BINARY) ./cmd/$(BINARY)

test:
\tgo test ./...
`;

describe('Makefiles', () => {
  test('renamed variables and targets, other values, comments and a silenced recipe collide', () => {
    const renamed = MAKEFILE.replace(/BINARY/g, 'APP')
      .replace(/VERSION/g, 'TAG')
      .replace(/\bbuild:/, 'compile:')
      .replace('.PHONY: build test', '.PHONY: compile check')
      .replace(/\btest\b(?!\s\.)/g, 'check')
      .replace('server', 'api')
      .replace('1.0.0', '2.3.1')
      .replace('# Build the binary.', '# compile it')
      .replace('\tgo test ./...', '\t@go test ./... # every package');
    expect(renamed).toContain('compile: check');
    const left = fingerprintCode(MAKEFILE);
    const right = fingerprintCode(`\`\`\`makefile\n${renamed}\`\`\``);
    expect([left.language, right.language]).toEqual(['makefile', 'makefile']);
    expect(right.normalized).toBe(left.normalized);
  });

  test.each([
    ['another command', MAKEFILE.replace('go test ./...', 'go vet ./...')],
    ['another flag', MAKEFILE.replace('-o bin/', '-race -o bin/')],
    ['another prerequisite list', MAKEFILE.replace('build: test', 'build:')],
    ['another assignment operator', MAKEFILE.replace('VERSION ?=', 'VERSION :=')],
  ])('%s stays apart', (_name, changed) => {
    expect(fingerprintCode(changed).fingerprint).not.toBe(fingerprintCode(MAKEFILE).fingerprint);
  });
});

describe('language detection', () => {
  test.each([
    ...SAMPLES,
    [
      'cpp',
      '#include <vector>\n\nint total(const std::vector<int>& xs) {\n  int sum = 0;\n  for (int x : xs) sum += x;\n  return sum;\n}\n',
    ],
    [
      'scala',
      'case class User(id: Long, name: String)\n\nobject Users {\n  def names(users: List[User]): List[String] = users.map(_.name)\n}\n',
    ],
    ['makefile', MAKEFILE],
    [
      'swift',
      'func describe(_ values: [Double]) -> String {\n    guard let m = values.first else { return "none" }\n    return "\\(m)"\n}\n',
    ],
    ['go', 'func add(a int, b int) int {\n\treturn a + b\n}\n'],
    [
      'scala',
      'package shapes\n\nsealed trait Shape\ncase class Circle(r: Double) extends Shape\n' +
        'object Area {\n  def of(s: Shape): Double = s match { case Circle(r) => 3.14 * r * r }\n}\n',
    ],
    ['sql', 'BEGIN;\nINSERT INTO stock (sku, qty) VALUES ($1, $2)\nON CONFLICT (sku) DO NOTHING;\nCOMMIT;\n'],
    [
      'dart',
      "import 'package:flutter/material.dart';\n\nclass Title extends StatelessWidget {\n  final String text;\n  const Title(this.text);\n  @override\n  Widget build(BuildContext context) => Text(text);\n}\n",
    ],
  ])('%s', (language, code) => {
    expect(detectLanguage(code)).toBe(language);
  });

  test('a fence names the language, whatever the code looks like', () => {
    expect(fingerprintCode('```kotlin\nval x = 1\n```').language).toBe('kotlin');
    expect(fingerprintCode('```golang\nx := 1\n```').language).toBe('go');
    expect(fingerprintCode('```c++\nint x = 1;\n```').language).toBe('cpp');
    expect(fingerprintCode('```yml\nkey: value\n```').language).toBe('yaml');
  });
});

describe('project imports', () => {
  test('a class imported from the project’s own package is the code’s own name; a library’s is not', () => {
    const withMoney = fingerprintCode(JAVA).normalized;
    expect(withMoney).toContain('import LOCAL');
    expect(withMoney).toContain('org.springframework.stereotype.Service');
    expect(fingerprintCode(JAVA.replace(/Money/g, 'Amount')).normalized).toBe(withMoney);
    expect(fingerprintCode(JAVA.replace(/List/g, 'Set')).normalized).not.toBe(withMoney);
  });

  test('a wildcard import leaves bare names verbatim: they may come from it', () => {
    const wildcard = KOTLIN.replace('import kotlinx.coroutines.launch', 'import kotlinx.coroutines.*');
    expect(fingerprintCode(wildcard).normalized).toContain('OrdersState');
  });
});

describe('robustness', () => {
  test.each(SAMPLES)(
    '%s code cut off anywhere (a truncated reply) still gets a fingerprint',
    (language, code) => {
      for (let cut = 1; cut < code.length; cut += 7) {
        expect(fingerprintCode(code.slice(0, cut), language).fingerprint).toMatch(/^[0-9a-f]{32}$/);
      }
    },
  );
});
