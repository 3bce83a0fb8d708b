// Business-info validation and the page's visibility rules (PRODUCT §2).
// "max" metadata: validates against allocated number ranges (min checks lengths only); ~0.4 MB
// more heap than "min", server-side only (the build keeps packages external)
import { isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { userError, type UserError } from '../../platform/errors.ts';
import { isRegionCode } from '../../platform/regions.ts';

export const GALLERY_MAX_PHOTOS = 10;
/** the gallery module shows on the page from this many photos; the cover shows this many */
export const GALLERY_MIN_DISPLAYED = 5;
export const PHOTO_MAX_BYTES = 10 * 1024 * 1024;
export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'];

export interface BusinessInfo {
  companyName: string | null;
  establishedOn: Date | string | null;
  region: string | null;
  website: string | null;
  email: string | null;
  phone: string | null;
  address: string | null;
  iosAppUrl: string | null;
  androidAppUrl: string | null;
  category: string | null;
}

export const infoKeys = ['companyName', 'establishedOn', 'region', 'website', 'email', 'phone', 'address', 'iosAppUrl', 'androidAppUrl', 'category'] as const;

export type BusinessInfoInput = { [K in keyof BusinessInfo]?: string | null };

const textLimits: Partial<Record<keyof BusinessInfo, number>> = { companyName: 100, address: 200, category: 64 };
// a pragmatic subset of RFC 5322: one @, no spaces, a dotted domain
const emailPattern = /^[^\s@"(),:;<>[\]\\]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const appStoreHosts: Partial<Record<keyof BusinessInfo, string[]>> = {
  iosAppUrl: ['apps.apple.com', 'itunes.apple.com'],
  androidAppUrl: ['play.google.com'],
};

/**
 * An absolute http(s) URL as a visitor would click it: `http://` or `https://` spelled out
 * (the URL parser forgives `http:example.com`), a dotted host without empty labels, no
 * credentials (`https://bank.example@evil.example` misleads), no whitespace.
 */
export function isHttpUrl(value: string): boolean {
  if (!/^https?:\/\//i.test(value) || /\s/.test(value)) return false;
  try {
    const url = new URL(value);
    const labels = url.hostname.split('.');
    return labels.length >= 2 && labels.every((label) => label !== '') && !url.username && !url.password;
  } catch {
    return false;
  }
}

/**
 * The E.164 form (`+33123456789`) of a phone number, or null when it is not a number that can
 * exist. Without `region` only the international form is read (`+`, the country code, the
 * number; spaces, dots, dashes, slashes, brackets and a `(0)` allowed). With `region` (ISO
 * code) the number may also be typed as dialled inside that region: national form
 * (`06 12 34 56 78` in FR), the region's international prefix (`00 33 …`), or the country
 * code without its `+`. Numbers are checked against the full numbering plan ("max" metadata:
 * allocated ranges, not only lengths); extensions are refused, E.164 cannot store them.
 */
export function toE164(value: string, region?: string | null): string | null {
  const defaultCountry = region && isSupportedCountry(region) ? region : undefined;
  // NFKC: full-width digits, + and spaces typed on CJK keyboards read as their ASCII forms
  const phone = parsePhoneNumberFromString(value.normalize('NFKC'), { defaultCountry, extract: false });
  return phone && phone.isValid() && !phone.ext ? phone.number : null;
}

/** A phone number in international form (see toE164). */
export function isPhoneNumber(value: string): boolean {
  return toE164(value) !== null;
}

/**
 * Validates the given fields (null clears a field and is always valid). Values are judged
 * trimmed, as they are stored.
 */
export function checkBusinessInfo(input: BusinessInfoInput, today: Date): UserError[] {
  const errors: UserError[] = [];
  for (const key of infoKeys) {
    const value = input[key]?.trim();
    if (value === null || value === undefined) continue;
    const field = ['input', key];
    const limit = textLimits[key];
    if (value === '') {
      errors.push(userError('REQUIRED', field, `${key} cannot be blank; send null to clear it.`));
    } else if (limit && [...value].length > limit) {
      errors.push(userError('TOO_LONG', field, `${key} is at most ${limit} characters.`));
    } else if (key === 'region' && !isRegionCode(value)) {
      errors.push(userError('REGION_INVALID', field, `"${value}" is not an ISO 3166-1 alpha-2 country code.`));
    } else if (key === 'email' && !emailPattern.test(value)) {
      errors.push(userError('EMAIL_INVALID', field));
    } else if (key === 'phone' && !isPhoneNumber(value)) {
      errors.push(userError('PHONE_INVALID', field));
    } else if ((key === 'website' || key === 'iosAppUrl' || key === 'androidAppUrl') && !isHttpUrl(value)) {
      errors.push(userError('URL_INVALID', field, `${key} must be an absolute http(s) URL.`));
    } else if (appStoreHosts[key] && !appStoreHosts[key]!.includes(new URL(value).hostname)) {
      errors.push(userError('URL_INVALID', field, `${key} must link to ${appStoreHosts[key]!.join(' or ')}.`));
    } else if (key === 'establishedOn' && value > today.toISOString().slice(0, 10)) {
      errors.push(userError('DATE_IN_FUTURE', field, 'establishedOn cannot be in the future.'));
    }
  }
  return errors;
}

export function infoDisplayable(info: BusinessInfo): boolean {
  return infoKeys.some((key) => info[key] !== null && info[key] !== undefined);
}

export function galleryDisplayable(photoCount: number): boolean {
  return photoCount >= GALLERY_MIN_DISPLAYED;
}

/** Public when switched on and at least one module can be displayed. */
export function pageVisible(page: BusinessInfo & { enabled: boolean }, photoCount: number): boolean {
  return page.enabled && (infoDisplayable(page) || galleryDisplayable(photoCount));
}
