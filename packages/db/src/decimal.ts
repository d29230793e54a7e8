/** Exact decimals as integers scaled by 10^scale: money never passes through a JS float. */

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/** A non-negative decimal string as an integer scaled by 10^scale; undefined if it is not one that fits. */
export function parseDecimal(value: string, scale: number): bigint | undefined {
  const match = DECIMAL.exec(value);
  if (match === null) return undefined;
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (fraction.length > scale) return undefined;
  return BigInt(match[1]! + fraction.padEnd(scale, '0'));
}

/** A scaled integer back to a decimal string with exactly `scale` places (and a `-` when negative). */
export function formatDecimal(scaled: bigint, scale: number): string {
  const sign = scaled < 0n ? '-' : '';
  const digits = (scaled < 0n ? -scaled : scaled).toString().padStart(scale + 1, '0');
  return `${sign}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}
