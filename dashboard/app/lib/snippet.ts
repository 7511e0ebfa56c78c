export const KEY_PLACEHOLDER = 'pk_live_YOUR_KEY';

/** The tag a site owner pastes before `</body>`; the public contract's exact shape. */
export function embedSnippet(publicUrl: string, apiKey: string | null): string {
  const base = publicUrl.replace(/\/+$/, '');
  const key = apiKey ?? KEY_PLACEHOLDER;
  return `<script src="${escapeAttribute(`${base}/widget.js`)}" data-api-key="${escapeAttribute(key)}" async></script>`;
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
