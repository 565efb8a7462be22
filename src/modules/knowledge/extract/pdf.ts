import { getDocumentProxy } from 'unpdf';
import { type ExtractedContent, ExtractionFailure, type ExtractionLimits } from './types.ts';

interface TextItem {
  str: string;
  transform: number[];
  width: number;
  height: number;
}

/**
 * Reads a PDF's text page by page, rebuilding lines from the positioned text runs: runs on one baseline
 * form a line, a wide horizontal gap becomes ` | ` (so tables stay readable as rows), a tall vertical gap
 * starts a new paragraph. Encrypted, damaged and image-only files fail with their own reasons.
 */
export async function extractPdf(bytes: Uint8Array, limits: ExtractionLimits): Promise<ExtractedContent> {
  let pdf: Awaited<ReturnType<typeof getDocumentProxy>>;
  try {
    pdf = await getDocumentProxy(bytes, { isEvalSupported: false, disableFontFace: true, useSystemFonts: false, verbosity: 0, stopAtErrors: false });
  } catch (err) {
    const name = (err as Error)?.name ?? '';
    if (name === 'PasswordException') throw new ExtractionFailure('pdf_encrypted');
    throw new ExtractionFailure('pdf_corrupt');
  }
  try {
    const pageCount = pdf.numPages;
    if (pageCount > limits.maxPages) throw new ExtractionFailure('too_much_text', { maxPages: limits.maxPages });
    const pages: string[] = [];
    let chars = 0;
    for (let n = 1; n <= pageCount; n++) {
      let items: TextItem[];
      try {
        const page = await pdf.getPage(n);
        const content = await page.getTextContent();
        items = content.items.filter((i): i is TextItem & typeof i => 'str' in i);
        page.cleanup();
      } catch {
        throw new ExtractionFailure('pdf_corrupt');
      }
      const text = pageText(items);
      chars += text.length;
      if (chars > limits.maxChars) throw new ExtractionFailure('too_much_text', { maxChars: limits.maxChars });
      pages.push(text);
    }
    const text = pages.filter((p) => p.trim()).join('\n\n');
    if (text.replace(/\s+/g, '').length < 3) throw new ExtractionFailure('no_extractable_text');
    return { format: 'pdf', text, pageCount };
  } finally {
    await pdf.destroy().catch(() => {});
  }
}

/** Rebuilds a page's text from its runs (exported for tests). */
export function pageText(items: TextItem[]): string {
  const runs = items
    .filter((i) => i.str.length > 0)
    .map((i) => ({ text: i.str, x: i.transform[4] ?? 0, y: i.transform[5] ?? 0, width: i.width, size: Math.abs(i.height || i.transform[3] || 10) }));
  if (runs.length === 0) return '';
  // Group into lines: same baseline within a third of the font size.
  runs.sort((a, b) => b.y - a.y || a.x - b.x);
  const lines: { y: number; size: number; runs: typeof runs }[] = [];
  for (const run of runs) {
    const line = lines.find((l) => Math.abs(l.y - run.y) <= Math.max(2, run.size / 3));
    if (line) line.runs.push(run);
    else lines.push({ y: run.y, size: run.size, runs: [run] });
  }
  lines.sort((a, b) => b.y - a.y);
  const out: string[] = [];
  let previous: (typeof lines)[number] | undefined;
  for (const line of lines) {
    line.runs.sort((a, b) => a.x - b.x);
    let text = '';
    let end = Number.NEGATIVE_INFINITY;
    let pending: '' | ' ' | ' | ' = '';
    for (const run of line.runs) {
      const size = run.size || line.size;
      // PDF.js reports the space between two runs as a whitespace run as wide as the gap.
      if (!run.text.trim()) {
        if (run.width > line.size * 2) pending = ' | ';
        else if (!pending) pending = ' ';
        end = Math.max(end, run.x + run.width);
        continue;
      }
      const gap = run.x - end;
      if (text && (pending === ' | ' || gap > size * 2)) text = `${text.trimEnd()} | `;
      else if (text && (pending === ' ' || gap > size * 0.15) && !text.endsWith(' ') && !run.text.startsWith(' ')) text += ' ';
      text += run.text;
      end = run.x + run.width;
      pending = '';
    }
    if (previous && previous.y - line.y > Math.max(previous.size, line.size) * 1.9) out.push('');
    out.push(text.replace(/\s+$/g, ''));
    previous = line;
  }
  return out.join('\n');
}
