/** Deepest nesting accepted in a JSON value of a body (jsonb and JSON.stringify have limits far above it). */
export const MAX_JSON_DEPTH = 32;

/** Whether `value` nests arrays and objects deeper than `limit`, measured without recursion. */
export function nestsDeeperThan(value: unknown, limit = MAX_JSON_DEPTH): boolean {
  let level: unknown[] = [value];
  for (let depth = 0; level.length > 0; depth += 1) {
    if (depth > limit) return true;
    const next: unknown[] = [];
    for (const item of level) {
      if (typeof item === 'object' && item !== null)
        next.push(...Object.values(item as Record<string, unknown>));
    }
    level = next;
  }
  return false;
}
