// Region facts in one place: valid ISO 3166-1 codes and the region groups rules refer to.
const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });

/** true for an assigned ISO 3166-1 alpha-2 code (uppercase) */
export function isRegionCode(value: string): boolean {
  if (!/^[A-Z]{2}$/.test(value) || ['ZZ', 'EU', 'UN', 'EZ', 'QO'].includes(value)) return false;
  const name = regionNames.of(value);
  return name !== undefined && name !== value;
}

export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}
