/**
 * Error templates that are one error although Drain keeps them apart. Drain groups messages of equal
 * token count only, so a slot whose word count varies ("the <*> endpoint" holding `/orders` or
 * `GET /orders`, a reason of two words or five) splits a family into one cluster per length; and its
 * tree routes a message by its first token, so "jwt is never used" and "<STR> is never used" never
 * meet. Two templates are one family when the shared tokens of their longest common subsequence
 * make up at least half of the longer one (words that a slot of the other template stands for
 * aside, "<*> is paginated" and "the sessions list is paginated", but two words at least), no
 * meaning word stands in a difference (but as the value of a `<*>` the other has), none right after a
 * pinning word, and each difference either replaces words by words (as Drain itself generalises,
 * over any number of words) or sits at a slot: `<*>` in it or right beside it, a masked variable in it, or a masked variable
 * beside it when what the difference adds is no prose (`GET` before `<PATH>`). A word added where no
 * slot stands is another error: "loop is wrong" and "loop is wrong here" stay apart, so do "expected
 * <NUM> arguments" and "expected at least <NUM> arguments"; "cannot find module <*>" and "cannot find
 * module <*> from <*>" do not.
 */
import { isCodeIdentifier, isHttpMethod, WILDCARD } from './drain';
import { lcsPairs } from './prompt-alignment';

/** Share of the longer template's tokens both must share, `<*>` aside (Drain's own threshold). */
export const MIN_SHARED_CONSTANTS = 0.5;
/** Constant words two templates must share however much of them their slots stand for. */
export const MIN_SHARED_WITH_SLOTS = 2;
/** Longer templates are no short error messages: they are left to Drain alone. */
const MAX_TOKENS = 64;

/**
 * An exception's headline, its class and a colon (`KeyError:`, `java.io.IOException:`): two
 * tracebacks that end in another exception are two errors, whatever clause leads them.
 */
export const EXCEPTION_HEADLINE = /^(?:[\w$]+\.)*[A-Z]\w*(?:Error|Exception|Warning|Fault):$/;

/** `<*>`, or a token holding a masked variable (`<NUM>`, `(<PATH>),`): where a template varies. */
function isSlot(token: string | undefined): boolean {
  return token !== undefined && (token === WILDCARD || /<[A-Z]+>/.test(token));
}

/**
 * What may stand beside a masked variable in one template and not the other: a route's method before
 * its path (`GET <PATH>`), a code identifier, punctuation. A word of prose is another error: "expected
 * at least <NUM> arguments" is not "expected <NUM> arguments", "cannot find type <STR>" not "cannot
 * find <STR>".
 */
function qualifiesMask(token: string): boolean {
  return isHttpMethod(token) || isCodeIdentifier(token) || !/[a-z]/i.test(token);
}

/** What lies between two anchors of the alignment, on each side, and the anchors around it. */
interface Difference {
  readonly left: readonly string[];
  readonly right: readonly string[];
  readonly before: string | undefined;
  readonly after: string | undefined;
}

function differences(
  left: readonly string[],
  right: readonly string[],
  pairs: readonly [number, number][],
): Difference[] {
  const found: Difference[] = [];
  let leftAt = 0;
  let rightAt = 0;
  for (const [leftIndex, rightIndex] of [...pairs, [left.length, right.length] as const]) {
    if (leftIndex > leftAt || rightIndex > rightAt) {
      found.push({
        left: left.slice(leftAt, leftIndex),
        right: right.slice(rightAt, rightIndex),
        before: left[leftAt - 1],
        after: left[leftIndex],
      });
    }
    leftAt = leftIndex + 1;
    rightAt = rightIndex + 1;
  }
  return found;
}

/** How a Drain tells meaning words (`DrainOptions.pinnedWords`, `pinningWords`). */
export interface MeaningWords {
  isPinned(token: string): boolean;
  pinsNext(token: string | undefined): boolean;
}

/**
 * Whether two templates are one error. A meaning word inside a difference, or a difference right
 * after a pinning word, keeps them apart.
 */
