// Lead-form and lead validation rules (PRODUCT §3).
import type { LeadQuestion } from '../../generated/prisma/enums.ts';
import { userError, type UserError } from '../../platform/errors.ts';
import { toE164 } from '../business-page/rules.ts';

export const INTRODUCTION_MAX_WORDS = 200;
export const FORM_NAME_MAX = 80;
export const PRIVACY_TEXT_MAX = 5000;
export const ANSWER_MAX = 500;
export const questionOrder: readonly LeadQuestion[] = ['ENQUIRY', 'NAME', 'PHONE', 'EMAIL', 'COUNTRY_CITY'];
export const questionLabels: Record<LeadQuestion, string> = {
  ENQUIRY: 'How can we help you?',
  NAME: 'Name',
  PHONE: 'Phone number',
  EMAIL: 'Email',
  COUNTRY_CITY: 'Country / city',
};

const segmenter = new Intl.Segmenter('und', { granularity: 'word' });
// scripts written without spaces: a reader (and a word processor) counts each character as a word
const unspacedScript = /[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}]/u;
// inside a segment the word breaker keeps whole, a `.` `:` `_` (or other punctuation) between
// letters still separates words ("fast.friendly.delivery"); between digits it does not ("2.50")
const joiner = /(?<!\p{N})[^\p{L}\p{M}\p{N}'’]|[^\p{L}\p{M}\p{N}'’](?!\p{N})/u;

/**
 * Counts words with the Unicode word breaker (Intl.Segmenter, word-like segments), so words
 * joined by punctuation count separately ("fast—friendly—delivery", "apple,banana,cherry":
 * 3 each) while contractions and numbers stay one ("don't", "1,000"). Each Chinese/Japanese
 * character counts as one word, as word processors count them (the breaker would group them
 * into dictionary words, which vary with the ICU version). Emoji and punctuation are not words.
 */
export function countWords(text: string): number {
  let count = 0;
  for (const { segment, isWordLike } of segmenter.segment(text.normalize('NFKC'))) {
    if (!isWordLike) continue;
    for (const part of segment.split(joiner)) {
      let inRun = false; // inside a run of spaced-script letters, which is one word
      for (const ch of part) {
        if (unspacedScript.test(ch)) {
          count += 1;
          inRun = false;
        } else if (!inRun) {
          count += 1;
          inRun = true;
        }
      }
    }
  }
  return count;
}

export function isHttpsPolicyUrl(value: string): boolean {
  try {
    const url = new URL(value);
    const labels = url.hostname.replace(/\.$/, '').split('.');
    // a public https address of the policy itself: not a site's home page, no credentials
    return (
      url.protocol === 'https:' &&
      labels.length >= 2 &&
      labels.every((label) => label !== '') &&
      url.username === '' &&
      url.password === '' &&
      url.pathname.replace(/\/+$/, '') !== ''
    );
  } catch {
    return false;
  }
}

export interface LeadFormFields {
  name?: string;
  introduction?: string;
  questions?: LeadQuestion[];
  privacyPolicyText?: string | null;
  privacyPolicyUrl?: string | null;
}

