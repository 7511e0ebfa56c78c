import { describe, expect, it } from 'vitest';
import { decodeHtml, parseHtml, readHtmlPage } from './html';

const PAGE = `<!doctype html><html><head><title>Pricing | Acme</title>
<link rel="canonical" href="/pricing">
<style>.x{color:red}</style><script>var secret = "do not index";</script></head>
<body>
<header><a href="/">Home</a> <a href="/about">About us</a></header>
<nav><ul><li><a href="/blog">Blog</a></li><li><a href="/jobs">Jobs</a></li></ul></nav>
<div id="cookie-banner">We use cookies to improve your experience. <button>Accept all cookies</button></div>
<main>
<h1>Pricing</h1>
<p>Acme offers three plans for teams of every size. Every plan includes unlimited projects and email support during business hours.</p>
<h2>Plans</h2>
<table><thead><tr><th>Plan</th><th>Price</th><th>Seats</th></tr></thead>
<tbody><tr><td>Starter</td><td>$9 per month</td><td>3</td></tr><tr><td>Business</td><td>$49 per month</td><td>25</td></tr></tbody></table>
<h2>What every plan includes</h2>
<ul><li>Unlimited projects</li><li>Daily backups</li></ul>
<p>See the <a href="/faq#billing">billing FAQ</a> or <a href="https://other.example.org/x" rel="nofollow">a partner</a>. <a href="mailto:sales@acme.test">Mail us</a>.</p>
</main>
<footer>© Acme Inc. All rights reserved. <a href="/imprint">Imprint</a></footer>
</body></html>`;

describe('readHtmlPage', () => {
  const page = readHtmlPage({ html: PAGE, url: 'https://acme.test/pricing?ref=nav' });
  const text = page.sections.map((section) => `${section.heading}\n${section.text}`).join('\n\n');

  it('keeps the main text with headings, list items and table rows as Header: value pairs', () => {
    expect(page.title).toBe('Pricing | Acme');
    expect(text).toContain('Acme offers three plans');
    expect(text).toContain('Plan: Starter; Price: $9 per month; Seats: 3');
    expect(text).toContain('- Daily backups');
    expect(page.sections.find((section) => section.text.includes('Starter'))?.heading).toBe('Plans');
  });

  it('drops navigation, header, footer, scripts, styles and the cookie banner', () => {
    for (const furniture of ['About us', 'Jobs', 'do not index', 'color:red', 'cookies', 'All rights reserved'])
      expect(text).not.toContain(furniture);
  });

  it('gives the page title as heading to text without one', () => {
    const plain = readHtmlPage({
      html: '<title>Opening hours</title><body><p>We open at nine every weekday and close at six in the evening.</p></body>',
      url: 'https://a.test/',
    });
    expect(plain.sections[0]).toMatchObject({ heading: 'Opening hours' });
  });

  it('reads links (absolute, no fragments, no nofollow, http only) and the canonical URL', () => {
    expect(page.canonicalUrl).toBe('https://acme.test/pricing');
    expect(page.links).toContain('https://acme.test/faq');
    expect(page.links).toContain('https://acme.test/about');
    expect(page.links.some((link) => link.includes('other.example.org') || link.startsWith('mailto'))).toBe(false);
  });

  it('hashes the extracted text: furniture changes keep the hash, text changes move it', () => {
    const newFooter = readHtmlPage({
      html: PAGE.replace('All rights reserved', 'Made in Berlin'),
      url: 'https://acme.test/pricing',
    });
    const newPrice = readHtmlPage({ html: PAGE.replace('$49', '$59'), url: 'https://acme.test/pricing' });
    expect(newFooter.contentHash).toBe(page.contentHash);
    expect(newPrice.contentHash).not.toBe(page.contentHash);
  });

  it('reads robots meta', () => {
    const page = readHtmlPage({
      html: '<meta name="robots" content="noindex, nofollow"><p>x</p>',
      url: 'https://a.test/',
    });
    expect(page).toMatchObject({ noindex: true, nofollow: true });
  });
});

describe('parseHtml and decodeHtml', () => {
  it('fails a page without text with a readable message', () => {
    expect(() => parseHtml(new TextEncoder().encode('<html><body><script>x()</script></body></html>'))).toThrow(
      /no readable text/,
    );
  });
  it('decodes by the header charset, then the meta charset', () => {
    const latin1 = Uint8Array.from([...Buffer.from('<meta charset="iso-8859-1"><p>caf'), 0xe9, ...Buffer.from('</p>')]);
    expect(decodeHtml(latin1)).toContain('café');
    expect(decodeHtml(Buffer.from('<p>café</p>'), 'text/html; charset=utf-8')).toContain('café');
  });
});

describe('HTML5 containers', () => {
  it('keeps table rows and headings inside main, section and article', () => {
    const page = readHtmlPage({
      html: '<!doctype html><html><head><title>Prices</title></head><body><main><section><h2>Kits</h2><table><tr><th>Kit</th><th>Price</th></tr><tr><td>Large</td><td>1350 EUR</td></tr></table></section></main></body></html>',
      url: 'https://a.test/',
    });
    expect(page.sections).toContainEqual({ heading: 'Kits', text: 'Kit: Large; Price: 1350 EUR' });
  });
});
