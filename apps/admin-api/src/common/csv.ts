/** Whether the client asked for CSV (`Accept: text/csv`) rather than JSON. */
export function wantsCsv(accept: string | undefined): boolean {
  return accept !== undefined && /(^|,)\s*text\/csv\b/i.test(accept);
}

/**
 * RFC 4180 CSV: a header row, CRLF line ends, and a field quoted (its quotes doubled) when it holds a
 * comma, a quote or a line break. Null is an empty field. Text that a spreadsheet would run as a
 * formula (it starts with `=`, `+`, `-`, `@`, a tab or a carriage return, and is not a number) gets a
 * leading `'`: service and method names come from whoever records generations.
 */
export function toCsv<Row extends object>(
  columns: readonly (keyof Row & string)[],
  rows: readonly Row[],
): string {
  const lines = [
    columns.map(csvField),
    ...rows.map((row) => columns.map((column) => csvField(row[column] as CsvValue))),
  ];
  return lines.map((fields) => `${fields.join(',')}\r\n`).join('');
}

/** A report cell: text, a number, a boolean, a date, or null. */
type CsvValue = string | number | boolean | Date | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;
const NUMBER = /^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$/;

function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  let text = value instanceof Date ? value.toISOString() : String(value);
  if (typeof value === 'string' && FORMULA_START.test(text) && !NUMBER.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
