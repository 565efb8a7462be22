import { extractCsv } from './csv.ts';
import { extractDocx } from './docx.ts';
import { htmlToText } from './html.ts';
import { extractPdf } from './pdf.ts';
import { decodeText } from './sniff.ts';
import { type DocumentFormat, type ExtractedContent, ExtractionFailure, type ExtractionLimits } from './types.ts';

/** Formats whose parsing is heavy or attacker-shaped enough to run in a separate, limited worker thread. */
export const ISOLATED_FORMATS: ReadonlySet<DocumentFormat> = new Set(['pdf', 'docx', 'html']);

/** Turns a file's bytes, already sniffed as `format`, into text (or Q&A items). Throws `ExtractionFailure` on bad input. */
export async function extractContent(format: DocumentFormat, bytes: Uint8Array, limits: ExtractionLimits): Promise<ExtractedContent> {
  switch (format) {
    case 'pdf':
      return extractPdf(bytes, limits);
    case 'docx':
      return extractDocx(bytes, limits);
    case 'html': {
      const { text, title } = await htmlToText(decodeText(bytes));
      if (text.replace(/\s+/g, '').length < 3) throw new ExtractionFailure('no_extractable_text');
      return { format, text: capped(text, limits), title };
    }
    case 'csv':
      return extractCsv(capped(decodeText(bytes), limits));
    default: {
      const text = decodeText(bytes);
      const title = format === 'md' ? /^#{1,2}\s+(.+)$/m.exec(text)?.[1]?.trim() : undefined;
      return { format, text: capped(text, limits), title };
    }
  }
}

function capped(text: string, limits: ExtractionLimits): string {
  if (text.length > limits.maxChars) throw new ExtractionFailure('too_much_text', { maxChars: limits.maxChars });
  return text;
}
