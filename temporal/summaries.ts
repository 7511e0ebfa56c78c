/**
 * What an operator reads in Temporal Web's workflow list (`staticSummary`, one line) and on the
 * workflow's page (`staticDetails`, markdown), set once at start. Temporal shows them as given:
 * names here are the tenant's own file and site names, never document text.
 */
export function ingestionSummary({
  clientId,
  documentId,
  version,
  filename,
  siteName,
}: {
  clientId: string;
  documentId: string;
  version: number;
  filename: string;
  siteName?: string;
}): { staticSummary: string; staticDetails: string } {
  const site = siteName ? ` for ${oneLine(siteName)}` : '';
  return {
    staticSummary: `Ingest ${oneLine(filename)}${site} (v${version})`,
    staticDetails: [
      `**Source:** ${oneLine(filename)}`,
      `**Site:** ${siteName ? oneLine(siteName) : '(unknown)'} (\`${clientId}\`)`,
      `**Document:** \`${documentId}\`, version ${version}`,
      '',
      'Live progress: query `progress`. A file the tenant must fix ends *Completed* with `outcome: "user_error"`;',
      'a *Failed* run is a system failure.',
    ].join('\n'),
  };
}

/** Control characters and line breaks out, and short enough for a list column. */
function oneLine(text: string): string {
  return text
    .replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ')
    .trim()
    .slice(0, 200);
}

/** The summary of a session's chat-logging workflow: whose conversation it records. */
export function chatLogSummary({
  clientId,
  sessionId,
  siteName,
}: {
  clientId: string;
  sessionId: string;
  siteName?: string;
}): {
  staticSummary: string;
  staticDetails: string;
} {
  const site = siteName ? oneLine(siteName) : clientId;
  return {
    staticSummary: `Chat log of ${site}, conversation ${oneLine(sessionId).slice(0, 64)}`,
    staticDetails: `**Site:** ${site} (\`${clientId}\`)\n**Conversation:** \`${oneLine(sessionId)}\`\n\nWrites each turn to \`chat_messages\` and rolls up \`usage_daily\`.`,
  };
}
