import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_KNOWLEDGE_DIR } from '../knowledge.demo.ts';
import { chunkQaItems, chunkText, DEFAULT_CHUNK_OPTIONS } from './chunker.ts';
import { detectLanguage } from './language.ts';

const sample = (name: string) => fs.readFileSync(path.join(DEMO_KNOWLEDGE_DIR, name), 'utf8');

describe('chunkText on the sample knowledge documents', () => {
  it('keeps every Q&A pair whole, with all phrasings pointing at the one answer', () => {
    const chunks = chunkText(sample('envios.txt'));
    expect(chunks).toHaveLength(7);
    expect(chunks.every((c) => c.kind === 'qa')).toBe(true);
    expect(chunks[0]).toMatchObject({
      topic: 'ENVÍOS Y ENTREGAS (Tienda Aurora, Colombia)',
      questions: ['¿Cuánto cuesta el envío?', '¿Cuánto vale el domicilio?', '¿Qué precio tiene el flete?'],
    });
    expect(chunks[0]!.answer).toMatch(/^El envío estándar cuesta \$12\.900 COP/);
    expect(chunks[0]!.content).toContain('¿Qué precio tiene el flete?');
    expect(chunks[0]!.content).toContain('$12.900');
    expect(chunks.at(-1)!.questions).toEqual(['¿Qué pasa si no estoy en casa cuando llega el pedido?']);
  });

  it.each([
    ['devoluciones.txt', 6, 'es'],
    ['entregas-pt.txt', 4, 'pt'],
    ['envios.txt', 7, 'es'],
    ['faq-en.md', 4, 'en'],
    ['garantia.md', 3, 'es'],
    ['horarios-contacto.txt', 4, 'es'],
    ['pagos.txt', 6, 'es'],
  ])('%s: %i Q&A chunks with their topic, language %s', (file, count, language) => {
    const text = sample(file);
    const chunks = chunkText(text);
    expect(chunks).toHaveLength(count);
    for (const c of chunks) {
      expect(c.kind).toBe('qa');
      expect(c.topic).toBeTruthy();
      expect(c.questions.length).toBeGreaterThan(0);
      expect(c.answer!.length).toBeGreaterThan(10);
      for (const q of c.questions) expect(c.answer).not.toContain(q);
    }
    expect(detectLanguage(text)).toBe(language);
  });

  it('understands Pergunta/Resposta, Question/Answer and Q:/A: markers, bold or not', () => {
    const chunks = chunkText(['Q: Do you ship abroad?', 'A: Only within Colombia.', '', '**Pergunta:** Tem loja física?', '**Resposta:** Sim, em São Paulo.', '', 'Question 3) Is it safe?', 'Answer: Yes.'].join('\n'));
    expect(chunks.map((c) => [c.questions, c.answer])).toEqual([
      [['Do you ship abroad?'], 'Only within Colombia.'],
      [['Tem loja física?'], 'Sim, em São Paulo.'],
      [['Is it safe?'], 'Yes.'],
    ]);
  });

  it('reads FAQ-style questions without markers (headings or ¿…? lines) and multi-line answers', () => {
    const chunks = chunkText(['## ¿Cuánto cuesta el envío?', 'Cuesta $10.000.', '', 'En Bogotá llega en un día.', '', '¿Tienen tienda?', 'Sí, en Chapinero.'].join('\n'));
    expect(chunks).toHaveLength(2);
    expect(chunks[0]).toMatchObject({ kind: 'qa', questions: ['¿Cuánto cuesta el envío?'], answer: 'Cuesta $10.000.\n\nEn Bogotá llega en un día.' });
    expect(chunks[1]).toMatchObject({ questions: ['¿Tienen tienda?'], answer: 'Sí, en Chapinero.' });
  });

  it('treats a plain question line followed by "Respuesta:" as the question', () => {
    const [chunk] = chunkText('¿Puedo pagar con Nequi?\nRespuesta: Sí.');
    expect(chunk).toMatchObject({ kind: 'qa', questions: ['¿Puedo pagar con Nequi?'], answer: 'Sí.' });
  });

  it('splits prose by headings and paragraphs, with overlap and the heading as context', () => {
    const paragraph = (n: number) => `Párrafo ${n}. ${'Texto de relleno sobre la política de la tienda. '.repeat(8)}Fin del párrafo ${n}.`;
    const text = ['# Manual', '## Envíos', ...[1, 2, 3, 4].map(paragraph), '## Pagos', paragraph(5)].join('\n\n');
    const chunks = chunkText(text);
    expect(chunks.every((c) => c.kind === 'text' && c.topic === 'Manual')).toBe(true);
    const envios = chunks.filter((c) => c.heading === 'Envíos');
    expect(envios.length).toBeGreaterThan(1);
    expect(envios.every((c) => c.content.length <= DEFAULT_CHUNK_OPTIONS.maxChars)).toBe(true);
    // The second chunk starts with the last sentences of the first (overlap).
    const overlap = envios[1]!.content.split('\n\n')[0]!;
    expect(overlap.length).toBeLessThanOrEqual(DEFAULT_CHUNK_OPTIONS.overlapChars);
    expect(overlap).toMatch(/Fin del párrafo \d\.$/);
    expect(envios[0]!.content.endsWith(overlap)).toBe(true);
    expect(chunks.filter((c) => c.heading === 'Pagos')).toHaveLength(1);
  });

  it('keeps a table whole, or splits it by rows with the header repeated', () => {
    const header = '| Ciudad | Precio | Días |';
    const rows = Array.from({ length: 80 }, (_, i) => `| Ciudad ${i} | $${i}.000 | ${i % 5} |`);
    const chunks = chunkText(['# Tarifas', [header, ...rows].join('\n')].join('\n\n'));
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) {
      expect(c.content.split('\n')[0]).toBe(header);
      expect(c.content.split('\n').every((l) => l.startsWith('|'))).toBe(true);
    }
    expect(chunks.flatMap((c) => c.content.split('\n').slice(1))).toEqual(rows);
  });

  it('cuts a monster paragraph between sentences, never above the maximum', () => {
    const chunks = chunkText(`${'Una frase larga sobre garantías y cambios de productos. '.repeat(200)}`);
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.every((c) => c.content.length <= DEFAULT_CHUNK_OPTIONS.maxChars)).toBe(true);
  });
});

describe('chunkQaItems', () => {
  it('turns structured items into Q&A chunks', () => {
    expect(chunkQaItems([{ topic: 'Pagos', questions: ['¿Aceptan Nequi?', '¿Aceptan Nequi?'], answer: 'Sí.' }])).toEqual([
      { kind: 'qa', topic: 'Pagos', heading: null, questions: ['¿Aceptan Nequi?'], answer: 'Sí.', content: '¿Aceptan Nequi?\nSí.' },
    ]);
  });
});
