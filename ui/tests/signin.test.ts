import { cleanup, render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';

import { desk, resetDesk } from './desk';

vi.mock('../src/lib/ipc', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/lib/ipc')>();
  return { ...(await import('./desk')).withDesk(real) };
});

const ipc = await import('../src/lib/ipc');
const { auth } = await import('../src/lib/stores/auth.svelte');
const { default: SignIn } = await import('../src/services/core/screens/SignIn.svelte');
const f = await import('./fixtures');

beforeEach(() => {
  desk.set_server_url.mockReset().mockResolvedValue(null);
  desk.sign_in.mockReset();
  auth.staff = null;
  auth.info = f.appInfo({ demo: false, server_url: null, default_username: null, signed_in: false });
});

async function fill(values: { url?: string; user?: string; pass?: string }): Promise<ReturnType<typeof userEvent.setup>> {
  const user = userEvent.setup();
  if (values.url !== undefined) await user.type(screen.getByLabelText('Server address'), values.url);
  if (values.user !== undefined) await user.type(screen.getByLabelText('Username'), values.user);
  if (values.pass !== undefined) await user.type(screen.getByLabelText('Password'), values.pass);
  return user;
}

describe('sign-in form', () => {
  it('shows each missing field beside it and in the summary, and sends nothing', async () => {
    render(SignIn);
    const user = userEvent.setup();
    await user.click(screen.getByTestId('sign-in-submit'));
    expect(screen.getByTestId('sign-in-server-error')).toHaveTextContent('Enter the server address');
    expect(screen.getByTestId('sign-in-username-error')).toHaveTextContent('Enter your username');
    expect(screen.getByTestId('sign-in-password-error')).toHaveTextContent('Enter your password');
    const summary = screen.getByTestId('error-summary');
    expect(summary).toHaveTextContent('There is a problem');
    expect(summary.querySelectorAll('a')).toHaveLength(3);
    expect(summary).toHaveFocus();
    expect(desk.set_server_url).not.toHaveBeenCalled();
    expect(desk.sign_in).not.toHaveBeenCalled();
  });

  it('refuses a server address that is not a URL, and a 300-character username', async () => {
    render(SignIn);
    const user = await fill({ url: 'desk council', user: 'a'.repeat(300), pass: 'secret' });
    await user.click(screen.getByTestId('sign-in-submit'));
    expect(screen.getByTestId('sign-in-server-error')).toHaveTextContent('as a web address');
    expect(screen.getByTestId('sign-in-username-error')).toHaveTextContent('200 characters or fewer');
    expect(screen.getByLabelText('Server address')).toHaveAttribute('aria-invalid', 'true');
    expect(desk.set_server_url).not.toHaveBeenCalled();
    expect(desk.sign_in).not.toHaveBeenCalled();
  });

  it('summary links move focus to the field', async () => {
    render(SignIn);
    const user = userEvent.setup();
    await user.click(screen.getByTestId('sign-in-submit'));
    await user.click(screen.getByRole('link', { name: 'Enter your password' }));
    expect(screen.getByLabelText('Password')).toHaveFocus();
  });

  it('signs in with an accented username and remembers the server', async () => {
    desk.sign_in.mockResolvedValue(f.leisureStaff);
    const onSignedIn = vi.fn();
    render(SignIn, { onSignedIn });
    const user = await fill({ url: 'http://127.0.0.1:8640', user: "mòrag.o'neill", pass: 'pass word' });
    await user.click(screen.getByTestId('sign-in-submit'));
    expect(desk.set_server_url).toHaveBeenCalledWith({ url: 'http://127.0.0.1:8640' });
    expect(desk.sign_in).toHaveBeenCalledWith({ username: "mòrag.o'neill", password: 'pass word' });
    expect(onSignedIn).toHaveBeenCalled();
    expect(auth.staff).toEqual(f.leisureStaff);
  });

  it.each([
    ['bad_credentials', 'sign-in-password-error', 'username or password is not right'],
    ['account_disabled', 'sign-in-username-error', 'disabled'],
    ['offline', 'sign-in-server-error', 'cannot be reached'],
    ['server_error', 'sign-in-server-error', 'had a problem'],
  ])('shows %s beside the right field', async (code, testid, words) => {
    desk.sign_in.mockRejectedValue(new ipc.IpcError({ code, message: 'server words' }));
    render(SignIn);
    const user = await fill({ url: 'https://desk.example', user: 'ailsa', pass: 'pw' });
    await user.click(screen.getByTestId('sign-in-submit'));
    expect(await screen.findByTestId(testid)).toHaveTextContent(words);
    expect(screen.getByTestId('error-summary')).toHaveTextContent(words);
    expect(auth.staff).toBeNull();
  });

  it('shows an address the desk refused beside the address', async () => {
    desk.set_server_url.mockRejectedValue(new ipc.IpcError({ code: 'invalid_input', message: 'no' }));
    render(SignIn);
    const user = await fill({ url: 'https://desk.example', user: 'ailsa', pass: 'pw' });
    await user.click(screen.getByTestId('sign-in-submit'));
    expect(await screen.findByTestId('sign-in-server-error')).toHaveTextContent('as a web address');
    expect(desk.sign_in).not.toHaveBeenCalled();
  });

  it('refuses plain http to another computer, and says why when the desk refuses it', async () => {
    render(SignIn);
    const user = await fill({ url: 'http://desk.example', user: 'ailsa', pass: 'pw' });
    await user.click(screen.getByTestId('sign-in-submit'));
    expect(await screen.findByTestId('sign-in-server-error')).toHaveTextContent('must start with https://');
    expect(desk.set_server_url).not.toHaveBeenCalled();
    expect(screen.queryByTestId('sign-in-plain-http-warning')).toBeNull();

    // Allowed by the interface's copy of the setting, refused by the desk's own check.
    cleanup();
    auth.info = f.appInfo({ demo: false, server_url: null, default_username: null, plain_http_allowed: true });
    desk.set_server_url.mockRejectedValue(new ipc.IpcError({ code: 'plain_http_refused', message: 'desk words' }));
    render(SignIn);
    const again = await fill({ url: 'http://desk.example', user: 'ailsa', pass: 'pw' });
    expect(screen.getByTestId('sign-in-plain-http-warning')).toHaveTextContent('not encrypted');
    await again.click(screen.getByTestId('sign-in-submit'));
    expect(await screen.findByTestId('sign-in-server-error')).toHaveTextContent('must start with https://');
    expect(desk.sign_in).not.toHaveBeenCalled();
  });

  it('says after how long the desk locks itself', () => {
    auth.info = f.appInfo({ idle_lock_secs: 600 });
    render(SignIn);
    expect(screen.getByTestId('sign-in-idle-policy')).toHaveTextContent('Council Desk locks after 10 minutes without use.');
  });

  it('starts with the remembered address and username', () => {
    auth.info = f.appInfo({ demo: false, server_url: 'https://desk.example', default_username: 'ailsa' });
    render(SignIn);
    expect(screen.getByLabelText('Server address')).toHaveValue('https://desk.example');
    expect(screen.getByLabelText('Username')).toHaveValue('ailsa');
  });
});
