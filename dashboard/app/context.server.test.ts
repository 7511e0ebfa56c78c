import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError } from '../../core/errors';
import { requireCsrf, requireUser, safeRedirectPath, type DashboardContext } from './context.server';
import { fieldErrorsFromZod, formFailure, linesField } from './forms.server';

const context = (session: DashboardContext['session']) => ({ container: {} as DashboardContext['container'], session });
const signedIn = context({ user: { id: 'u1', email: 'a@example.com', name: 'A' }, csrfToken: 'token-123' });

async function thrown(run: () => unknown): Promise<Response> {
  try {
    await run();
  } catch (error) {
    if (error instanceof Response) return error;
    throw error;
  }
  throw new Error('expected a thrown Response');
}

describe('requireUser', () => {
  it('sends a visitor without a session to /login and back afterwards', async () => {
    const response = await thrown(() =>
      requireUser(context(null), new Request('http://x/sites/abc/documents?status=ready')),
    );
    expect(response.status).toBe(302);
    expect(response.headers.get('Location')).toBe('/login?redirectTo=%2Fsites%2Fabc%2Fdocuments%3Fstatus%3Dready');
  });

  it('returns the session when there is one', () => {
    expect(requireUser(signedIn).user.id).toBe('u1');
  });
});

describe('requireCsrf', () => {
  it('accepts the session token and refuses a missing or different one', async () => {
    const good = new FormData();
    good.set('csrf', 'token-123');
    expect(() => requireCsrf(good, signedIn)).not.toThrow();
    const bad = new FormData();
    bad.set('csrf', 'token-124');
    expect((await thrown(() => requireCsrf(bad, signedIn))).status).toBe(403);
    expect((await thrown(() => requireCsrf(new FormData(), signedIn))).status).toBe(403);
  });
});

describe('safeRedirectPath', () => {
  it('allows only paths on this site', () => {
    expect(safeRedirectPath('/sites/abc')).toBe('/sites/abc');
    expect(safeRedirectPath('//evil.example')).toBe('/sites');
    expect(safeRedirectPath('/\\evil.example')).toBe('/sites');
    expect(safeRedirectPath('https://evil.example')).toBe('/sites');
    expect(safeRedirectPath(null, '/sites/new')).toBe('/sites/new');
  });
});

describe('form helpers', () => {
  it('maps schema issues to their fields, joining several on one field', () => {
    const schema = z.object({
      name: z.string().min(1, 'Give the site a name.'),
      tags: z.array(z.string()).superRefine((_v, ctx) => {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: '"a" is bad.' });
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: '"b" is bad.' });
      }),
    });
    const result = schema.safeParse({ name: '', tags: [] });
    expect(result.success).toBe(false);
    expect(fieldErrorsFromZod(result.error!)).toEqual({
      name: 'Give the site a name.',
      tags: '"a" is bad. "b" is bad.',
    });
  });

  it('turns expected failures into form data and rethrows the rest', () => {
    expect(formFailure(new AppError({ code: 'email_taken', status: 409, message: 'Taken.' }), { email: 'a' })).toEqual({
      ok: false,
      fieldErrors: {},
      formError: 'Taken.',
      email: 'a',
    });
    expect(() => formFailure(new Error('boom'))).toThrow('boom');
  });

  it('reads one entry per non-empty line', () => {
    const formData = new FormData();
    formData.set('domains', ' a.example \r\n\r\n*.b.example\n');
    expect(linesField(formData, 'domains')).toEqual(['a.example', '*.b.example']);
  });
});
