// The keyword matcher of keyword replies on a table of scripts, widths, accents and modes.
import { describe, expect, it } from 'vitest';
import { firstMatchingRule, fold, ruleMatches, type MatchMode } from '../../src/modules/automation/matcher.ts';

const combiningAcute = '\u0301';

describe('fold', () => {
  it.each([
    ['ＰＲＩＣＥ', 'price'],
    ['ｶﾀｶﾅ', 'カタカナ'],
    ['ｶﾞｲﾄﾞ', 'ガイド'],
    [`Cafe${combiningAcute}`, 'café'],
    ['CAFÉ', 'café'],
    ['  How \t much\n is   it ', 'how much is it'],
    ['ﬁne', 'fine'],
    ['①', '1'],
    ['ΣΑΣ', 'σασ'],
    ['❤️', '❤'],
  ])('%s → %s', (input, folded) => {
    expect(fold(input)).toBe(folded);
  });
});

const cases: [mode: MatchMode, keyword: string, message: string, matches: boolean][] = [
  // Latin: case, whole words, phrases
  ['CONTAINS', 'price', 'What’s the price?', true],
  ['CONTAINS', 'price', "What's the PRICE of this?", true],
  ['CONTAINS', 'Price', 'price', true],
  ['CONTAINS', 'price', 'priceless', false],
  ['CONTAINS', 'price', 'the prices are', false],
  ['CONTAINS', 'price', 'overprice', false],
  ['CONTAINS', 'price', 'price-list please', true],
  ['CONTAINS', 'price', '(price)', true],
  ['CONTAINS', 'price', 'price_list', false],
  ['CONTAINS', 'price', 'price2', false],
  ['CONTAINS', 'how much', 'Hi, how   much is it?', true],
  ['CONTAINS', 'how much', 'how is it much', false],
  ['CONTAINS', 'how much', 'somehow muchness', false],
  ['CONTAINS', 'opening hours', 'What are your Opening Hours today', true],
  ['CONTAINS', 'c++', 'I write c++, do you?', true],
  ['CONTAINS', 'price', 'price price', true],
  ['CONTAINS', 'price', 'pricey price', true],
  // full width and compatibility forms
  ['CONTAINS', 'ＰＲＩＣＥ', 'what is the price', true],
  ['CONTAINS', 'price', 'ＰＲＩＣＥ？', true],
  ['CONTAINS', 'price', 'ｐｒｉｃｅｌｅｓｓ', false],
  ['EXACT', 'price', 'ＰＲＩＣＥ', true],
  ['CONTAINS', 'file', 'ﬁle attached', true],
  // accents: composed = decomposed, but accents stay significant
  ['CONTAINS', 'café', 'Un CAFÉ, svp', true],
  ['CONTAINS', 'café', `un cafe${combiningAcute} noir`, true],
  ['CONTAINS', `cafe${combiningAcute}`, 'Café au lait', true],
  ['CONTAINS', 'cafe', 'Café au lait', false],
  ['CONTAINS', 'café', 'cafe au lait', false],
  ['EXACT', 'Café', `CAFE${combiningAcute}`, true],
  ['EXACT', 'cafe', 'café', false],
  // other spaced scripts
  ['CONTAINS', 'цена', 'Какая ЦЕНА?', true],
  ['CONTAINS', 'цена', 'бесценная', false],
  ['CONTAINS', 'τιμή', 'Ποια είναι η ΤΙΜΗ;', false], // upper case drops the tonos: a different spelling
  ['CONTAINS', 'σας', 'ΕΥΧΑΡΙΣΤΟΥΜΕ ΣΑΣ', true],
  ['CONTAINS', 'سعر', 'كم سعر هذا؟', true],
  // Chinese and Japanese: keywords match inside sentences
  ['CONTAINS', '价格', '请问这个价格是多少', true],
  ['CONTAINS', '价格', '价格', true],
  ['CONTAINS', '多少钱', '这件衣服多少钱？', true],
  ['CONTAINS', '多少钱', '多少', false],
  ['CONTAINS', '日本語', 'あなたは日本語を話せますか', true],
  ['CONTAINS', 'カタカナ', 'ｶﾀｶﾅで書いてください', true],
  ['CONTAINS', 'ｶﾀｶﾅ', 'カタカナで書いてください', true],
  ['CONTAINS', 'ガイド', 'ｶﾞｲﾄﾞはありますか', true],
  ['CONTAINS', 'ひらがな', 'ヒラガナ', false],
  ['CONTAINS', '營業時間', '营业时间', false], // traditional and simplified characters are different characters
  ['EXACT', '价格', '请问这个价格是多少', false],
  ['EXACT', '价格', ' 价格 ', true],
  // mixed scripts: a Latin keyword ends where Chinese/Japanese text begins
  ['CONTAINS', 'iphone', '我想买iPhone手机', true],
  ['CONTAINS', 'iphone', '我想买iPhones', false],
  ['CONTAINS', 'wifi', 'WiFiのパスワードは？', true],
  ['CONTAINS', 'sale', 'Black Friday セール sale!', true],
  ['CONTAINS', '价格 price', '价格 PRICE', true],
  ['CONTAINS', '价格', 'the 价格? please', true],
  // Korean: particles attach to the word
  ['CONTAINS', '가격', '가격은 얼마예요?', true],
  // emoji
  ['CONTAINS', '👍', 'great 👍👍', true],
  ['CONTAINS', '❤️', 'I ❤ it', true],
  ['CONTAINS', 'price', 'price💰?', true],
  ['CONTAINS', '🎁 gift', 'any 🎁 gift today?', true],
  ['EXACT', '👋', '👋', true],
  ['EXACT', '👋', '👋👋', false],
  ['CONTAINS', '👨‍👩‍👧', 'family 👨‍👩‍👧 plan', true],
  // EXACT: the whole message, trimmed, inner whitespace collapsed
  ['EXACT', 'price', 'price', true],
  ['EXACT', 'price', '  Price  ', true],
  ['EXACT', 'price', 'price?', false],
  ['EXACT', 'price', 'the price', false],
  ['EXACT', 'how much', 'How\n   much', true],
  ['EXACT', 'how much', 'howmuch', false],
];

