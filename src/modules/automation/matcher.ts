// Keyword matching for keyword replies (PRODUCT §5). Both sides are folded the same way
// (NFKC: width and compatibility forms; lower case; emoji variation selectors dropped;
// whitespace collapsed), so ＰＲＩＣＥ, Price and price are one keyword, ｶﾀｶﾅ is カタカナ, and a
// composed é equals e + combining acute, while accents stay significant (café ≠ cafe).

export type MatchMode = 'EXACT' | 'CONTAINS';

export interface KeywordRule {
  keywords: readonly string[];
  matchMode: MatchMode;
}

/**
 * Scripts written without spaces between words: a keyword in them matches anywhere (价格 inside
 * 请问这个价格是多少), and their characters end a word of another script (iPhone in 我想买iPhone吗).
 * Korean is spaced, but particles attach to the word before them (가격은), so it is here too.
 */
const unspaced = /[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Hangul}\p{scx=Thai}\p{scx=Lao}\p{scx=Khmer}\p{scx=Myanmar}]/u;
/** a character that continues a word of a spaced script (Latin, Cyrillic, Greek, Arabic…) */
const wordCharacter = /[\p{L}\p{N}\p{M}\p{Pc}]/u;

/** The folded form both keywords and messages are compared in. */
export function fold(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\u03C2/gu, 'σ') // final sigma (ς): lower-casing ΣΑΣ and σασ must agree
    .replace(/[\uFE0E\uFE0F]/gu, '') // text/emoji presentation of the same symbol
    .normalize('NFKC')
    .replace(/\s+/gu, ' ')
    .trim();
}

const continuesWord = (char: string | undefined) => char !== undefined && wordCharacter.test(char) && !unspaced.test(char);

function charBefore(text: string, index: number): string | undefined {
  if (index === 0) return undefined;
  const low = text.charCodeAt(index - 1);
  return low >= 0xdc00 && low <= 0xdfff && index >= 2 ? text.slice(index - 2, index) : text[index - 1];
}

function charAfter(text: string, index: number): string | undefined {
  const code = text.codePointAt(index);
  return code === undefined ? undefined : String.fromCodePoint(code);
}

/** `keyword` (folded) as a whole word or phrase of `text` (folded): not inside a longer word. */
function containsWord(text: string, keyword: string): boolean {
  // only an edge made of word material needs a boundary ("c++" may be followed by anything)
  const checkStart = continuesWord(charAfter(keyword, 0));
  const checkEnd = continuesWord(charBefore(keyword, keyword.length));
  for (let at = text.indexOf(keyword); at !== -1; at = text.indexOf(keyword, at + 1)) {
    const end = at + keyword.length;
    if ((!checkStart || !continuesWord(charBefore(text, at))) && (!checkEnd || !continuesWord(charAfter(text, end)))) return true;
  }
  return false;
}

/** Whether one folded keyword matches a folded message. */
function keywordMatches(text: string, keyword: string, mode: MatchMode): boolean {
  if (keyword === '') return false;
  if (mode === 'EXACT') return text === keyword;
  return unspaced.test(keyword) ? text.includes(keyword) : containsWord(text, keyword);
}

/** Whether any of the rule's keywords matches the message. */
export function ruleMatches(rule: KeywordRule, text: string): boolean {
  return firstMatchingRule([rule], text) !== null;
}

/** The first rule (in the order given: the account's order) whose keywords match, or null. */
export function firstMatchingRule<R extends KeywordRule>(rules: readonly R[], text: string): R | null {
  const folded = fold(text);
  if (folded === '') return null;
  return rules.find((rule) => rule.keywords.some((keyword) => keywordMatches(folded, fold(keyword), rule.matchMode))) ?? null;
}
