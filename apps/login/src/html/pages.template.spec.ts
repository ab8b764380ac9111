import { createHash } from 'node:crypto';
import { consentPage, escapeHtml, loginPage, messagePage, STYLE_SOURCE } from './pages.template';

const HOSTILE = `"'><script>alert(1)</script>&\``;

describe('page templates', () => {
  it('escapes every character that could end a text node or a quoted attribute', () => {
    expect(escapeHtml(HOSTILE)).toBe(
      '&quot;&#39;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;&#96;',
    );
    expect(escapeHtml('plain text')).toBe('plain text');
  });

  it('puts no request value into a page unescaped', () => {
    const pages = [
      loginPage({
        challenge: HOSTILE,
        csrfToken: HOSTILE,
        clientId: HOSTILE,
        username: HOSTILE,
        message: HOSTILE,
      }),
      consentPage({
        challenge: HOSTILE,
        csrfToken: HOSTILE,
        clientId: HOSTILE,
        scopes: [HOSTILE, 'openid'],
        resources: [HOSTILE],
      }),
      messagePage(HOSTILE, HOSTILE),
    ];
    for (const page of pages) {
      expect(page).not.toContain('<script>');
      expect(page).not.toContain(`"'>`);
      expect(page).toContain(escapeHtml(HOSTILE));
    }
  });

  it('keeps the form contract: post, username, password, and the two decisions', () => {
    const login = loginPage({ challenge: 'c', csrfToken: 't', clientId: 'app' });
    expect(login).toContain('<form method="post">');
    expect(login).toMatch(/<input name="username"[^>]*>/);
    expect(login).toMatch(/<input name="password" type="password"[^>]*>/);
    expect(login).toContain('<input type="hidden" name="login_challenge" value="c">');
    expect(login).toContain('<input type="hidden" name="csrf_token" value="t">');
    const consent = consentPage({
      challenge: 'c',
      csrfToken: 't',
      clientId: 'app',
      scopes: ['openid'],
      resources: [],
    });
    expect(consent).toContain('<form method="post">');
    expect(consent).toContain('<button type="submit" name="decision" value="allow">');
    expect(consent).toContain('<button type="submit" name="decision" value="deny">');
    expect(consent).toContain('<input type="hidden" name="consent_challenge" value="c">');
  });

  it('allows exactly its stylesheet by hash (CSP Level 2 §4.2.5: the text between the tags)', () => {
    const style = /<style>([^<]*)<\/style>/.exec(messagePage('t', 'x'))![1]!;
    const hash = createHash('sha256').update(style).digest('base64');
    expect(STYLE_SOURCE).toBe(`'sha256-${hash}'`);
  });
});
