import { formSubmission, parseForms } from './html-form';

describe('parseForms and formSubmission', () => {
  const page = new URL('http://127.0.0.1:4000/login?login_challenge=abc');

  it('reads the login form of the contract: hidden inputs, the checkbox, the buttons', () => {
    const html = `<form method="POST">
      <input type="hidden" name="login_challenge" value="abc">
      <input type="hidden" name="csrf_token" value="t&amp;k">
      <input name="username" autocomplete="username">
      <input name="password" type="password">
      <input type="checkbox" name="remember" value="yes">
      <button name="action" value="login">Log in</button>
      <button name="action" value="cancel" type="submit">Cancel</button>
    </form>`;
    const [sut] = parseForms(html, page);
    expect(sut!.method).toBe('post');
    expect(sut!.action.href).toBe(page.href);
    expect(sut!.buttons).toEqual([
      { name: 'action', value: 'login' },
      { name: 'action', value: 'cancel' },
    ]);
    const sent = formSubmission(sut!, { username: 'alice', password: 'pw' });
    expect([...sent]).toEqual([
      ['login_challenge', 'abc'],
      ['csrf_token', 't&k'],
      ['username', 'alice'],
      ['password', 'pw'],
    ]);
    expect(formSubmission(sut!, { remember: 'yes' }).get('remember')).toBe('yes');
  });

  it("reads a form_post answer's action and fields, with entities decoded", () => {
    const html = `<form method="post" action="https://rp.example/cb?x=1&amp;y=2">
      <input type="hidden" name="code" value="c&#x2D;1"><input type="hidden" name='state' value='s&#39;'>
    </form>`;
    const [sut] = parseForms(html, page);
    expect(sut!.action.href).toBe('https://rp.example/cb?x=1&y=2');
    expect(Object.fromEntries(formSubmission(sut!))).toEqual({ code: 'c-1', state: "s'" });
  });

  it('sends the pressed button only, and a checked box without a value as "on"', () => {
    const html = `<form method="post"><input type="checkbox" name="c" checked>
      <button name="decision" value="allow">Allow</button><button name="decision" value="deny">Deny</button></form>`;
    const [sut] = parseForms(html, page);
    const sent = formSubmission(sut!, {}, { name: 'decision', value: 'deny' });
    expect([...sent]).toEqual([
      ['c', 'on'],
      ['decision', 'deny'],
    ]);
  });
});
