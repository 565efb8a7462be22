import { eq } from 'drizzle-orm';
import { describeGraphError } from '../../adapters/whatsapp-cloud/index.ts';
import { GraphApiError, type PhoneNumberInfo } from '../../adapters/whatsapp-cloud/index.ts';
import type { Deps } from '../../container.ts';
import { channels } from '../../db/schema/index.ts';
import type { Locale } from '../../shared/i18n.ts';
import { whatsAppConfigOf } from './channel-credentials.ts';
import { tc } from './channels.i18n.ts';
import { getChannel } from './channels.service.ts';
import { whatsAppClientFor } from './whatsapp-client.ts';

/** The outcome of "check connection", in words. */
export interface CheckResult {
  ok: boolean;
  message: string;
  errorCode: number | null;
  phoneNumber: { displayPhoneNumber: string; verifiedName: string; qualityRating: string | null; throughputLevel: string | null } | null;
  checkedAt: Date;
}

/**
 * "Check connection": asks the Graph API for the channel's phone number with the stored token, which
 * proves the token, the phone number id and the API URL together, and explains any failure in the
 * caller's language. The result is remembered on the channel (the dashboard shows it).
 */
export async function checkChannel(deps: Pick<Deps, 'database' | 'secrets'>, organizationId: string, id: string, locale: Locale): Promise<CheckResult> {
  const channel = await getChannel(deps.database.db, organizationId, id);
  const checkedAt = new Date();
  let result: CheckResult;
  if (channel.type === 'webchat') {
    result = { ok: channel.status === 'active', message: tc(locale, channel.status === 'active' ? 'checkWebchatOk' : 'checkDisabled'), errorCode: null, phoneNumber: null, checkedAt };
  } else if (!channel.credentials) {
    result = { ok: false, message: tc(locale, 'checkNoCredentials'), errorCode: null, phoneNumber: null, checkedAt };
  } else {
    result = await checkWhatsApp(deps, channel, locale, checkedAt);
  }
  const config = channel.type === 'whatsapp' ? whatsAppConfigOf(channel) : null;
  await deps.database.db
    .update(channels)
    .set({
      lastCheckAt: checkedAt,
      lastCheckOk: result.ok,
      lastCheckMessage: result.message,
      ...(config && result.phoneNumber
        ? {
            config: {
              ...config,
              displayPhoneNumber: result.phoneNumber.displayPhoneNumber,
              verifiedName: result.phoneNumber.verifiedName,
              qualityRating: result.phoneNumber.qualityRating,
            },
          }
        : {}),
    })
    .where(eq(channels.id, channel.id));
  return result;
}

async function checkWhatsApp(deps: Pick<Deps, 'secrets'>, channel: Parameters<typeof whatsAppClientFor>[1], locale: Locale, checkedAt: Date): Promise<CheckResult> {
  let info: PhoneNumberInfo;
  try {
    info = await whatsAppClientFor(deps.secrets, channel).getPhoneNumber();
  } catch (err) {
    if (err instanceof GraphApiError) {
      const reason = describeGraphError(err.code, locale);
      const message = err.httpStatus === 0 ? tc(locale, 'checkUnreachable', { url: whatsAppConfigOf(channel).graphApiUrl, reason }) : reason;
      return { ok: false, message, errorCode: err.code, phoneNumber: null, checkedAt };
    }
    throw err;
  }
  const phoneNumber = {
    displayPhoneNumber: info.displayPhoneNumber,
    verifiedName: info.verifiedName,
    qualityRating: info.qualityRating ?? null,
    throughputLevel: info.throughputLevel ?? null,
  };
  const message = tc(locale, 'checkOk', { number: info.displayPhoneNumber, name: info.verifiedName });
  return { ok: channel.status === 'active', message: channel.status === 'active' ? message : `${message} ${tc(locale, 'checkDisabled')}`, errorCode: null, phoneNumber, checkedAt };
}
