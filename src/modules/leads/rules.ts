// Lead-form and lead validation rules (PRODUCT §3).
import type { LeadQuestion } from '../../generated/prisma/enums.ts';
import { userError, type UserError } from '../../platform/errors.ts';
import { isPhoneNumber } from '../business-page/rules.ts';

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

const segmenter = new Intl.Segmenter(undefined, { granularity: 'word' });
// scripts written without spaces: a reader counts each character as a word
const unspacedScript = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;

/**
 * Counts words the way a person (or a word processor) does: each Chinese/Japanese character
 * counts as one word; in spaced scripts a word is a run of letters/digits, and words joined by
 * punctuation without a space ("state-of-the-art", "e-mail", a URL) count once, while words a
 * dictionary finds side by side (Thai) count separately. Emoji and punctuation are not words.
 */
export function countWords(text: string): number {
  let count = 0;
  for (const token of text.normalize('NFKC').split(/\s+/u)) {
    let afterWord = false; // the last segment ended with spaced-script word material
    let joined = false; // …followed only by punctuation: the next word continues it
    for (const { segment, isWordLike } of segmenter.segment(token)) {
      if (!isWordLike) {
        if (afterWord) joined = true;
        afterWord = false;
        continue;
      }
      let inRun = false;
      for (const ch of segment) {
        if (unspacedScript.test(ch)) {
          count += 1;
          inRun = joined = false;
        } else if (!inRun) {
          if (!joined) count += 1;
          inRun = true;
          joined = false;
        }
      }
      afterWord = inRun;
      joined = false;
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

/** Every asked question answered, valid, nothing extra; returns the answers in the form's order. */
export function checkAnswers(asked: LeadQuestion[], given: Answer[], errors: UserError[]): Answer[] {
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
    else if (question === 'PHONE' && !isPhoneNumber(answer)) errors.push(userError('PHONE_INVALID', field));
  }
  return asked.map((question) => ({ question, answer: byQuestion.get(question) ?? '' }));
}

/** Spreadsheet formula injection: a cell starting with = + - @ (or tab/CR) is prefixed with '. */
export function neutraliseCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}
