/** A value as COPY's text format takes it; strings are escaped here, so callers pass them raw. */
export type CopyValue = string | number | boolean | null;

const SPECIAL = /[\\\t\n\r]/;

/** One line of `COPY … FROM STDIN` text format: tab-separated, `\N` for NULL, specials escaped. */
export function copyLine(values: readonly CopyValue[]): string {
  let line = '';
  for (let i = 0; i < values.length; i += 1) {
    if (i > 0) line += '\t';
    line += copyField(values[i]!);
  }
  return `${line}\n`;
}

function copyField(value: CopyValue): string {
  if (value === null) return '\\N';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'number') return String(value);
  return SPECIAL.test(value)
    ? value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
    : value;
}
