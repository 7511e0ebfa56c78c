import { z } from 'zod';
import type { ReplyLanguage } from './language';
import type { SmallTalkKind } from './small-talk';

/**
 * The replies that do not come from documents: the decline when the documents do not cover a
 * question, and the small-talk replies. Built-in texts exist in every REPLY_LANGUAGE and are
 * picked by the visitor's language; a site owner's own text (clients.reply_messages, set in the
 * dashboard or with `replyMessages` on PATCH /api/dashboard/clients/:clientId) replaces the
 * built-in one for that kind in every language.
 */

export const REPLY_KINDS = ['declined', 'greeting', 'thanks', 'goodbye', 'bot', 'human'] as const;
export type ReplyMessageKind = (typeof REPLY_KINDS)[number];
export type ReplyMessages = Partial<Record<ReplyMessageKind, string>>;

/** Input shape: a text per kind; null or an empty string puts the built-in text back. */
export const replyMessagesSchema = z
  .object(
    Object.fromEntries(
      REPLY_KINDS.map((kind) => [
        kind,
        z.string().trim().max(500, 'Keep each reply to 500 characters.').nullable().optional(),
      ]),
    ) as Record<ReplyMessageKind, z.ZodOptional<z.ZodNullable<z.ZodString>>>,
  )
  .strict();

export const BUILT_IN_REPLIES: Record<ReplyMessageKind, Record<ReplyLanguage, string>> = {
  declined: {
    en: "I couldn't find that in this site's documents, so I can't answer it here. Try asking about something the site covers, or contact the team directly.",
    es: 'No he encontrado eso en los documentos de este sitio, así que no puedo responderlo aquí. Prueba a preguntar por algo que el sitio trate o contacta directamente con el equipo.',
    fr: "Je n'ai pas trouvé cela dans les documents de ce site, je ne peux donc pas y répondre ici. Posez une question sur un sujet que le site traite, ou contactez directement l'équipe.",
    de: 'Dazu habe ich in den Dokumenten dieser Website nichts gefunden, daher kann ich es hier nicht beantworten. Fragen Sie nach etwas, das die Website behandelt, oder wenden Sie sich direkt an das Team.',
    pt: 'Não encontrei isso nos documentos deste site, por isso não posso responder aqui. Pergunte sobre algo que o site aborda ou contacte diretamente a equipa.',
  },
  greeting: {
    en: 'Hello! Ask me anything about this site and I will answer from its documents.',
    es: '¡Hola! Pregúntame lo que quieras sobre este sitio y te responderé a partir de sus documentos.',
    fr: 'Bonjour ! Posez-moi vos questions sur ce site, je réponds à partir de ses documents.',
    de: 'Hallo! Fragen Sie mich alles zu dieser Website – ich antworte anhand ihrer Dokumente.',
    pt: 'Olá! Pergunte-me o que quiser sobre este site e eu respondo com base nos seus documentos.',
  },
  thanks: {
    en: "You're welcome! Is there anything else I can help you with?",
    es: '¡De nada! ¿Puedo ayudarte con algo más?',
    fr: 'Avec plaisir ! Puis-je vous aider pour autre chose ?',
    de: 'Gern geschehen! Kann ich sonst noch helfen?',
    pt: 'De nada! Posso ajudar com mais alguma coisa?',
  },
  goodbye: {
    en: 'Goodbye, and thanks for stopping by!',
    es: '¡Hasta luego y gracias por tu visita!',
    fr: 'Au revoir, et merci de votre visite !',
    de: 'Auf Wiedersehen und danke für Ihren Besuch!',
    pt: 'Até logo e obrigado pela visita!',
  },
  bot: {
    en: "I'm an automated assistant: I answer from this site's documents and show where each answer comes from.",
    es: 'Soy un asistente automático: respondo a partir de los documentos de este sitio y muestro de dónde sale cada respuesta.',
    fr: "Je suis un assistant automatique : je réponds à partir des documents de ce site et j'indique d'où vient chaque réponse.",
    de: 'Ich bin ein automatischer Assistent: Ich antworte anhand der Dokumente dieser Website und zeige, woher jede Antwort stammt.',
    pt: 'Sou um assistente automático: respondo com base nos documentos deste site e mostro de onde vem cada resposta.',
  },
  human: {
    en: "I'm an automated assistant and can't hand you over to a person myself. Leave your email through the contact option and the team will get back to you.",
    es: 'Soy un asistente automático y no puedo pasarte con una persona. Deja tu correo en la opción de contacto y el equipo te responderá.',
    fr: "Je suis un assistant automatique et je ne peux pas vous transférer à une personne. Laissez votre e-mail via l'option de contact et l'équipe vous répondra.",
    de: 'Ich bin ein automatischer Assistent und kann Sie nicht selbst an eine Person weiterleiten. Hinterlassen Sie Ihre E-Mail über die Kontaktoption, dann meldet sich das Team.',
    pt: 'Sou um assistente automático e não consigo passar a conversa a uma pessoa. Deixe o seu email na opção de contacto e a equipa responderá.',
  },
};

/** The text to send for `kind` in `language`: the site's own text when it set one. */
export function replyText(
  kind: ReplyMessageKind | SmallTalkKind,
  language: ReplyLanguage,
  custom: ReplyMessages | null | undefined,
): string {
  const own = custom?.[kind]?.trim();
  return own ? own : BUILT_IN_REPLIES[kind][language];
}

/** Stored form: only the kinds with a text of their own. */
export function mergeReplyMessages(current: ReplyMessages, patch: z.infer<typeof replyMessagesSchema>): ReplyMessages {
  const merged: ReplyMessages = { ...current };
  for (const kind of REPLY_KINDS) {
    if (patch[kind] === undefined) continue;
    const value = patch[kind]?.trim();
    if (value) merged[kind] = value;
    else delete merged[kind];
  }
  return merged;
}
