import { defineLocales } from '../../i18n/define.ts';

/** The signed-in person's profile: the `profile` namespace. */
export const profileLocales = defineLocales({
  en: {
    title: 'Your profile',
    description: 'How you appear to your team, your language and your password.',
    details: { title: 'Personal details', description: 'Your name is shown to your team and in the audit log.', name: 'Name', email: 'E-mail', emailHint: 'Your e-mail identifies your account and cannot be changed here.', saved: 'Profile saved' },
    language: { title: 'Language', description: 'The language of the dashboard and of the e-mails you receive.', label: 'Interface language', organizationDefault: 'The organization’s language ({{language}})', saved: 'Language saved' },
    password: {
      title: 'Password',
      description: 'Changing it signs you out of every other device.',
      current: 'Current password',
      new: 'New password',
      confirm: 'Repeat the new password',
      hint: 'At least 8 characters.',
      submit: 'Change password',
      changed: 'Password changed. Your other sessions were signed out.',
    },
  },
  es: {
    title: 'Tu perfil',
    description: 'Cómo te ve tu equipo, tu idioma y tu contraseña.',
    details: { title: 'Datos personales', description: 'Tu nombre se muestra a tu equipo y en el registro de auditoría.', name: 'Nombre', email: 'Correo electrónico', emailHint: 'Tu correo identifica tu cuenta y no se puede cambiar aquí.', saved: 'Perfil guardado' },
    language: { title: 'Idioma', description: 'El idioma del panel y de los correos que recibes.', label: 'Idioma de la interfaz', organizationDefault: 'El idioma de la organización ({{language}})', saved: 'Idioma guardado' },
    password: {
      title: 'Contraseña',
      description: 'Al cambiarla se cierra tu sesión en todos los demás dispositivos.',
      current: 'Contraseña actual',
      new: 'Contraseña nueva',
      confirm: 'Repite la contraseña nueva',
      hint: 'Al menos 8 caracteres.',
      submit: 'Cambiar la contraseña',
      changed: 'Contraseña cambiada. Se cerraron tus otras sesiones.',
    },
  },
  'pt-BR': {
    title: 'Seu perfil',
    description: 'Como sua equipe vê você, seu idioma e sua senha.',
    details: { title: 'Dados pessoais', description: 'Seu nome aparece para sua equipe e no registro de auditoria.', name: 'Nome', email: 'E-mail', emailHint: 'Seu e-mail identifica sua conta e não pode ser alterado aqui.', saved: 'Perfil salvo' },
    language: { title: 'Idioma', description: 'O idioma do painel e dos e-mails que você recebe.', label: 'Idioma da interface', organizationDefault: 'O idioma da organização ({{language}})', saved: 'Idioma salvo' },
    password: {
      title: 'Senha',
      description: 'Ao alterá-la, você sai de todos os outros dispositivos.',
      current: 'Senha atual',
      new: 'Nova senha',
      confirm: 'Repita a nova senha',
      hint: 'Pelo menos 8 caracteres.',
      submit: 'Alterar a senha',
      changed: 'Senha alterada. Suas outras sessões foram encerradas.',
    },
  },
});
