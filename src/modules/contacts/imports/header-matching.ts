/** Contact attributes a file column can be mapped to (besides custom fields, `field:<key>`). */
export const STANDARD_TARGETS = [
  'firstName',
  'lastName',
  'fullName',
  'phone',
  'email',
  'street',
  'city',
  'state',
  'postalCode',
  'country',
  'notes',
  'group',
  'marketingConsent',
] as const;
export type StandardTarget = (typeof STANDARD_TARGETS)[number];

/** What one column is imported into: a standard attribute, a custom field, or nothing. */
export type ImportTarget = StandardTarget | `field:${string}` | 'ignore';

/** Header names recognized per target in Spanish, Portuguese and English (compared after `normalizeHeader`). */
const SYNONYMS: Record<StandardTarget, string[]> = {
  firstName: ['nombre', 'nombres', 'primer nombre', 'first name', 'firstname', 'given name', 'name', 'nome', 'primeiro nome', 'prenome'],
  lastName: ['apellido', 'apellidos', 'segundo nombre', 'last name', 'lastname', 'surname', 'family name', 'sobrenome', 'ultimo nome', 'apelido'],
  fullName: ['nombre completo', 'full name', 'fullname', 'nome completo', 'contacto', 'contact name', 'contato', 'nome do contato', 'nombre y apellido'],
  phone: [
    'telefono', 'tel', 'telefono movil', 'movil', 'celular', 'whatsapp', 'numero de telefono', 'numero de celular', 'numero whatsapp',
    'phone', 'phone number', 'mobile', 'mobile phone', 'cell', 'cell phone', 'telephone', 'msisdn',
    'telefone', 'numero de telefone', 'celular whatsapp', 'fone',
  ],
  email: ['correo', 'correo electronico', 'email', 'e mail', 'mail', 'email address', 'e mail address', 'endereco de email', 'endereco de e mail'],
  street: ['calle', 'direccion', 'domicilio', 'address', 'street', 'street address', 'address line 1', 'rua', 'endereco', 'logradouro'],
  city: ['ciudad', 'municipio', 'localidad', 'city', 'town', 'cidade'],
  state: ['estado', 'provincia', 'region', 'departamento', 'comunidad', 'state', 'province', 'county', 'uf'],
  postalCode: ['codigo postal', 'cp', 'zip', 'zip code', 'zipcode', 'postal code', 'postcode', 'cep', 'codigo de enderecamento postal'],
  country: ['pais', 'country', 'nacion'],
  notes: ['notas', 'nota', 'observaciones', 'comentarios', 'notes', 'note', 'comments', 'remarks', 'observacoes', 'anotacoes'],
  group: ['grupo', 'grupos', 'group', 'groups', 'segmento', 'lista', 'list', 'etiqueta', 'etiquetas', 'tag', 'tags', 'label', 'labels'],
  marketingConsent: [
    'consentimiento', 'consentimiento marketing', 'consentimiento de marketing', 'consentimento de marketing', 'acepta marketing', 'acepta publicidad', 'opt in', 'optin',
    'marketing consent', 'consent', 'accepts marketing', 'consentimento', 'consentimento marketing', 'aceita marketing', 'lgpd', 'gdpr',
  ],
};

/** Lower-case, accents removed, every run of non-alphanumerics turned into one space. */
export function normalizeHeader(header: string): string {
  return header
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

const EXACT = new Map<string, StandardTarget>();
for (const target of STANDARD_TARGETS) for (const s of SYNONYMS[target]) EXACT.set(s, target);
// Only distinctive words are matched inside longer headers ("Teléfono móvil personal"); short or
// ambiguous ones ("tel", "name", "mail") must match the whole header.
const CONTAINED: [string, StandardTarget][] = [
  ['telefono', 'phone'],
  ['telefone', 'phone'],
  ['celular', 'phone'],
  ['whatsapp', 'phone'],
  ['phone', 'phone'],
  ['mobile', 'phone'],
  ['correo', 'email'],
  ['email', 'email'],
  ['e mail', 'email'],
  ['apellido', 'lastName'],
  ['sobrenome', 'lastName'],
  ['surname', 'lastName'],
  ['last name', 'lastName'],
  ['first name', 'firstName'],
  ['ciudad', 'city'],
  ['cidade', 'city'],
  ['codigo postal', 'postalCode'],
  ['postal', 'postalCode'],
  ['direccion', 'street'],
  ['endereco', 'street'],
  ['consent', 'marketingConsent'],
  ['grupo', 'group'],
];

/** A custom field as far as matching is concerned. */
export interface MatchableField {
  key: string;
  label: string;
}

/** The suggested mapping of a file's header row, and the columns left out because they repeat a header. */
export interface AutoMapping {
  mapping: ImportTarget[];
  /** Indexes of columns whose header repeats an earlier column's (left as `ignore`). */
  duplicateColumns: number[];
}

/**
 * Suggests a target per column from the header names: custom fields by label or key first, then the
 * standard attributes by their Spanish, Portuguese and English names, then distinctive words inside
 * longer headers. Each target is used at most once (the first column wins); repeated headers are
 * reported so the person can decide.
 */
export function autoMap(headers: string[], fields: MatchableField[]): AutoMapping {
  const byField = new Map<string, string>();
  for (const f of fields) {
    byField.set(normalizeHeader(f.label), f.key);
    byField.set(normalizeHeader(f.key), f.key);
  }
  const used = new Set<ImportTarget>();
  const seenHeaders = new Set<string>();
  const duplicateColumns: number[] = [];
  const mapping = headers.map((header, index): ImportTarget => {
    const norm = normalizeHeader(header);
    if (norm && seenHeaders.has(norm)) {
      duplicateColumns.push(index);
      return 'ignore';
    }
    seenHeaders.add(norm);
    const target = guess(norm, byField);
    if (!target || used.has(target)) return 'ignore';
    used.add(target);
    return target;
  });
  return { mapping, duplicateColumns };
}

function guess(norm: string, byField: Map<string, string>): ImportTarget | undefined {
  if (!norm) return undefined;
  const field = byField.get(norm);
  if (field) return `field:${field}`;
  const exact = EXACT.get(norm);
  if (exact) return exact;
  const padded = ` ${norm} `;
  for (const [word, target] of CONTAINED) if (padded.includes(` ${word} `)) return target;
  return undefined;
}
