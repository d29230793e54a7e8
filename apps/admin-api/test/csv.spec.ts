import { describe, expect, test } from '@jest/globals';
import { toCsv } from '../src/common/csv';

describe('toCsv', () => {
  const csv = (value: string | number | null) => toCsv(['value'], [{ value }]).split('\r\n')[1];

  test.each([
    ['=HYPERLINK("http://example.invalid","x")', `"'=HYPERLINK(""http://example.invalid"",""x"")"`],
    ['+cmd', "'+cmd"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tTab', "'\tTab"],
    ['\r=1', `"'\r=1"`],
  ])('text a spreadsheet would run as a formula, %j, is defused', (value, expected) => {
    expect(csv(value)).toBe(expected);
  });

  test.each([
    ['-1.5', '-1.5'],
    ['+2', '+2'],
    ['1e-7', '1e-7'],
    ['0.000000012345', '0.000000012345'],
    ['PostgresService', 'PostgresService'],
    ['Billing, "EU"', '"Billing, ""EU"""'],
  ])('numbers and plain text, %j, are kept as they are', (value, expected) => {
    expect(csv(value)).toBe(expected);
  });

  test('numbers and nulls', () => {
    expect(csv(-3)).toBe('-3');
    expect(csv(null)).toBe('');
  });
});
