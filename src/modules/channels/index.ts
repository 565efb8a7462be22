/**
 * The channels module's public face: connected WhatsApp numbers and web chat widgets, their
 * credentials, and the endpoints their providers call. Other modules import only this.
 */
import type { Deps } from '../../container.ts';
import type { App } from '../../http/app-types.ts';
import { registerChannelRoutes } from './channels.routes.ts';
import { registerWebchatRoutes } from './webchat/webchat.routes.ts';
import { registerWhatsAppWebhookRoutes } from './whatsapp-webhook.routes.ts';

export { channelsDemoSeeder } from './channels.demo.ts';
export { channelsRecurring, registerChannelsJobs } from './channels.jobs.ts';
export { startDemoEmulator, stopDemoEmulator } from './demo-emulator.ts';
export { getChannel, listChannels } from './channels.service.ts';
export { whatsAppClientFor } from './whatsapp-client.ts';

/** Every HTTP route of the channels module (management API and provider webhooks). */
export function registerChannelsRoutes(app: App, deps: Deps) {
  registerChannelRoutes(app, deps);
  registerWhatsAppWebhookRoutes(app, deps);
  registerWebchatRoutes(app, deps);
}
