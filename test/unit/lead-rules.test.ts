// The lead-form and lead rules as plain functions: word counting across scripts, privacy
// policy URLs, form field checks, what a form needs before review, and answer validation.
import { describe, expect, it } from 'vitest';
import type { UserError } from '../../src/platform/errors.ts';
import {
  ANSWER_MAX,
  checkAnswers,
  checkLeadFormFields,
  checkSubmittable,
  countWords,
  FORM_NAME_MAX,
  INTRODUCTION_MAX_WORDS,
  isHttpsPolicyUrl,
  neutraliseCell,
  PRIVACY_TEXT_MAX,
  type Answer,
  type LeadFormFields,
} from '../../src/modules/leads/rules.ts';

const words = (n: number, word = 'word') => Array.from({ length: n }, () => word).join(' ');
const codes = (errors: UserError[]) => errors.map(({ code, field }) => [code, field]);

describe('countWords', () => {
  it.each([
    ['English words separated by spaces', 'Tell us what you need', 5],
    ['contractions and trailing punctuation', "Don't wait, we're open!", 4],
    ['words joined by hyphens count separately', 'A state-of-the-art e-mail service', 8],
    ['words joined by dashes and an ellipsis', 'fast—friendly—delivery…', 3],
    ['words joined by commas', 'apple,banana,cherry', 3],
    ['words joined by dots, colons or underscores', 'fast.friendly.delivery a:b:c snake_case_words', 9],
    ['a URL by its parts', 'Read https://acme.example.com/privacy first', 7],
    ['numbers with separators as one word', 'Prices from 1,000 to 2.50 euros, version v2.0.1', 8],
    ['any whitespace, line breaks and tabs included', 'one\ntwo\tthree   four', 4],
    ['accented Latin letters', 'Café crème naïve', 3],
    ['Chinese: each character is a word', '价格咨询', 4],
    ['Chinese with full-width punctuation', '请问价格是多少？', 7],
    ['Japanese kana and kanji, one word per character', 'こんにちは世界', 7],
    ['Japanese katakana with the long-vowel mark', 'コーヒー', 4],
    ['Korean: words are separated by spaces', '안녕하세요 세계', 2],
    ['Korean with a particle and a full stop', '한국어 문장입니다.', 2],
    ['Thai words found side by side', 'ภาษาไทย', 2],
    ['mixed English, Chinese and Korean', 'Hello 世界 안녕', 4],
    ['Latin and Han without a space between', 'iPhone价格', 3],
    ['full-width Latin (NFKC)', 'ｆｕｌｌ　ｗｉｄｔｈ', 2],
    ['emoji are not words', '🎉🎉 🚀 👍🏽', 0],
    ['emoji between words', 'I ❤️ you 👍', 2],
    ['punctuation only', '!!! ... — ? ， 。', 0],
    ['the empty string', '', 0],
    ['whitespace only', ' \n\t ', 0],
  ])('%s', (_name, text, expected) => {
    expect(countWords(text)).toBe(expected);
  });

  it(`counts exactly ${INTRODUCTION_MAX_WORDS} and ${INTRODUCTION_MAX_WORDS + 1} words`, () => {
    expect(countWords(words(200))).toBe(200);
    expect(countWords(words(201))).toBe(201);
    expect(countWords('价'.repeat(200))).toBe(200);
    expect(countWords(`${words(199)} 价格`)).toBe(201);
    expect(countWords(words(201, 'word').replaceAll(' ', '—'))).toBe(201);
    expect(countWords(words(201, 'word').replaceAll(' ', ','))).toBe(201);
  });
});

