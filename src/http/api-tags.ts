/**
 * The groups of the API reference, in the order it shows them. Every route's `tags` names one of
 * these (test/openapi.integration.test.ts checks it), so the reference has no stray or empty group.
 */
export const API_TAGS = [
  { name: 'Authentication', description: 'First-run setup, dashboard sessions (sign in and out, switch organization), passwords and your own profile.' },
  { name: 'Organization', description: 'Who the caller is, and the organization\'s profile (name, language, time zone, country) and module settings.' },
  { name: 'Team', description: 'Members, their roles and status, invitations by e-mail, and the e-mails the organization sent.' },
  { name: 'API keys', description: 'Keys for integrations: send one as `Authorization: Bearer <key>`. The key is shown once, at creation.' },
  { name: 'Audit log', description: 'Who changed what and when, for owners.' },
  { name: 'Contacts', description: 'The address book: search, create, edit, merge and export contacts, their consents, photos and data-protection requests.' },
  { name: 'Groups', description: 'Named lists of contacts, used to organize them and as campaign audiences.' },
  { name: 'Contact fields', description: 'Custom fields every contact can have: text, number, e-mail, a choice of options or long text.' },
  { name: 'Contact imports', description: 'Import contacts from CSV or XLSX files: upload, map columns, run in the background, and download the rows that failed.' },
  { name: 'Channels', description: 'Where conversations happen: WhatsApp Cloud API numbers and web chat widgets.' },
  { name: 'Inbox', description: 'The shared team inbox: conversations, messages, notes, files, and a live event stream.' },
  { name: 'Templates', description: 'WhatsApp message templates: build, check against Meta\'s rules, submit for review and sync.' },
  { name: 'Campaigns', description: 'Send a template to many contacts at once, now or on a schedule, and follow delivery, reads and replies.' },
  { name: 'Knowledge', description: 'The knowledge base the assistant answers from: documents, Q&A, search and settings.' },
  { name: 'Knowledge gaps', description: 'Questions the assistant could not answer well, grouped, so the team can add what is missing.' },
  { name: 'Knowledge tests', description: 'Saved questions with the answer they should get, run together to measure the knowledge base.' },
  { name: 'Integrations', description: 'External systems the assistant can call: HTTP APIs (hand-written or imported from OpenAPI) and MCP servers.' },
  { name: 'Tools', description: 'The actions of integrations the assistant may call, their tests and call log, and the built-in tools.' },
  { name: 'Assistant', description: 'The AI assistant: its language model, persona and behaviour, and a playground to talk to it.' },
  { name: 'Automated replies', description: 'Keyword rules that answer with a fixed text, media or template; a matching rule answers instead of the assistant.' },
] as const;
