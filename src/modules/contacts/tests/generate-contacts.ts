/** Expected outcome of a generated file imported with dedupe `update`. */
export interface GeneratedExpectation {
  rows: number;
  created: number;
  updated: number;
  failed: number;
}

/**
 * A contacts CSV for tests and benchmarks: `rows` data rows with Colombian mobiles written in varied
 * formats, optional custom field columns, a bad phone (letters) every `badEvery` rows and a repeat of
 * the previous row's phone every `repeatEvery` rows (merged by an `update` import).
 */
export function generateContactsCsv(rows: number, options: { badEvery?: number; repeatEvery?: number; customFields?: boolean; seed?: number } = {}): {
  csv: string;
  expected: GeneratedExpectation;
} {
  const bad = options.badEvery ?? 20;
  const repeat = options.repeatEvery ?? 50;
  const base = 3_000_000_000 + (options.seed ?? 0) * 10_000_000;
  const formats = [(d: string) => `+57 ${d.slice(0, 3)} ${d.slice(3, 6)} ${d.slice(6)}`, (d: string) => d, (d: string) => `(${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6)}`, (d: string) => `0057${d}`];
  const names = ['María José', 'João', 'Lucía', 'Andrés', 'Camila', 'Ñusta', 'Chloé', 'Zoë'];
  const kinds = ['Cotización', 'Compra', 'Recompra'];
  const header = ['Nombre', 'Apellido', 'Teléfono', 'Correo', 'Ciudad', ...(options.customFields ? ['Tipo de cliente', 'Compras', 'Documento'] : [])];
  const lines = [header.join(',')];
  let failed = 0;
  let updated = 0;
  for (let i = 1; i <= rows; i++) {
    const isBad = i % bad === 0;
    const isRepeat = !isBad && i % repeat === 0;
    const n = isRepeat ? i - 1 : i;
    const digits = String(base + n);
    const phone = isBad ? `+57 30${i % 10}A ${digits.slice(4)}` : formats[n % formats.length]!(digits);
    const email = isRepeat ? '' : `c${options.seed ?? 0}-${i}@example.com`;
    const row = [names[i % names.length]!, `Apellido${i}`, phone, email, i % 3 ? 'Bogotá' : 'Medellín'];
    if (options.customFields) row.push(kinds[i % 3]!, String(i % 17), `CC-${i}`);
    lines.push(row.join(','));
    if (isBad) failed++;
    else if (isRepeat) updated++;
  }
  return { csv: `${lines.join('\n')}\n`, expected: { rows, created: rows - failed - updated, updated, failed } };
}
