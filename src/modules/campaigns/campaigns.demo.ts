import { and, eq, sql } from 'drizzle-orm';
import { campaignRecipients, campaigns, conversations, messageTemplates, messages } from '../../db/schema/index.ts';
import { newId } from '../../shared/ids.ts';
import { findOrCreateContactByPhone, recordConsent } from '../contacts/index.ts';
import type { DemoSeeder } from '../demo/demo.service.ts';
import type { Language } from '../organizations/settings.ts';
import { computeStats } from './campaign-stats.ts';
import { templateOf } from './campaign-template.ts';
import { previewOf, resolveValues, sendComponents } from './campaign-variables.ts';

type Outcome = 'read' | 'delivered' | 'sent' | 'replied' | 'failed_invalid' | 'failed_limit' | 'failed_retried';
const OUTCOMES: Outcome[] = ['replied', 'read', 'read', 'delivered', 'delivered', 'delivered', 'sent', 'failed_invalid', 'failed_limit', 'failed_retried'];

const PEOPLE: Record<Language, { names: string[]; prefix: string; campaign: string; reply: string; coupon: string }> = {
  es: {
    names: ['Valentina Ríos', 'Mateo Fernández', 'Camila Ortega', 'Santiago Núñez', 'Isabella Castro', 'Sebastián Peña', 'Lucía Herrera', 'Diego Morales', 'Martina Vega', 'Tomás Aguilar'],
    prefix: '52155198700',
    campaign: 'Ofertas de temporada — julio',
    reply: 'Me interesa',
    coupon: 'AURORA20',
  },
  'pt-BR': {
    names: ['Valentina Rocha', 'Mateus Ferreira', 'Camila Oliveira', 'Gabriel Nunes', 'Isabela Castro', 'Rafael Pena', 'Luíza Almeida', 'Diego Moraes', 'Marina Vieira', 'Tomás Azevedo'],
    prefix: '55119876500',
    campaign: 'Ofertas da estação — julho',
    reply: 'Tenho interesse',
    coupon: 'AURORA20',
  },
  en: {
    names: ['Olivia Bennett', 'Liam Carter', 'Emma Collins', 'Noah Turner', 'Ava Mitchell', 'James Parker', 'Sophia Evans', 'Lucas Hughes', 'Mia Foster', 'Ethan Brooks'],
    prefix: '34612987000',
    campaign: 'Seasonal offers — July',
    reply: "I'm interested",
    coupon: 'AURORA20',
  },
};

/**
 * One finished campaign with every outcome a real one has: read (one replied with a quick reply, now
 * a conversation in the inbox), delivered, only sent, and failures explained in words — not on
 * WhatsApp (131026), Meta's per-user marketing limit (131049), and a temporary error that exhausted
 * its automatic resends. Runs after the templates seeder.
 */
