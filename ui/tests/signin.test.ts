import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('../src/lib/ipc', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/lib/ipc')>();
  return { ...real, setServerUrl: vi.fn(), signIn: vi.fn() };
});

const ipc = await import('../src/lib/ipc');
const { auth } = await import('../src/lib/stores/auth.svelte');
const { default: SignIn } = await import('../src/screens/SignIn.svelte');
const f = await import('./fixtures');

beforeEach(() => {
  vi.mocked(ipc.setServerUrl).mockReset().mockResolvedValue(null);
  vi.mocked(ipc.signIn).mockReset();
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
    expect(ipc.setServerUrl).not.toHaveBeenCalled();
    expect(ipc.signIn).not.toHaveBeenCalled();
  });

  it('refuses a server address that is not a URL, and a 300-character username', async () => {
    render(SignIn);
    const user = await fill({ url: 'desk council', user: 'a'.repeat(300), pass: 'secret' });
    await user.click(screen.getByTestId('sign-in-submit'));
    expect(screen.getByTestId('sign-in-server-error')).toHaveTextContent('as a web address');
    expect(screen.getByTestId('sign-in-username-error')).toHaveTextContent('200 characters or fewer');
    expect(screen.getByLabelText('Server address')).toHaveAttribute('aria-invalid', 'true');
    expect(ipc.setServerUrl).not.toHaveBeenCalled();
    expect(ipc.signIn).not.toHaveBeenCalled();
  });

  it('summary links move focus to the field', async () => {
    render(SignIn);
    const user = userEvent.setup();
    await user.click(screen.getByTestId('sign-in-submit'));
    await user.click(screen.getByRole('link', { name: 'Enter your password' }));
    expect(screen.getByLabelText('Password')).toHaveFocus();
  });

  it('signs in with an accented username and remembers the server', async () => {
    vi.mocked(ipc.signIn).mockResolvedValue(f.leisureStaff);
    const onSignedIn = vi.fn();
    render(SignIn, { onSignedIn });
    const user = await fill({ url: 'http://127.0.0.1:8640', user: "mòrag.o'neill", pass: 'pass word' });
    await user.click(screen.getByTestId('sign-in-submit'));
    expect(ipc.setServerUrl).toHaveBeenCalledWith('http://127.0.0.1:8640');
    expect(ipc.signIn).toHaveBeenCalledWith("mòrag.o'neill", 'pass word');
    expect(onSignedIn).toHaveBeenCalled();
    expect(auth.staff).toEqual(f.leisureStaff);
  });

  it.each([
    ['bad_credentials', 'sign-in-password-error', 'username or password is not right'],
    ['account_disabled', 'sign-in-username-error', 'disabled'],
    ['offline', 'sign-in-server-error', 'cannot be reached'],
    ['server_error', 'sign-in-server-error', 'had a problem'],
  ])('shows %s beside the right field', async (code, testid, words) => {
    vi.mocked(ipc.signIn).mockRejectedValue(new ipc.IpcError({ code, message: 'server words' }));
    render(SignIn);
    const user = await fill({ url: 'https://desk.example', user: 'ailsa', pass: 'pw' });
    await user.click(screen.getByTestId('sign-in-submit'));
    expect(await screen.findByTestId(testid)).toHaveTextContent(words);
    expect(screen.getByTestId('error-summary')).toHaveTextContent(words);
    expect(auth.staff).toBeNull();
  });

  it('shows an address the desk refused beside the address', async () => {
    vi.mocked(ipc.setServerUrl).mockRejectedValue(new ipc.IpcError({ code: 'invalid_input', message: 'no' }));
    render(SignIn);
    const user = await fill({ url: 'https://desk.example', user: 'ailsa', pass: 'pw' });
    await user.click(screen.getByTestId('sign-in-submit'));
    expect(await screen.findByTestId('sign-in-server-error')).toHaveTextContent('as a web address');
    expect(ipc.signIn).not.toHaveBeenCalled();
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
