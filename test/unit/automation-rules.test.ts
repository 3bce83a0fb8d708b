// Auto-message limits as plain functions: every length and count limit of PRODUCT §5,
// characters counted as a person sees them, keyword-rule checks, room and reorder checks.
import { describe, expect, it } from 'vitest';
import type { UserError } from '../../src/platform/errors.ts';
import {
  autoMessageLimits as limits,
  charCount,
  checkContent,
  checkReorder,
  checkRoom,
  cleanContent,
  describeContent,
  sameContent,
  type KeywordReplyContent,
} from '../../src/modules/automation/rules.ts';

const codes = (errors: UserError[] | UserError | null) => (errors === null ? [] : [errors].flat()).map(({ code, field }) => [code, field]);
const text = (n: number, char = 'a') => char.repeat(n);
/** n user-perceived characters that are several code points each */
const emoji = (n: number) => '👩🏽‍💻'.repeat(n);
const chinese = (n: number) => '价'.repeat(n);

describe('charCount', () => {
  it.each([
    ['ascii', 'hello', 5],
    ['Chinese', '价格多少钱', 5],
    ['an emoji with skin tone and ZWJ', '👩🏽‍💻', 1],
    ['a flag', '🇫🇷', 1],
    ['a decomposed accent', 'cafe\u0301', 4],
    ['a composed accent', 'café', 4],
    ['nothing', '', 0],
  ])('%s', (_name, value, count) => {
    expect(charCount(value)).toBe(count);
  });
});

describe('welcome message', () => {
  it.each([
    ['at the limit', text(limits.welcomeText), []],
    ['at the limit in emoji', emoji(limits.welcomeText), []],
    ['at the limit in Chinese', chinese(limits.welcomeText), []],
    ['over the limit', text(limits.welcomeText + 1), [['TOO_LONG', ['input', 'text']]]],
    ['over the limit in emoji', emoji(limits.welcomeText + 1), [['TOO_LONG', ['input', 'text']]]],
    ['blank', '   ', [['REQUIRED', ['input', 'text']]]],
    ['surrounding spaces are not counted', `  ${text(limits.welcomeText)}  `, []],
  ])('%s', (_name, value, expected) => {
    expect(codes(checkContent('WELCOME', { text: value }))).toEqual(expected);
  });

  it('is 250 characters', () => expect(limits.welcomeText).toBe(250));
});

describe.each([
  ['SUGGESTED_QUESTION', 'question', 80, 'answer', 200],
  ['CHAT_PROMPT', 'title', 18, 'content', 150],
] as const)('%s', (kind, first, firstMax, second, secondMax) => {
  const check = (a: string, b: string) => codes(checkContent(kind, { [first]: a, [second]: b } as never));

  it(`accepts a ${first} of ${firstMax} and a ${second} of ${secondMax} characters`, () => {
    expect([limits.question, limits.answer, limits.promptTitle, limits.promptContent]).toEqual([80, 200, 18, 150]);
    expect(check(emoji(firstMax), chinese(secondMax))).toEqual([]);
  });

  it('reports each field over its limit or blank', () => {
    expect(check(text(firstMax + 1), emoji(secondMax + 1))).toEqual([
      ['TOO_LONG', ['input', first]],
      ['TOO_LONG', ['input', second]],
    ]);
    expect(check('', ' \n ')).toEqual([
      ['REQUIRED', ['input', first]],
      ['REQUIRED', ['input', second]],
    ]);
  });
});

