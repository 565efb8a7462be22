/** A piece of text placed on a page (points from the bottom-left corner; Helvetica). */
export interface PdfText {
  x: number;
  y: number;
  text: string;
  size?: number;
}

/** A page: free-placed text, or lines written top-down. An `image` page has a picture and no text. */
export type PdfPage = { lines: string[] } | { items: PdfText[] } | { image: true };

/** Options of `writePdf`. */
export interface PdfOptions {
  /** Adds a standard security handler that needs a user password (readers must refuse without it). */
  encrypted?: boolean;
}

/**
 * A minimal PDF writer (PDF 1.4, Helvetica with WinAnsi encoding, uncompressed content streams) for test
 * fixtures and benchmarks: real, valid files that PDF.js parses, generated in code instead of committed.
 */
export function writePdf(pages: PdfPage[], options: PdfOptions = {}): Buffer {
  const objects: (string | Buffer)[] = [];
  const add = (body: string | Buffer) => {
    objects.push(body);
    return objects.length;
  };
  const catalog = add('');
  const pagesObj = add('');
  const font = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
  const image = add(streamObject('<< /Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray /BitsPerComponent 8', Buffer.from([0, 255, 255, 0])));
  const kids: number[] = [];
  for (const page of pages) {
    const content = add(streamObject('<<', Buffer.from(pageContent(page), 'latin1')));
    kids.push(
      add(
        `<< /Type /Page /Parent ${pagesObj} 0 R /MediaBox [0 0 612 792] /Contents ${content} 0 R /Resources << /Font << /F1 ${font} 0 R >> /XObject << /Im1 ${image} 0 R >> >> >>`,
      ),
    );
  }
  objects[catalog - 1] = `<< /Type /Catalog /Pages ${pagesObj} 0 R >>`;
  objects[pagesObj - 1] = `<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(' ')}] /Count ${kids.length} >>`;
  let encrypt: number | undefined;
  if (options.encrypted) {
    const o = 'A'.repeat(64);
    const u = 'B'.repeat(64);
    encrypt = add(`<< /Filter /Standard /V 1 /R 2 /O <${o}> /U <${u}> /P -44 >>`);
  }

  const parts: Buffer[] = [Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  const offsets: number[] = [];
  let length = parts[0]!.length;
  objects.forEach((body, i) => {
    offsets.push(length);
    const chunk = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`, 'latin1'), Buffer.isBuffer(body) ? body : Buffer.from(body, 'latin1'), Buffer.from('\nendobj\n', 'latin1')]);
    parts.push(chunk);
    length += chunk.length;
  });
  const xref = [`xref\n0 ${objects.length + 1}\n`, '0000000000 65535 f \n', ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`)].join('');
  const id = '<0123456789abcdef0123456789abcdef>';
  const trailer = `trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R${encrypt ? ` /Encrypt ${encrypt} 0 R` : ''} /ID [${id} ${id}] >>\nstartxref\n${length}\n%%EOF\n`;
  parts.push(Buffer.from(xref + trailer, 'latin1'));
  return Buffer.concat(parts);
}

function streamObject(dictionaryStart: string, data: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${dictionaryStart} /Length ${data.length} >>\nstream\n`, 'latin1'), data, Buffer.from('\nendstream', 'latin1')]);
}

function pageContent(page: PdfPage): string {
  if ('image' in page) return 'q 200 0 0 200 100 400 cm /Im1 Do Q';
  const items: PdfText[] = 'items' in page ? page.items : page.lines.map((text, i) => ({ x: 56, y: 750 - i * 16, text, size: 11 }));
  return items.map((item) => `BT /F1 ${item.size ?? 11} Tf 1 0 0 1 ${item.x} ${item.y} Tm (${escapePdfText(item.text)}) Tj ET`).join('\n');
}

/** Escapes a string for a PDF literal and maps it to WinAnsi (Latin-1 for the accents Spanish and Portuguese use). */
function escapePdfText(text: string): string {
  return text.replace(/[\\()]/g, (c) => `\\${c}`).replace(/[^\x20-\xff]/g, '?');
}
