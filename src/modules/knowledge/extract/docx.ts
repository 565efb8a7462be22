import { htmlToText } from './html.ts';
import { type ExtractedContent, ExtractionFailure, type ExtractionLimits } from './types.ts';
import { assertSafeDocx } from './zip-guard.ts';

/**
 * Reads a Word document: the archive is checked against zip bombs first, then mammoth turns it into HTML
 * (headings, bold, lists and tables kept; images never decoded) and that into structured text.
 * mammoth is imported on first use (see bench/foundation.bench.ts).
 */
export async function extractDocx(bytes: Uint8Array, limits: ExtractionLimits): Promise<ExtractedContent> {
  assertSafeDocx(bytes, limits);
  const { default: mammoth } = await import('mammoth');
  let html: string;
  try {
    const result = await mammoth.convertToHtml(
      { buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) },
      // Images are skipped without reading them: they cannot be searched and would cost memory.
      { convertImage: mammoth.images.imgElement(async () => ({ src: '' })) },
    );
    html = result.value;
  } catch {
    throw new ExtractionFailure('docx_corrupt');
  }
  const { text } = await htmlToText(html);
  if (text.replace(/\s+/g, '').length < 3) throw new ExtractionFailure('no_extractable_text');
  if (text.length > limits.maxChars) throw new ExtractionFailure('too_much_text', { maxChars: limits.maxChars });
  const firstHeading = /^#{1,3} (.+)$/m.exec(text)?.[1]?.trim();
  return { format: 'docx', text, title: firstHeading };
}