describe('keyword rule', () => {
  const rule = (input: Partial<KeywordReplyContent>): KeywordReplyContent => ({ keywords: ['price'], matchMode: 'CONTAINS', reply: 'From 10 €.', ...input });
  const check = (input: Partial<KeywordReplyContent>) => codes(checkContent('KEYWORD_REPLY', rule(input)));

  it('accepts 1 to 4 keywords of up to 40 characters and a reply of up to 500', () => {
    expect(limits).toMatchObject({ keywordsPerRule: { min: 1, max: 4 }, keyword: 40, reply: 500 });
    expect(check({ keywords: ['a'] })).toEqual([]);
    expect(check({ keywords: [text(40), emoji(40), chinese(40), 'how much'], reply: text(500), matchMode: 'EXACT' })).toEqual([]);
  });

  it('refuses no keyword and more than 4', () => {
    expect(check({ keywords: [] })).toEqual([['REQUIRED', ['input', 'keywords']]]);
    expect(check({ keywords: ['a', 'b', 'c', 'd', 'e'] })).toEqual([['LIMIT_REACHED', ['input', 'keywords']]]);
  });

  it('refuses a blank keyword and one over 40 characters, by position', () => {
    expect(check({ keywords: ['ok', '  ', text(41), emoji(41)] })).toEqual([
      ['REQUIRED', ['input', 'keywords', '1']],
      ['TOO_LONG', ['input', 'keywords', '2']],
      ['TOO_LONG', ['input', 'keywords', '3']],
    ]);
  });

  it('refuses the same keyword twice, ignoring case, width, spacing and composition', () => {
    expect(check({ keywords: ['price', 'PRICE'] })).toEqual([['DUPLICATE_KEYWORD', ['input', 'keywords', '1']]]);
    expect(check({ keywords: ['price', 'cost', 'ｐｒｉｃｅ'] })).toEqual([['DUPLICATE_KEYWORD', ['input', 'keywords', '2']]]);
    expect(check({ keywords: ['how much', ' How  Much '] })).toEqual([['DUPLICATE_KEYWORD', ['input', 'keywords', '1']]]);
    expect(check({ keywords: ['café', 'cafe\u0301'] })).toEqual([['DUPLICATE_KEYWORD', ['input', 'keywords', '1']]]);
    expect(check({ keywords: ['カタカナ', 'ｶﾀｶﾅ'] })).toEqual([['DUPLICATE_KEYWORD', ['input', 'keywords', '1']]]);
    expect(check({ keywords: ['café', 'cafe'] })).toEqual([]);
  });

  it('refuses an unknown match mode, a blank reply and one over 500 characters', () => {
    expect(check({ matchMode: 'FUZZY' as never })).toEqual([['INVALID', ['input', 'matchMode']]]);
    expect(check({ reply: ' ' })).toEqual([['REQUIRED', ['input', 'reply']]]);
    expect(check({ reply: emoji(501) })).toEqual([['TOO_LONG', ['input', 'reply']]]);
  });

  it('reports every problem at once', () => {
    expect(check({ keywords: ['a', 'A', '', 'b', 'c'], reply: '' })).toEqual([
      ['LIMIT_REACHED', ['input', 'keywords']],
      ['DUPLICATE_KEYWORD', ['input', 'keywords', '1']],
      ['REQUIRED', ['input', 'keywords', '2']],
      ['REQUIRED', ['input', 'reply']],
    ]);
  });
});

describe('checkRoom', () => {
  it.each([
    ['WELCOME', 0, true],
    ['WELCOME', 1, false],
    ['SUGGESTED_QUESTION', 2, true],
    ['SUGGESTED_QUESTION', 3, false],
    ['CHAT_PROMPT', 5, true],
    ['CHAT_PROMPT', 6, false],
    ['KEYWORD_REPLY', 1000, true],
  ] as const)('%s with %i existing: room %s', (kind, count, room) => {
    expect(codes(checkRoom(kind, count, ['accountId']))).toEqual(room ? [] : [['LIMIT_REACHED', ['accountId']]]);
  });
});

describe('checkReorder', () => {
  const existing = ['a', 'b', 'c'];
  it('accepts every id once, in any order', () => {
    expect(checkReorder('CHAT_PROMPT', existing, ['c', 'a', 'b'])).toBeNull();
    expect(checkReorder('KEYWORD_REPLY', [], [])).toBeNull();
  });

  it.each([
    ['a missing id', ['a', 'b']],
    ['an id twice', ['a', 'b', 'b']],
    ['an unknown id', ['a', 'b', 'x']],
    ['an extra id', ['a', 'b', 'c', 'x']],
  ])('refuses %s', (_name, ids) => {
    expect(codes(checkReorder('SUGGESTED_QUESTION', existing, ids))).toEqual([['INVALID', ['ids']]]);
  });

  it('refuses the welcome message (one per account)', () => {
    expect(codes(checkReorder('WELCOME', ['a'], ['a']))).toEqual([['INVALID', ['kind']]]);
  });
});

describe('stored content', () => {
  it('trims texts and tidies keywords', () => {
    expect(cleanContent('KEYWORD_REPLY', { keywords: ['  how   much ', 'price'], matchMode: 'EXACT', reply: ' 10 € ' })).toEqual({ keywords: ['how much', 'price'], matchMode: 'EXACT', reply: '10 €' });
    expect(cleanContent('SUGGESTED_QUESTION', { question: ' Hours? ', answer: ' 9–5 ' })).toEqual({ question: 'Hours?', answer: '9–5' });
  });

  it('compares content whatever the key order', () => {
    expect(sameContent({ question: 'a', answer: 'b' }, { answer: 'b', question: 'a' })).toBe(true);
    expect(sameContent({ question: 'a', answer: 'b' }, { answer: 'c', question: 'a' })).toBe(false);
    expect(sameContent({ keywords: ['a', 'b'] }, { keywords: ['b', 'a'] })).toBe(false);
  });

  it('names an auto-message for notifications', () => {
    expect(describeContent('WELCOME', { text: 'Hi' })).toBe('Welcome message');
    expect(describeContent('KEYWORD_REPLY', { keywords: ['price', '价格'], matchMode: 'CONTAINS', reply: 'x' })).toBe('Keyword reply: price, 价格');
    expect(describeContent('CHAT_PROMPT', { title: 'Menu', content: 'x' })).toBe('Chat prompt: Menu');
  });
});
