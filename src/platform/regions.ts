// Region facts in one place: valid ISO 3166-1 codes and the region groups rules refer to.

/**
 * The 249 officially assigned ISO 3166-1 alpha-2 codes. An explicit list, not Intl.DisplayNames:
 * CLDR also names reserved, withdrawn and private-use codes (UK, EU, SU, YU, AN, XK, XA…).
 */
const assignedRegionCodes: ReadonlySet<string> = new Set(
  `AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
   CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET
   FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU
   ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY
   MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM
   PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW
   SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ
   UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW`.split(/\s+/),
);

/** true for an assigned ISO 3166-1 alpha-2 code (uppercase) */
export function isRegionCode(value: string): boolean {
  return assignedRegionCodes.has(value);
}

export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** EEA members, Switzerland and the UK: no DMs through integration tokens. */
export const integrationRestrictedRegions: ReadonlySet<string> = new Set([
  'AT', 'BE', 'BG', 'HR', 'CY', 'CZ', 'DK', 'EE', 'FI', 'FR', 'DE', 'GR', 'HU', 'IE', 'IT', 'LV', 'LT', 'LU', 'MT', 'NL', 'PL', 'PT', 'RO', 'SK', 'SI', 'ES', 'SE',
  'IS', 'LI', 'NO', // EEA beyond the EU
  'CH',
  'GB',
]);

/**
 * Recipient regions where the platform's media-send strategy forbids businesses to send
 * images or videos in DMs (a policy list, kept here so it changes in one place).
 */
export const mediaSendRestrictedRegions: ReadonlySet<string> = new Set(['IN', 'PK', 'BD', 'VN']);

/**
 * Accounts registered here cannot run messaging ads: the same EEA, Swiss and UK group whose DMs
 * are closed to integrations (click-to-DM ads hand conversations to the same messaging API).
 */
export const adsUnavailableRegions: ReadonlySet<string> = integrationRestrictedRegions;