export const campaignsDemoSeeder: DemoSeeder = {
  name: 'campaigns',
  async seed(deps, organizationId, language) {
    const db = deps.database.db;
    const [template] = await db
      .select()
      .from(messageTemplates)
      .where(and(eq(messageTemplates.organizationId, organizationId), eq(messageTemplates.category, 'marketing'), eq(messageTemplates.status, 'approved')))
      .limit(1);
    if (!template) return;
    const people = PEOPLE[language];
    const t = templateOf({ name: template.name, language: template.language, category: template.category, parameterFormat: template.parameterFormat, components: template.components });
    const variables = { 'body.1': { source: 'field' as const, field: 'firstName' as const, fallback: language === 'en' ? 'there' : language === 'es' ? 'cliente' : 'cliente' }, 'body.2': { source: 'text' as const, value: people.coupon } };
    const started = new Date(Date.now() - 2 * 24 * 3600_000);
    const at = (minutes: number) => new Date(started.getTime() + minutes * 60_000);
    await db.transaction(async (tx) => {
      const campaignId = newId();
      await tx.insert(campaigns).values({
        id: campaignId,
        organizationId,
        channelId: template.channelId,
        templateId: template.id,
        template: t.snapshot,
        name: people.campaign,
        status: 'finished',
        audience: { kind: 'all' },
        variables,
        scheduledAt: started,
        startedAt: started,
        finishedAt: at(6 * 60 + 5),
        materializedAt: started,
        batchSeq: 1,
        createdByLabel: 'Demo',
        createdAt: new Date(started.getTime() - 3600_000),
        updatedAt: at(6 * 60 + 5),
      });
      for (const [i, name] of people.names.entries()) {
        const outcome = OUTCOMES[i % OUTCOMES.length]!;
        const waId = `${people.prefix}${String(i).padStart(2, '0')}`;
        const { contact } = await findOrCreateContactByPhone(tx, organizationId, { waId, phone: `+${waId}`, name, source: 'api' });
        await recordConsent(tx, organizationId, contact.id, { purpose: 'marketing', status: 'granted', source: 'import', textShown: 'Demo', occurredAt: new Date(started.getTime() - 7 * 24 * 3600_000) });
        const { values } = resolveValues(t.parameters, variables, { ...contact, phone: contact.phone });
        const body = previewOf(t.content, values);
        const conversationId = newId();
        const replied = outcome === 'replied';
        await tx
          .insert(conversations)
          .values({ id: conversationId, organizationId, channelId: template.channelId, contactId: contact.id, status: replied ? 'unassigned' : 'closed', lastMessageAt: at(replied ? 42 : i), lastInboundAt: replied ? at(42) : null, lastMessagePreview: replied ? people.reply : body.slice(0, 160), unreadCount: replied ? 1 : 0 })
          .onConflictDoNothing();
        const [conv] = await tx.select({ id: conversations.id }).from(conversations).where(and(eq(conversations.channelId, template.channelId), eq(conversations.contactId, contact.id)));
        const recipientId = newId();
        const messageId = newId();
        const failed = outcome.startsWith('failed');
        const code = outcome === 'failed_invalid' ? '131026' : outcome === 'failed_limit' ? '131049' : outcome === 'failed_retried' ? '131000' : null;
        const title = outcome === 'failed_invalid' ? 'Message undeliverable' : outcome === 'failed_limit' ? 'This message was not delivered to maintain healthy ecosystem engagement.' : code ? 'Something went wrong' : null;
        const attempts = outcome === 'failed_retried' ? 4 : 1;
        const sentAt = failed ? null : at(i);
        const deliveredAt = ['read', 'replied', 'delivered'].includes(outcome) ? at(i + 1) : null;
        const readAt = ['read', 'replied'].includes(outcome) ? at(i + 30) : null;
        const failedAt = failed ? at(outcome === 'failed_retried' ? 6 * 60 + 2 : i + 1) : null;
        const status = failed ? 'failed' : readAt ? 'read' : deliveredAt ? 'delivered' : 'sent';
        const payload = {
          template: { name: t.snapshot.name, language: t.snapshot.language, components: sendComponents(t.content, t.parameters, values, false, variables), preview: body },
          campaign: { id: campaignId, recipientId, name: people.campaign, values },
        };
        await tx.insert(messages).values({
          id: messageId,
          organizationId,
          conversationId: conv!.id,
          channelId: template.channelId,
          direction: 'out',
          type: 'template',
          body,
          payload,
          authorType: 'system',
          providerMessageId: failed && outcome !== 'failed_invalid' ? null : `wamid.demo-${campaignId.slice(-8)}-${i}`,
          idempotencyKey: `campaign:${recipientId}:${attempts}`,
          status,
          errorCode: code,
          errorTitle: title,
          sentAt,
          deliveredAt,
          readAt,
          failedAt,
          createdAt: failedAt && outcome === 'failed_retried' ? at(6 * 60) : at(i),
          updatedAt: failedAt ?? readAt ?? deliveredAt ?? at(i),
        });
        if (replied) {
          await tx.insert(messages).values({
            id: newId(),
            organizationId,
            conversationId: conv!.id,
            channelId: template.channelId,
            direction: 'in',
            type: 'button',
            body: people.reply,
            payload: { button: { text: people.reply, payload: people.reply } },
            authorType: 'contact',
            providerMessageId: `wamid.demo-in-${campaignId.slice(-8)}-${i}`,
            status: 'received',
            replyToMessageId: messageId,
            createdAt: at(42),
            updatedAt: at(42),
          });
        }
        await tx.insert(campaignRecipients).values({
          id: recipientId,
          organizationId,
          campaignId,
          contactId: contact.id,
          phone: contact.phone ?? `+${waId}`,
          batch: 1,
          status,
          errorCode: code,
          errorTitle: title,
          attempts,
          messageId,
          conversationId: conv!.id,
          firstAttemptAt: at(i),
          sentAt,
          deliveredAt,
          readAt,
          failedAt,
          repliedAt: replied ? at(42) : null,
          finalizedAt: failedAt,
          updatedAt: failedAt ?? (replied ? at(42) : (readAt ?? deliveredAt ?? at(i))),
        });
      }
      const stats = await computeStats(tx, campaignId);
      await tx.update(campaigns).set({ stats, statsRefreshedAt: sql`now()` }).where(eq(campaigns.id, campaignId));
    });
  },
};