export function sameFamily(left: readonly string[], right: readonly string[], words: MeaningWords): boolean {
  if (left.length > MAX_TOKENS || right.length > MAX_TOKENS) return false;
  if (sharesLeadClause(left, right) && headlines(left) === headlines(right)) return true;
  const slotted = left.some(isSlot) || right.some(isSlot);
  // Words a slot of the other template stands for do not count (below): with a slot about, the bound
  // is only MIN_SHARED_WITH_SLOTS.
  const longer = Math.max(left.length, right.length);
  const bound = slotted ? MIN_SHARED_WITH_SLOTS : MIN_SHARED_CONSTANTS * longer;
  // Most pairs share few words: counting them is cheaper than the LCS and bounds it from above.
  const rightTokens = new Set(right);
  if (left.filter((token) => token !== WILDCARD && rightTokens.has(token)).length < bound) return false;
  const pairs = lcsPairs(left, right);
  const shared = pairs.filter(([index]) => left[index] !== WILDCARD).length;
  if (shared < bound) return false;
  const found = differences(left, right, pairs);
  const filled = (part: readonly string[], other: readonly string[]) =>
    other.length > 0 && other.every(isSlot) ? part.length : 0;
  const leftFilled = found.reduce((sum, { left: part, right: other }) => sum + filled(part, other), 0);
  const rightFilled = found.reduce((sum, { right: part, left: other }) => sum + filled(part, other), 0);
  if (shared < MIN_SHARED_CONSTANTS * Math.max(left.length - leftFilled, right.length - rightFilled)) {
    return false;
  }
  return found.every(({ left: leftPart, right: rightPart, before, after }) => {
    const differing = [...leftPart, ...rightPart];
    if (words.pinsNext(before)) return false;
    if (differing.some((token) => words.isPinned(token)) && !slotValue(leftPart, rightPart, words)) {
      return false;
    }
    const replaces = leftPart.length > 0 && rightPart.length > 0;
    if (replaces || before === WILDCARD || after === WILDCARD || differing.some(isSlot)) return true;
    return (isSlot(before) || isSlot(after)) && differing.every(qualifiesMask);
  });
}

/**
 * Whether one side of a difference is a `<*>` the other template already has and the other side is
 * what it stands for: a value may hold a meaning word ("I asked for <*>" and "I asked for async
 * Python"), but not a negation or a degree, which turns the error around ("is <*>" is not "is not
 * paginated").
 */
function slotValue(left: readonly string[], right: readonly string[], words: MeaningWords): boolean {
  const onlySlots = (part: readonly string[]) => part.length > 0 && part.every((token) => token === WILDCARD);
  const value = onlySlots(left) ? right : onlySlots(right) ? left : null;
  return value !== null && !value.some((token) => words.pinsNext(token));
}

/** Constant words a lead clause needs before its separator to make the rest free text. */
export const MIN_LEAD_CLAUSE_WORDS = 3;

/**
 * Whether both templates start with the same clause of at least MIN_LEAD_CLAUSE_WORDS constant words
 * that ends in a separator (`:`, `,`, `;`, a dash, "because", "when", "whenever", "where", "unless"), and both go
 * on after it: what follows is free text, a reason or a case in the user's words ("not what I asked
 * for, <anything>", "test <*> is flaky because <anything>", "this does not handle the case where
 * <anything>"), whatever words it holds. A slot in the clause matches any one word, a code
 * identifier any other.
 */
function sharesLeadClause(left: readonly string[], right: readonly string[]): boolean {
  let constants = 0;
  for (let at = 0; at < Math.min(left.length, right.length) - 1; at += 1) {
    const token = left[at] as string;
    const other = right[at] as string;
    if (isSlot(token) || isSlot(other)) continue;
    if (token !== other) {
      if (isCodeIdentifier(token) && isCodeIdentifier(other)) continue;
      return false;
    }
    constants += 1;
    if (constants >= MIN_LEAD_CLAUSE_WORDS && LEAD_CLAUSE_END.test(token)) return true;
  }
  return false;
}

/** The exception headlines of a template, in order (`EXCEPTION_HEADLINE`). */
function headlines(tokens: readonly string[]): string {
  return tokens.filter((token) => EXCEPTION_HEADLINE.test(token)).join(' ');
}

/** How a lead clause ends: a separator after its last word, a dash, or a word that opens a reason or a case. */
const LEAD_CLAUSE_END = /(?:[:,;]|^[-–—]|^(?:because|when|whenever|where|unless))$/i;

/**
 * One template for a family: the tokens all its templates share, in order, with `<*>` wherever any
 * of them differs (one `<*>` per stretch, none beside a `<*>` already there).
 */
export function familyTemplate(templates: readonly (readonly string[])[]): string[] {
  const [first, ...rest] = templates;
  let merged = [...(first ?? [])];
  for (const template of rest) {
    const pairs = lcsPairs(merged, template);
    const next: string[] = [];
    let mergedAt = 0;
    let otherAt = 0;
    for (const [index, otherIndex] of [...pairs, [merged.length, template.length] as const]) {
      const differs = index > mergedAt || otherIndex > otherAt;
      const token = merged[index];
      if (differs && next[next.length - 1] !== WILDCARD && token !== WILDCARD) next.push(WILDCARD);
      if (token !== undefined) next.push(token);
      mergedAt = index + 1;
      otherAt = otherIndex + 1;
    }
    merged = next;
  }
  return merged;
}