describe('isHttpsPolicyUrl', () => {
  it.each([
    'https://acme.example.com/privacy',
    'https://acme.example.com/legal/privacy.html',
    'https://acme.example.com/index.php?page=privacy',
    'HTTPS://ACME.EXAMPLE.COM/Privacy',
    'https://acme.example.com./privacy',
    'https://xn--caf-dma.fr/confidentialite',
  ])('accepts %s', (url) => {
    expect(isHttpsPolicyUrl(url)).toBe(true);
  });

  it.each([
    ['http', 'http://acme.example.com/privacy'],
    ['a bare domain', 'https://acme.example.com'],
    ['a bare domain with a slash', 'https://acme.example.com/'],
    ['a bare domain with slashes', 'https://acme.example.com//'],
    ['a home page with only a query', 'https://acme.example.com/?p=privacy'],
    ['a home page with only a fragment', 'https://acme.example.com/#privacy'],
    ['a host without a dot', 'https://localhost/privacy'],
    ['a host with an empty label', 'https://.com/privacy'],
    ['credentials in the URL', 'https://user:secret@acme.example.com/privacy'],
    ['no scheme', 'acme.example.com/privacy'],
    ['another scheme', 'ftp://acme.example.com/privacy'],
    ['javascript', 'javascript:alert(1)'],
    ['not a URL', 'our privacy policy'],
    ['the empty string', ''],
  ])('refuses %s', (_name, url) => {
    expect(isHttpsPolicyUrl(url)).toBe(false);
  });
});

describe('checkLeadFormFields', () => {
  const check = (input: LeadFormFields) => {
    const errors: UserError[] = [];
    checkLeadFormFields(input, errors);
    return codes(errors);
  };

  it('accepts a complete valid form and checks nothing that is not given', () => {
    expect(check({ name: 'Quote', introduction: words(200), questions: ['NAME', 'EMAIL'], privacyPolicyUrl: 'https://a.example/privacy' })).toEqual([]);
    expect(check({ privacyPolicyText: 'We keep your data safe.', privacyPolicyUrl: null })).toEqual([]);
    expect(check({})).toEqual([]);
  });

  it.each([
    ['a blank name', { name: ' \n ' }, 'REQUIRED', 'name'],
    ['a name that is too long', { name: 'x'.repeat(FORM_NAME_MAX + 1) }, 'TOO_LONG', 'name'],
    ['an introduction over 200 words', { introduction: words(201) }, 'WORD_LIMIT_EXCEEDED', 'introduction'],
    ['an introduction over 200 Chinese characters', { introduction: '价'.repeat(201) }, 'WORD_LIMIT_EXCEEDED', 'introduction'],
    ['no question', { questions: [] }, 'REQUIRED', 'questions'],
    ['a question asked twice', { questions: ['EMAIL', 'NAME', 'EMAIL'] }, 'INVALID', 'questions'],
    ['both policy forms', { privacyPolicyText: 'Policy', privacyPolicyUrl: 'https://a.example/privacy' }, 'INVALID', 'privacyPolicyUrl'],
    ['a blank policy text', { privacyPolicyText: '   ' }, 'REQUIRED', 'privacyPolicyText'],
    ['a policy text that is too long', { privacyPolicyText: 'x'.repeat(PRIVACY_TEXT_MAX + 1) }, 'TOO_LONG', 'privacyPolicyText'],
    ['an http policy URL', { privacyPolicyUrl: 'http://a.example/privacy' }, 'URL_INVALID', 'privacyPolicyUrl'],
    ['a bare-domain policy URL', { privacyPolicyUrl: 'https://a.example/' }, 'URL_INVALID', 'privacyPolicyUrl'],
  ] as [string, LeadFormFields, string, string][])('refuses %s', (_name, input, code, field) => {
    expect(check(input)).toEqual([[code, ['input', field]]]);
  });

  it('accepts the limits themselves', () => {
    expect(check({ name: 'x'.repeat(FORM_NAME_MAX), privacyPolicyText: 'x'.repeat(PRIVACY_TEXT_MAX) })).toEqual([]);
    expect(check({ name: '😀'.repeat(FORM_NAME_MAX) })).toEqual([]);
  });

  it('reports every problem at once, in field order', () => {
    expect(check({ name: '', introduction: words(250), questions: [], privacyPolicyText: 'Policy', privacyPolicyUrl: 'http://a.example/privacy' })).toEqual([
      ['REQUIRED', ['input', 'name']],
      ['WORD_LIMIT_EXCEEDED', ['input', 'introduction']],
      ['REQUIRED', ['input', 'questions']],
      ['INVALID', ['input', 'privacyPolicyUrl']],
      ['URL_INVALID', ['input', 'privacyPolicyUrl']],
    ]);
  });

  it('says how many words the introduction has', () => {
    const errors: UserError[] = [];
    checkLeadFormFields({ introduction: words(201) }, errors);
    expect(errors[0].message).toContain('201');
  });
});

