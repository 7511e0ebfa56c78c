import { embedSnippet } from '../lib/snippet';
import { CopyButton } from './copy-button';

/** The embed tag with its Copy button; with no full key at hand it shows a placeholder and says how to get one. */
export function EmbedSnippet({
  publicUrl,
  apiKey,
  id = 'embed-snippet',
}: {
  publicUrl: string;
  apiKey: string | null;
  id?: string;
}) {
  const snippet = embedSnippet(publicUrl, apiKey);
  return (
    <div className="snippet">
      <div className="snippet-bar">
        <span className="snippet-lang" id={`${id}-label`}>
          HTML · paste before &lt;/body&gt;
        </span>
        <CopyButton text={snippet} label="Copy snippet" />
      </div>
      <pre className="snippet-code" id={id} aria-labelledby={`${id}-label`} tabIndex={0}>
        <code>{snippet}</code>
      </pre>
    </div>
  );
}
