// Auto-message limits and content validation (PRODUCT §5). Pure: content in, user errors out.
import type { AutoMessageKind } from '../../generated/prisma/enums.ts';
import { userError, type UserError } from '../../platform/errors.ts';
import { fold, type MatchMode } from './matcher.ts';

export const autoMessageLimits = {
  /** how many auto-messages of a kind an account may have (keyword rules: no limit) */
  perAccount: { WELCOME: 1, SUGGESTED_QUESTION: 3, CHAT_PROMPT: 6, KEYWORD_REPLY: null, AWAY: null } satisfies Record<AutoMessageKind, number | null>,
  welcomeText: 250,
  /** a messaging ad's away message (one per ad) */
  awayText: 250,
  question: 80,
  answer: 200,
  promptTitle: 18,
  promptContent: 150,
  keywordsPerRule: { min: 1, max: 4 },
  keyword: 40,
  reply: 500,
} as const;

export const matchModes: readonly MatchMode[] = ['EXACT', 'CONTAINS'];

export interface WelcomeContent {
  text: string;
}
export interface SuggestedQuestionContent {
  question: string;
  answer: string;
}
export interface ChatPromptContent {
  title: string;
  content: string;
}
export interface KeywordReplyContent {
  keywords: string[];
  matchMode: MatchMode;
  reply: string;
}

/** The stored `content` / `approvedContent` of each kind. */
export interface ContentOf {
  WELCOME: WelcomeContent;
  SUGGESTED_QUESTION: SuggestedQuestionContent;
  CHAT_PROMPT: ChatPromptContent;
  KEYWORD_REPLY: KeywordReplyContent;
  AWAY: WelcomeContent;
}
export type AnyContent = ContentOf[AutoMessageKind];

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Characters as a person counts them: an emoji with modifiers or a letter with its accents is one. */
export function charCount(text: string): number {
  let count = 0;
  for (const _ of graphemes.segment(text)) count += 1;
  return count;
}

/** A required text of at most `max` characters (after trimming). */
function checkText(value: string, max: number, field: string[], label: string, errors: UserError[]): void {
  const text = value.trim();
  if (text === '') errors.push(userError('REQUIRED', field, `${label} cannot be blank.`));
  else if (charCount(text) > max) errors.push(userError('TOO_LONG', field, `${label} is at most ${max} characters (it has ${charCount(text)}).`));
}

const input = (name: string, ...rest: string[]) => ['input', name, ...rest];

/** Field checks of one kind's content; every problem is reported. */
export function checkContent<K extends AutoMessageKind>(kind: K, content: ContentOf[K]): UserError[] {
  const errors: UserError[] = [];
  const limits = autoMessageLimits;
  switch (kind) {
    case 'WELCOME': {
      checkText((content as WelcomeContent).text, limits.welcomeText, input('text'), 'The welcome message', errors);
      break;
    }
    case 'AWAY': {
      checkText((content as WelcomeContent).text, limits.awayText, input('awayMessage'), 'The away message', errors);
      break;
    }
    case 'SUGGESTED_QUESTION': {
      const { question, answer } = content as SuggestedQuestionContent;
      checkText(question, limits.question, input('question'), 'The question', errors);
      checkText(answer, limits.answer, input('answer'), 'The answer', errors);
      break;
    }
    case 'CHAT_PROMPT': {
      const { title, content: text } = content as ChatPromptContent;
      checkText(title, limits.promptTitle, input('title'), 'The title', errors);
      checkText(text, limits.promptContent, input('content'), 'The content', errors);
      break;
    }
    case 'KEYWORD_REPLY': {
      const { keywords, matchMode, reply } = content as KeywordReplyContent;
      const { min, max } = limits.keywordsPerRule;
      if (keywords.length < min) errors.push(userError('REQUIRED', input('keywords'), `A rule needs at least ${min} keyword.`));
      else if (keywords.length > max) errors.push(userError('LIMIT_REACHED', input('keywords'), `A rule has at most ${max} keywords.`));
      const seen = new Set<string>();
      keywords.forEach((keyword, index) => {
        const before = errors.length;
        checkText(keyword, limits.keyword, input('keywords', String(index)), 'A keyword', errors);
        if (errors.length > before) return;
        const folded = fold(keyword);
        if (seen.has(folded)) errors.push(userError('DUPLICATE_KEYWORD', input('keywords', String(index)), `“${keyword.trim()}” is already a keyword of this rule (case and width are ignored).`));
        seen.add(folded);
      });
      if (!matchModes.includes(matchMode)) errors.push(userError('INVALID', input('matchMode'), 'The match mode is EXACT or CONTAINS.'));
      checkText(reply, limits.reply, input('reply'), 'The reply', errors);
      break;
    }
  }
  return errors;
}

/** The content as stored: texts trimmed, keywords trimmed with inner whitespace collapsed. */
export function cleanContent<K extends AutoMessageKind>(kind: K, content: ContentOf[K]): ContentOf[K] {
  const trimmed = Object.fromEntries(Object.entries(content).map(([key, value]) => [key, typeof value === 'string' ? value.trim() : value])) as ContentOf[K];
  if (kind === 'KEYWORD_REPLY') {
    const rule = trimmed as KeywordReplyContent;
    return { ...rule, keywords: rule.keywords.map((keyword) => keyword.trim().replace(/\s+/gu, ' ')) } as ContentOf[K];
  }
  return trimmed;
}

/** Refusal when an account already has the most auto-messages of a kind (`count` = existing). */
export function checkRoom(kind: AutoMessageKind, count: number, field: string[]): UserError | null {
  const max = autoMessageLimits.perAccount[kind];
  return max !== null && count >= max ? userError('LIMIT_REACHED', field, `An account has at most ${max} ${kindLabels[kind]}${max === 1 ? '' : 's'}.`) : null;
}

/** A reorder names every auto-message of the kind exactly once. */
export function checkReorder(kind: AutoMessageKind, existing: readonly string[], ids: readonly string[]): UserError | null {
  if (kind === 'WELCOME') return userError('INVALID', ['kind'], 'An account has one welcome message: there is nothing to reorder.');
  const wanted = new Set(existing);
  if (ids.length !== existing.length || new Set(ids).size !== ids.length || !ids.every((id) => wanted.has(id))) {
    return userError('INVALID', ['ids'], `List each of the account’s ${existing.length} ${kindLabels[kind]}s exactly once.`);
  }
  return null;
}

export const kindLabels: Record<AutoMessageKind, string> = {
  WELCOME: 'welcome message',
  SUGGESTED_QUESTION: 'suggested question',
  CHAT_PROMPT: 'chat prompt',
  KEYWORD_REPLY: 'keyword reply',
  AWAY: 'away message',
};

/** A short name of an auto-message for notifications, e.g. Keyword reply: price, 价格. */
export function describeContent(kind: AutoMessageKind, content: AnyContent): string {
  const label = kindLabels[kind][0]!.toUpperCase() + kindLabels[kind].slice(1);
  const c = content as Partial<SuggestedQuestionContent & ChatPromptContent & KeywordReplyContent>;
  const name = kind === 'SUGGESTED_QUESTION' ? c.question : kind === 'CHAT_PROMPT' ? c.title : kind === 'KEYWORD_REPLY' ? c.keywords?.join(', ') : null;
  return name ? `${label}: ${name}` : label;
}

/** The same content, whatever the key order (stored JSON comes back in the database's order). */
export function sameContent(a: object, b: object): boolean {
  const canonical = (value: object) => JSON.stringify(value, Object.keys(value).sort());
  return canonical(a) === canonical(b);
}
