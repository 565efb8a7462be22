/**
 * The knowledge module's public face: documents in (files, web pages, entries), Q&A-aware chunks, hybrid
 * search, grounded answers and the improvement loop (gaps, tests). Other modules import only from here.
 */
export { type AnswerOptions, answerFromKnowledge, judgeAnswer, type KnowledgeAnswer, type KnowledgeSource } from './answer.ts';
export { type DocumentLanguage, detectLanguage } from './chunking/language.ts';
export { createDocument, deleteDocument, type DocumentContent, type NewDocument, replaceDocumentContent, reprocessDocument, updateDocument } from './documents.service.ts';
export { DEFAULT_ANSWER_THRESHOLD, type SettingsPatch, updateSettings } from './settings.service.ts';
export { type SearchOptions, type SearchResponse, type SearchResult, searchKnowledge } from './search/search.ts';
export { addAnswerToGap, type GapReason, type NewKnowledgeGap, recordKnowledgeGap } from './gaps.service.ts';
export { knowledgeText } from './knowledge.i18n.ts';
export { registerKnowledgeRoutes } from './knowledge.routes.ts';
export { registerKnowledgeJobs } from './knowledge.jobs.ts';
export { knowledgeDemoSeeder } from './knowledge.demo.ts';
