import { Select, type SelectProps } from '@mantine/core';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { LANGUAGE_NAMES, LANGUAGES } from '../i18n/languages.ts';

type PickerProps = Omit<SelectProps, 'data'>;

/** The browser's IANA time zone (a sensible default for a new organization). */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** The region of the browser's language (`es-MX` → `MX`), if it names one. */
export function browserCountry(): string | null {
  const tag = typeof navigator === 'undefined' ? '' : navigator.language;
  const region = /-([A-Z]{2})$/i.exec(tag)?.[1];
  return region ? region.toUpperCase() : null;
}

function offsetOf(timeZone: string): string {
  try {
    const part = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'shortOffset' })
      .formatToParts(new Date())
      .find((p) => p.type === 'timeZoneName');
    return part?.value.replace('GMT', 'UTC') ?? '';
  } catch {
    return '';
  }
}

let zoneCache: { value: string; label: string }[] | undefined;
function timeZones() {
  zoneCache ??= ['UTC', ...Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC')].map((zone) => {
    const offset = offsetOf(zone);
    return { value: zone, label: `${zone.replaceAll('_', ' ')}${offset && offset !== 'UTC' ? ` (${offset})` : ''}` };
  });
  return zoneCache;
}

/** A searchable select of IANA time zones, labelled with their current UTC offset. */
export function TimezoneSelect(props: PickerProps) {
  const { t } = useTranslation();
  const data = useMemo(() => timeZones(), []);
  return <Select searchable data={data} limit={80} nothingFoundMessage={t('common.noResults')} maxDropdownHeight={280} {...props} />;
}

// ISO 3166-1 alpha-2 codes; names come from Intl.DisplayNames in the interface language.
const COUNTRY_CODES =
  'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'.split(' ');

/** A searchable select of countries (ISO codes as values), named in the interface language. */
export function CountrySelect(props: PickerProps) {
  const { t, i18n } = useTranslation();
  const data = useMemo(() => {
    const names = new Intl.DisplayNames([i18n.language], { type: 'region' });
    const collator = new Intl.Collator(i18n.language);
    return COUNTRY_CODES.map((code) => ({ value: code, label: names.of(code) ?? code })).sort((a, b) => collator.compare(a.label, b.label));
  }, [i18n.language]);
  return <Select searchable data={data} nothingFoundMessage={t('common.noResults')} maxDropdownHeight={280} {...props} />;
}

/** A select of the dashboard's languages (each named in itself). */
export function LanguageSelect(props: PickerProps) {
  return <Select data={LANGUAGES.map((value) => ({ value, label: LANGUAGE_NAMES[value] }))} allowDeselect={false} {...props} />;
}
