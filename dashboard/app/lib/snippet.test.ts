import { describe, expect, it } from 'vitest';
import { embedSnippet, KEY_PLACEHOLDER } from './snippet';

describe('embedSnippet', () => {
  it('is exactly the public contract tag', () => {
    expect(embedSnippet('https://chat.example.com/', 'pk_live_abc')).toBe(
      '<script src="https://chat.example.com/widget.js" data-api-key="pk_live_abc" async></script>',
    );
  });

  it('uses a visible placeholder without a key', () => {
    expect(embedSnippet('http://localhost:5000', null)).toContain(`data-api-key="${KEY_PLACEHOLDER}"`);
  });

  it('cannot be broken out of by a hostile base URL', () => {
    expect(embedSnippet('https://x.example/"><img src=x onerror=alert(1)>', 'pk_live_abc')).not.toContain('"><img');
  });
});