describe('ruleMatches', () => {
  it.each(cases)('%s %j in %j → %s', (matchMode, keyword, message, expected) => {
    expect(ruleMatches({ keywords: [keyword], matchMode }, message)).toBe(expected);
  });

  it('matches when any of the rule’s keywords does', () => {
    const rule = { keywords: ['price', '价格', 'cost'], matchMode: 'CONTAINS' as const };
    expect(ruleMatches(rule, 'what does it cost?')).toBe(true);
    expect(ruleMatches(rule, '这个价格')).toBe(true);
    expect(ruleMatches(rule, 'costly pricey')).toBe(false);
  });

  it('never matches a blank message or keyword', () => {
    expect(ruleMatches({ keywords: ['price'], matchMode: 'CONTAINS' }, '   ')).toBe(false);
    expect(ruleMatches({ keywords: [' '], matchMode: 'EXACT' }, ' ')).toBe(false);
    expect(ruleMatches({ keywords: [''], matchMode: 'CONTAINS' }, 'anything')).toBe(false);
  });
});

describe('firstMatchingRule', () => {
  const rules = [
    { id: 'hours', keywords: ['open', 'hours'], matchMode: 'CONTAINS' as const },
    { id: 'price-exact', keywords: ['price'], matchMode: 'EXACT' as const },
    { id: 'price', keywords: ['price', '价格'], matchMode: 'CONTAINS' as const },
    { id: 'anything-cost', keywords: ['cost'], matchMode: 'CONTAINS' as const },
  ];

  it('returns the first rule in order that matches', () => {
    expect(firstMatchingRule(rules, 'PRICE')?.id).toBe('price-exact');
    expect(firstMatchingRule(rules, 'the price?')?.id).toBe('price');
    expect(firstMatchingRule(rules, 'price and hours?')?.id).toBe('hours');
    expect(firstMatchingRule(rules, '价格多少')?.id).toBe('price');
    expect(firstMatchingRule([...rules].reverse(), 'price and hours and cost')?.id).toBe('anything-cost');
  });

  it('returns null when nothing matches', () => {
    expect(firstMatchingRule(rules, 'hello there')).toBeNull();
    expect(firstMatchingRule([], 'price')).toBeNull();
    expect(firstMatchingRule(rules, '')).toBeNull();
  });
});
