import { parseLoginSecret } from '../../../src/guest/serialConsole/loginSecret';

describe('the login secret format', () => {
  it('reads user name, password and an optional domain', () => {
    expect(parseLoginSecret('{"username":"rdpadmin","password":"p@ss"}')).toEqual({
      ok: true,
      credentials: { username: 'rdpadmin', password: 'p@ss', domain: '.' },
    });
    expect(parseLoginSecret('{"username":"ops","password":"x","domain":"CONTOSO"}')).toMatchObject({ credentials: { domain: 'CONTOSO' } });
  });

  it.each([
    [undefined],
    [''],
    ['rdpadmin:hunter2-value'],
    ['["hunter2-value"]'],
    ['{"username":"rdpadmin"}'],
    ['{"username":"rdp\\r\\nadmin","password":"hunter2-value"}'],
    ['{"username":"rdpadmin","password":"hunter2-value\\rdir"}'],
    ['{"username":"rdpadmin","password":"hunter2-value","domain":5}'],
  ])('refuses %j without quoting it', (value) => {
    const parsed = parseLoginSecret(value);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problem).not.toContain('hunter2');
  });
});
