/**
 * Seeded random helpers and the word lists the history generator (`history-generator.ts`) draws
 * names, sentences and JSON values from.
 */

export type Random = () => number;

export function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

export function intBetween(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

export const ENTITIES = [
  'User',
  'Order',
  'Invoice',
  'Customer',
  'Product',
  'Payment',
  'Shipment',
  'Account',
  'Session',
  'Report',
  'Ticket',
  'Comment',
  'Review',
  'Coupon',
  'Warehouse',
  'Supplier',
  'Employee',
  'Project',
  'Task',
  'Budget',
  'Refund',
  'Subscription',
  'Address',
  'Device',
];
export const VERBS = [
  'fetch',
  'load',
  'create',
  'update',
  'delete',
  'sync',
  'validate',
  'archive',
  'export',
  'merge',
];
export const FIELDS = [
  'name',
  'email',
  'total',
  'status',
  'created_at',
  'owner_id',
  'price',
  'quantity',
  'region',
];
export const WORDS = [
  'the',
  'service',
  'should',
  'handle',
  'records',
  'quickly',
  'and',
  'retry',
  'on',
  'failure',
  'make',
  'sure',
  'that',
  'every',
  'request',
  'is',
  'logged',
  'with',
  'its',
  'latency',
  'please',
  'avoid',
  'global',
  'state',
  'use',
  'small',
  'functions',
  'customers',
  'complain',
  'about',
  'slow',
  'pages',
  'when',
  'data',
  'grows',
  'cache',
  'results',
  'for',
  'a',
  'few',
  'minutes',
  'keep',
  'it',
  'simple',
  'we',
  'need',
  'pagination',
  'too',
  'errors',
  'must',
  'be',
  'reported',
  'clearly',
  'to',
  'users',
];

export function identifier(random: Random): string {
  return `${pick(random, VERBS)}_${pick(random, ENTITIES).toLowerCase()}`;
}

export function sentence(random: Random): string {
  const words = Array.from({ length: intBetween(random, 5, 14) }, () => pick(random, WORDS));
  const text = words.join(' ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

/** Free text: one to twelve sentences over one to six lines. */
export function freeText(random: Random): string {
  const lines = Array.from({ length: intBetween(random, 1, 6) }, () =>
    Array.from({ length: intBetween(random, 1, 2) }, () => sentence(random)).join(' '),
  );
  return lines.join('\n');
}

export function jsonValue(random: Random): string {
  const entries = Array.from({ length: intBetween(random, 1, 5) }, () => [
    pick(random, FIELDS),
    random() < 0.5 ? intBetween(random, 0, 5000) : pick(random, ENTITIES),
  ]);
  return JSON.stringify(Object.fromEntries(entries), null, random() < 0.7 ? 2 : undefined);
}
