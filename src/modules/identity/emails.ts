import { type Catalog, type Locale, translator } from '../../shared/i18n.ts';

type Key =
  | 'inviteSubject'
  | 'inviteBody'
  | 'resetSubject'
  | 'resetBody'
  | 'roleOwner'
  | 'roleManager'
  | 'roleAgent';

const catalog: Catalog<Key> = {
  es: {
    inviteSubject: '{{inviter}} te invitó a {{organization}} en Charla',
    inviteBody:
      'Hola,\n\n{{inviter}} te invitó a unirte a {{organization}} en Charla como {{role}}.\n\nAcepta la invitación aquí (válida hasta el {{expires}}):\n{{link}}\n\nSi no esperabas este correo, ignóralo.',
    resetSubject: 'Restablece tu contraseña de Charla',
    resetBody:
      'Hola,\n\nRecibimos una solicitud para restablecer tu contraseña. Elige una nueva aquí (el enlace vale 1 hora y un solo uso):\n{{link}}\n\nSi no lo pediste, ignora este correo: tu contraseña no cambia.',
    roleOwner: 'propietario',
    roleManager: 'gerente',
    roleAgent: 'agente',
  },
  'pt-BR': {
    inviteSubject: '{{inviter}} convidou você para {{organization}} no Charla',
    inviteBody:
      'Olá,\n\n{{inviter}} convidou você para participar de {{organization}} no Charla como {{role}}.\n\nAceite o convite aqui (válido até {{expires}}):\n{{link}}\n\nSe você não esperava este e-mail, ignore-o.',
    resetSubject: 'Redefina sua senha do Charla',
    resetBody:
      'Olá,\n\nRecebemos um pedido para redefinir sua senha. Escolha uma nova aqui (o link vale 1 hora e um único uso):\n{{link}}\n\nSe não foi você, ignore este e-mail: sua senha não muda.',
    roleOwner: 'proprietário',
    roleManager: 'gerente',
    roleAgent: 'agente',
  },
  en: {
    inviteSubject: '{{inviter}} invited you to {{organization}} on Charla',
    inviteBody:
      'Hello,\n\n{{inviter}} invited you to join {{organization}} on Charla as {{role}}.\n\nAccept the invitation here (valid until {{expires}}):\n{{link}}\n\nIf you did not expect this e-mail, ignore it.',
    resetSubject: 'Reset your Charla password',
    resetBody:
      'Hello,\n\nWe received a request to reset your password. Choose a new one here (the link works once, for 1 hour):\n{{link}}\n\nIf you did not ask for this, ignore this e-mail: your password stays the same.',
    roleOwner: 'owner',
    roleManager: 'manager',
    roleAgent: 'agent',
  },
};

/** Translates identity e-mails. */
export const te = translator(catalog);

const ROLE_KEY = { owner: 'roleOwner', manager: 'roleManager', agent: 'roleAgent' } as const;

/** The role's name in a locale. */
export const roleName = (locale: Locale, role: keyof typeof ROLE_KEY) => te(locale, ROLE_KEY[role]);