/** Field-level checks; `complete` also requires what a form needs before review. */
export function checkLeadFormFields(input: LeadFormFields, errors: UserError[]): void {
  if (input.name !== undefined) {
    if (input.name.trim() === '') errors.push(userError('REQUIRED', ['input', 'name'], 'Give the form a name.'));
    else if ([...input.name].length > FORM_NAME_MAX) errors.push(userError('TOO_LONG', ['input', 'name'], `name is at most ${FORM_NAME_MAX} characters.`));
  }
  if (input.introduction !== undefined) {
    const words = countWords(input.introduction);
    if (words > INTRODUCTION_MAX_WORDS) {
      errors.push(userError('WORD_LIMIT_EXCEEDED', ['input', 'introduction'], `The introduction has ${words} words; at most ${INTRODUCTION_MAX_WORDS}.`));
    }
  }
  if (input.questions !== undefined) {
    if (input.questions.length === 0) errors.push(userError('REQUIRED', ['input', 'questions'], 'Ask at least one question.'));
    else if (new Set(input.questions).size !== input.questions.length) errors.push(userError('INVALID', ['input', 'questions'], 'Each question can be asked once.'));
  }
  if (input.privacyPolicyText && input.privacyPolicyUrl) {
    errors.push(userError('INVALID', ['input', 'privacyPolicyUrl'], 'Give the privacy policy as text or as a URL, not both.'));
  }
  if (input.privacyPolicyText !== undefined && input.privacyPolicyText !== null) {
    if (input.privacyPolicyText.trim() === '') errors.push(userError('REQUIRED', ['input', 'privacyPolicyText'], 'The privacy policy text cannot be blank; send null to remove it.'));
    else if ([...input.privacyPolicyText].length > PRIVACY_TEXT_MAX) errors.push(userError('TOO_LONG', ['input', 'privacyPolicyText'], `At most ${PRIVACY_TEXT_MAX} characters.`));
  }
  if (input.privacyPolicyUrl !== undefined && input.privacyPolicyUrl !== null && !isHttpsPolicyUrl(input.privacyPolicyUrl)) {
    errors.push(userError('URL_INVALID', ['input', 'privacyPolicyUrl'], 'The privacy policy URL must be an https link to the policy page itself.'));
  }
}

/** What a form needs before it can go to review. */
export function checkSubmittable(form: { questions: LeadQuestion[]; privacyPolicyText: string | null; privacyPolicyUrl: string | null }): UserError[] {
  const errors: UserError[] = [];
  if (form.questions.length === 0) errors.push(userError('REQUIRED', ['questions'], 'Ask at least one question.'));
  if (!form.privacyPolicyText && !form.privacyPolicyUrl) errors.push(userError('REQUIRED', ['privacyPolicy'], 'Add a privacy policy as text or URL.'));
  return errors;
}

const emailPattern = /^[^\s@"(),:;<>[\]\\]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

export interface Answer {
  question: LeadQuestion;
  answer: string;
}

/**
 * Every asked question answered, valid, nothing extra; returns the answers in the form's order.
 * Phone numbers are stored in E.164; they may be typed as dialled inside `region` (the form's
 * account region, where its viewers are): `06 12 34 56 78` on a French account's form.
 */
export function checkAnswers(asked: LeadQuestion[], given: Answer[], errors: UserError[], region?: string | null): Answer[] {
  const byQuestion = new Map<LeadQuestion, string>();
  given.forEach((entry, index) => {
    if (!asked.includes(entry.question)) errors.push(userError('INVALID', ['input', 'answers', String(index)], `The form does not ask ${entry.question}.`));
    else if (byQuestion.has(entry.question)) errors.push(userError('INVALID', ['input', 'answers', String(index)], `${entry.question} is answered twice.`));
    else byQuestion.set(entry.question, entry.answer.trim());
  });
  for (const question of asked) {
    const answer = byQuestion.get(question);
    const field = ['input', 'answers', question];
    if (!answer) errors.push(userError('REQUIRED', field, `${questionLabels[question]} is required.`));
    else if ([...answer].length > ANSWER_MAX) errors.push(userError('TOO_LONG', field, `At most ${ANSWER_MAX} characters.`));
    else if (question === 'EMAIL' && !emailPattern.test(answer)) errors.push(userError('EMAIL_INVALID', field));
    else if (question === 'PHONE') {
      const e164 = toE164(answer, region);
      if (e164) byQuestion.set(question, e164);
      else errors.push(userError('PHONE_INVALID', field, phoneHint(region)));
    }
  }
  return asked.map((question) => ({ question, answer: byQuestion.get(question) ?? '' }));
}

function phoneHint(region: string | null | undefined): string {
  const local = region ? ` or as dialled in ${region}` : '';
  return `Not a phone number: type it with + and the country code (e.g. +33 1 23 45 67 89)${local}.`;
}

/** Spreadsheet formula injection: a cell starting with = + - @ (or tab/CR) is prefixed with '. */
export function neutraliseCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}