describe('checkSubmittable', () => {
  it('needs a privacy policy in either form', () => {
    expect(codes(checkSubmittable({ questions: ['NAME'], privacyPolicyText: null, privacyPolicyUrl: null }))).toEqual([['REQUIRED', ['privacyPolicy']]]);
    expect(checkSubmittable({ questions: ['NAME'], privacyPolicyText: 'Policy', privacyPolicyUrl: null })).toEqual([]);
    expect(checkSubmittable({ questions: ['NAME'], privacyPolicyText: null, privacyPolicyUrl: 'https://a.example/privacy' })).toEqual([]);
  });

  it('needs a question', () => {
    expect(codes(checkSubmittable({ questions: [], privacyPolicyText: 'Policy', privacyPolicyUrl: null }))).toEqual([['REQUIRED', ['questions']]]);
  });
});

describe('checkAnswers', () => {
  const run = (asked: Parameters<typeof checkAnswers>[0], given: Answer[]) => {
    const errors: UserError[] = [];
    const answers = checkAnswers(asked, given, errors);
    return { answers, errors: codes(errors) };
  };
  const field = (question: string) => ['input', 'answers', question];

  it('returns trimmed answers in the order the form asks them', () => {
    const result = run(
      ['ENQUIRY', 'NAME', 'PHONE', 'EMAIL', 'COUNTRY_CITY'],
      [
        { question: 'EMAIL', answer: ' ana@example.com ' },
        { question: 'COUNTRY_CITY', answer: 'France / Lyon' },
        { question: 'NAME', answer: 'Ana' },
        { question: 'ENQUIRY', answer: '价格咨询' },
        { question: 'PHONE', answer: '+33 1 23 45 67 89' },
      ],
    );
    expect(result.errors).toEqual([]);
    expect(result.answers).toEqual([
      { question: 'ENQUIRY', answer: '价格咨询' },
      { question: 'NAME', answer: 'Ana' },
      { question: 'PHONE', answer: '+33123456789' },
      { question: 'EMAIL', answer: 'ana@example.com' },
      { question: 'COUNTRY_CITY', answer: 'France / Lyon' },
    ]);
  });

  it('requires every asked question, blank answers included', () => {
    expect(run(['NAME', 'EMAIL', 'PHONE'], [{ question: 'NAME', answer: '  ' }]).errors).toEqual([
      ['REQUIRED', field('NAME')],
      ['REQUIRED', field('EMAIL')],
      ['REQUIRED', field('PHONE')],
    ]);
  });

  it('refuses answers to questions the form does not ask, and a question answered twice', () => {
    expect(
      run(['NAME'], [
        { question: 'NAME', answer: 'Ana' },
        { question: 'EMAIL', answer: 'ana@example.com' },
        { question: 'NAME', answer: 'Bob' },
      ]).errors,
    ).toEqual([
      ['INVALID', ['input', 'answers', '1']],
      ['INVALID', ['input', 'answers', '2']],
    ]);
  });

  it.each(['ana@example.com', 'ana.b+leads@mail.example.co.uk', 'ANA@EXAMPLE.FR'])('accepts the email %s', (email) => {
    expect(run(['EMAIL'], [{ question: 'EMAIL', answer: email }]).errors).toEqual([]);
  });

  it.each(['ana', 'ana@', '@example.com', 'ana@example', 'ana @example.com', 'ana@exa_mple.com', 'ana@-example.com', 'a"b@example.com'])('refuses the email %s', (email) => {
    expect(run(['EMAIL'], [{ question: 'EMAIL', answer: email }]).errors).toEqual([['EMAIL_INVALID', field('EMAIL')]]);
  });

  const phone = (answer: string, region?: string) => {
    const errors: UserError[] = [];
    const [stored] = checkAnswers(['PHONE'], [{ question: 'PHONE', answer }], errors, region);
    return errors.length ? codes(errors) : stored!.answer;
  };

  it.each([
    ['international form', '+33 1 23 45 67 89', undefined, '+33123456789'],
    ['international form with a (0)', '+33 (0)1 23 45 67 89', 'US', '+33123456789'],
    ['a foreign number on any form', '+1 (212) 555-0100', 'FR', '+12125550100'],
    ['a French national mobile on a French form', '0612345678', 'FR', '+33612345678'],
    ['a French national number with separators', '01.23.45.67.89', 'FR', '+33123456789'],
    ['a US national number on a US form', '(212) 555-0100', 'US', '+12125550100'],
    ['the region’s international prefix (dialled from France)', '00 33 1 23 45 67 89', 'FR', '+33123456789'],
    ['the region’s country code without its +', '33123456789', 'FR', '+33123456789'],
    ['full-width digits', '＋３３ １ ２３ ４５ ６７ ８９', undefined, '+33123456789'],
  ])('stores %s in E.164: %s (%s) → %s', (_why, answer, region, expected) => {
    expect(phone(answer, region)).toBe(expected);
  });

  it.each([
    ['a national number with no region to read it in', '0612345678', undefined],
    ['a French national number on a US form', '0612345678', 'US'],
    ['a local number without its area code', '555-1234', 'US'],
    ['the country code without + on another region’s form', '33123456789', 'US'],
    ['another region’s international prefix', '00 33 1 23 45 67 89', 'US'],
    ['a number that cannot exist', '+0000000000', 'FR'],
    ['an unallocated range', '+33 7 00 00 00 00', 'FR'],
    ['too few digits', '12345', 'FR'],
    ['words', 'call me', 'FR'],
    ['a number inside text', 'call +33 1 23 45 67 89', 'FR'],
    ['too many digits', '+33 1 23 45 67 89 00 11 22', 'FR'],
    ['letters', '06-12-AB-56', 'FR'],
    ['an extension', '+33 1 23 45 67 89 ext. 2', 'FR'],
  ])('refuses %s: %s (%s)', (_why, answer, region) => {
    expect(phone(answer, region)).toEqual([['PHONE_INVALID', field('PHONE')]]);
  });

  it(`accepts ${ANSWER_MAX} characters and refuses one more`, () => {
    expect(run(['ENQUIRY'], [{ question: 'ENQUIRY', answer: '问'.repeat(ANSWER_MAX) }]).errors).toEqual([]);
    expect(run(['ENQUIRY'], [{ question: 'ENQUIRY', answer: '问'.repeat(ANSWER_MAX + 1) }]).errors).toEqual([['TOO_LONG', field('ENQUIRY')]]);
  });
});

describe('neutraliseCell', () => {
  it.each([
    ['=HYPERLINK("x")', `'=HYPERLINK("x")`],
    ['+33 1 23', `'+33 1 23`],
    ['-1', `'-1`],
    ['@SUM(A1)', `'@SUM(A1)`],
    ['\tcmd', `'\tcmd`],
    ['Ana', 'Ana'],
    ['a=b', 'a=b'],
    ['', ''],
  ])('%j → %j', (value, expected) => {
    expect(neutraliseCell(value)).toBe(expected);
  });
});
