/** Formats the knowledge base reads, decided by sniffing the bytes (the file name only breaks ties between text formats). */
export const DOCUMENT_FORMATS = ['pdf', 'docx', 'html', 'csv', 'md', 'txt', 'entry'] as const;
export type DocumentFormat = (typeof DOCUMENT_FORMATS)[number];

/**
 * Stable codes for why a document could not be processed. The dashboard translates them (es, pt-BR, en);
 * `failureParams` fill their placeholders. Never rename a code: stored rows and API clients use them.
 */
export const FAILURE_REASONS = [
  'empty_file',
  'file_too_large',
  'unsupported_format',
  'text_encoding',
  'pdf_encrypted',
  'pdf_corrupt',
  'no_extractable_text',
  'docx_corrupt',
  'archive_too_large',
  'csv_columns_missing',
  'csv_invalid',
  'too_much_text',
  'processing_timeout',
  'processing_memory',
  'url_fetch_failed',
  'url_blocked',
  'url_unreachable',
  'url_too_large',
  'file_missing',
  'processing_error',
] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

/** Expected failure of a document (bad input): the version ends `failed` with this reason. */
export class ExtractionFailure extends Error {
  override name = 'ExtractionFailure';
  constructor(
    readonly reason: FailureReason,
    readonly params: Record<string, string | number> = {},
  ) {
    super(`Document could not be processed: ${reason}`);
  }
}

/** A question/answer item that came already structured (CSV rows). */
export interface QaItem {
  topic: string | null;
  questions: string[];
  answer: string;
}

/** What extraction produces: plain text with light markdown structure, or structured Q&A items. */
export interface ExtractedContent {
  format: DocumentFormat;
  text: string;
  qa?: QaItem[];
  pageCount?: number;
  /** A title found in the content (HTML `<title>`, first heading), used when none was given. */
  title?: string;
}

/** Limits applied while reading one document. */
export interface ExtractionLimits {
  /** Largest amount of text kept from one document (characters). */
  maxChars: number;
  /** Largest total uncompressed size of a DOCX archive. */
  maxUncompressedBytes: number;
  /** Most entries a DOCX archive may have. */
  maxArchiveEntries: number;
  /** Most pages read from a PDF. */
  maxPages: number;
}

/** Defaults sized for knowledge documents: generous for real manuals, small enough to bound memory and time. */
export const DEFAULT_LIMITS: ExtractionLimits = {
  maxChars: 5_000_000,
  maxUncompressedBytes: 100 * 1024 * 1024,
  maxArchiveEntries: 2_000,
  maxPages: 3_000,
};
