import { PassThrough, Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import { type Locale, resolveLocale } from '../../shared/i18n.ts';

/** UTF-8 byte-order mark: without it Excel reads a UTF-8 CSV as the local code page and breaks accents. */
export const UTF8_BOM = '\uFEFF';

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?[\d\s().-]*\d[\d\s().-]*$/;

/**
 * Neutralizes spreadsheet formula injection: a cell that starts with `=`, `+`, `-`, `@`, tab or
 * carriage return is prefixed with `'` so Excel, LibreOffice and Google Sheets show it as text instead
 * of running it (`=HYPERLINK(…)`, `@SUM(…)`, DDE payloads). Plain numbers such as `+573001234567` or
 * `-12.5` are left alone: they cannot call anything, and prefixing them would corrupt phone numbers.
 */
export function neutralizeFormula(value: string): string {
  if (!FORMULA_START.test(value)) return value;
  if (PLAIN_NUMBER.test(value) && !/[\t\r]/.test(value[0]!)) return value;
  return `'${value}`;
}

/** One CSV line (RFC 4180 quoting, CRLF), formulas neutralized. */
export function csvLine(values: readonly string[]): string {
  return `${values
    .map((raw) => {
      const v = neutralizeFormula(raw);
      return /[",\r\n;]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
    })
    .join(',')}\r\n`;
}

/** A readable CSV stream (BOM first) from a stream of rows. */
export function csvStream(rows: AsyncIterable<readonly string[]>): Readable {
  return Readable.from(
    (async function* () {
      yield UTF8_BOM;
      for await (const row of rows) yield csvLine(row);
    })(),
  );
}

/**
 * A readable XLSX stream from a stream of rows, written by exceljs's streaming writer (rows are
 * committed as they come, so memory stays flat). Every cell is a string cell: never a formula.
 */
export function xlsxStream(sheetName: string, rows: AsyncIterable<readonly string[]>): Readable {
  const out = new PassThrough();
  void (async () => {
    try {
      // Loaded on first use: exceljs and its zip libraries are a quarter of a cold start's CPU.
      const { default: ExcelJS } = await import('exceljs');
      const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: false, useSharedStrings: false });
      const sheet = workbook.addWorksheet(sheetName.slice(0, 31));
      for await (const row of rows) sheet.addRow(row.map((v) => neutralizeFormula(v))).commit();
      sheet.commit();
      await workbook.commit();
    } catch (err) {
      out.destroy(err instanceof Error ? err : new Error(String(err)));
    }
  })();
  return out;
}

/** The language to answer a person in: `?lang=`, their profile, the browser, then the organization's. */
export function requestLocale(req: FastifyRequest, organizationLocale: string): Locale {
  const query = req.query as { lang?: unknown } | undefined;
  if (typeof query?.lang === 'string') return resolveLocale(query.lang, resolveLocale(organizationLocale));
  if (req.sessionContext?.locale) return resolveLocale(req.sessionContext.locale);
  const accept = req.headers['accept-language'];
  if (typeof accept === 'string' && accept) return resolveLocale(accept.split(',')[0], resolveLocale(organizationLocale));
  return resolveLocale(organizationLocale);
}

/** A `Content-Disposition` header value that survives accents in the file name. */
export function attachment(filename: string): string {
  const ascii = filename.normalize('NFKD').replace(/[^\x20-\x7e]/g, '').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
