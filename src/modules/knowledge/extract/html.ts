import type { FormatCallback, HtmlToTextOptions } from 'html-to-text';

/** Markdown-style heading (`## Title`), so the chunker sees the page's structure. */
const formatHeading: FormatCallback = (elem, walk, builder, formatOptions) => {
  const level = Number(/^h([1-6])$/.exec(elem.name ?? '')?.[1] ?? 2);
  builder.openBlock({ leadingLineBreaks: formatOptions.leadingLineBreaks ?? 2 });
  builder.addInline(`${'#'.repeat(level)} `);
  walk(elem.children ?? [], builder);
  builder.closeBlock({ trailingLineBreaks: formatOptions.trailingLineBreaks ?? 1 });
};

/** Bold text keeps its `**` so "**Pregunta:** …" written in a rich editor still reads as a question. */
const formatStrong: FormatCallback = (elem, walk, builder) => {
  builder.addInline('**', { noWordTransform: true });
  walk(elem.children ?? [], builder);
  builder.addInline('**', { noWordTransform: true });
};

/** Tables as pipe rows (`| a | b |`), readable by people and language models alike. */
const formatPipeTable: FormatCallback = (elem, walk, builder) => {
  builder.openTable();
  const walkTable = (node: typeof elem) => {
    if (node.type !== 'tag') return;
    if (['thead', 'tbody', 'tfoot'].includes(node.name ?? '')) {
      for (const child of node.children ?? []) walkTable(child);
      return;
    }
    if (node.name !== 'tr') return;
    builder.openTableRow();
    for (const cell of node.children ?? []) {
      if (cell.type !== 'tag' || (cell.name !== 'td' && cell.name !== 'th')) continue;
      builder.openTableCell();
      walk(cell.children ?? [], builder);
      builder.closeTableCell();
    }
    builder.closeTableRow();
  };
  for (const child of elem.children ?? []) walkTable(child);
  builder.closeTable({
    tableToString: (rows) =>
      rows
        .filter((cells) => cells.some((c) => c.text.trim()))
        .map((cells) => `| ${cells.map((c) => c.text.replace(/\s*\n\s*/g, ' ').trim()).join(' | ')} |`)
        .join('\n'),
  });
};

const SKIPPED = ['script', 'style', 'noscript', 'template', 'svg', 'canvas', 'iframe', 'object', 'embed', 'nav', 'footer', 'form', 'button', 'select', 'input', 'textarea', 'img', 'video', 'audio', 'head'];

const OPTIONS: HtmlToTextOptions = {
  wordwrap: false,
  preserveNewlines: false,
  baseElements: { selectors: ['main', 'body'], returnDomByDefault: true },
  limits: { maxChildNodes: 20_000, maxDepth: 200, ellipsis: '' },
  formatters: { heading: formatHeading, strong: formatStrong, pipeTable: formatPipeTable },
  selectors: [
    ...SKIPPED.map((selector) => ({ selector, format: 'skip' })),
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'table', format: 'pipeTable' },
    { selector: 'b', format: 'strong' },
    { selector: 'strong', format: 'strong' },
    ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({ selector, format: 'heading' })),
    { selector: 'ul', options: { itemPrefix: '- ' } },
  ],
};

/**
 * Turns HTML (uploaded pages, fetched URLs, converted DOCX) into text with markdown-like structure:
 * headings as `#`, tables as pipe rows, bold kept. Scripts, styles, navigation, forms and media are dropped;
 * the `<main>` element is used when the page has one. The converter is imported on first use, so
 * processes that never extract a document do not load it (see bench/foundation.bench.ts).
 */
export async function htmlToText(html: string): Promise<{ text: string; title?: string }> {
  const { convert } = await import('html-to-text');
  const title = /<title[^>]*>([^<]{1,300})<\/title>/i.exec(html)?.[1]?.replace(/\s+/g, ' ').trim();
  const text = convert(html, OPTIONS)
    .replace(/\*\*\s*\*\*/g, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return { text, title: title ? convert(title, { wordwrap: false }) : undefined };
}
