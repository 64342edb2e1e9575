/**
 * Sign-in form and the signed-in bar, shared by the panes that need the server. <SignInGate>
 * shows the form while signed out and its children once signed in.
 */
import { useCallback, useState, type FormEvent, type ReactNode } from 'react';
import { Body1, Button, Caption1, Field, Input, makeStyles, tokens } from '@fluentui/react-components';
import type { SessionUser } from '../../../ledger/api/auth';
import { useLedger, useStrings } from '../../app/HostProvider';
import { ApiError } from '../../api/errors';
import { checkServerUrl } from '../../api/session';
import { SIGNIN_STRINGS } from './strings';
import { withScheme } from './server-address';
import { SessionProvider, useSession } from './session-context';
import type { ApiClient } from '../../api/client';

const useStyles = makeStyles({
  form: { display: 'flex', flexDirection: 'column', gap: '8px' },
  heading: { fontSize: '15px', fontWeight: 600, margin: '4px 0 0' },
  bar: {
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'space-between',
    gap: '8px',
    padding: '4px 0',
    borderBottom: `1px solid ${tokens.colorNeutralStroke2}`,
  },
  who: { overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' },
  muted: { color: tokens.colorNeutralForeground3 },
  /** A message with a line per language keeps its line breaks. */
  lines: { whiteSpace: 'pre-line' },
});

/**
 * A server call under the pane's busy bar, with the signed-in client: a 401 signs the pane out (the
 * form shows again) and every error reaches the error bar. `onError` sees an error first (the sync
 * pane notes a lost answer or a workbook of another village). The one way panes call the server.
 */
export function useServerCall(onError?: (error: unknown) => void) {
  const { run } = useLedger();
  const { session } = useSession();
  return useCallback(
    <T,>(label: string, action: (client: ApiClient) => Promise<T>): Promise<T | undefined> =>
      run(label, async () => {
        if (!session) throw new Error('no session');
        try {
          return await action(session.client);
        } catch (error) {
          if (error instanceof ApiError && error.signedOut) session.expired();
          onError?.(error);
          throw error;
        }
      }),
    [run, session, onError],
  );
}

/**
 * Who signs in on a pane: `village` (线索查询, 同步提交) or `staff` (审核, 汇总: township and above).
 * The form's why-line and demo accounts follow it: a township clerk on 审核 was offered demo-village.
 */
export type SignInAudience = 'village' | 'staff';

export function SignInForm({ audience = 'village' }: { audience?: SignInAudience }) {
  const styles = useStyles();
  const t = useStrings(SIGNIN_STRINGS);
  const { host, locale } = useLedger();
  const { session, setServer } = useSession();
  const [server, setServerText] = useState(session?.current.baseUrl ?? '');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [serverError, setServerError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  if (!session) return null;

  async function submit(event: FormEvent) {
    event.preventDefault();
    const checked = checkServerUrl(withScheme(server));
    if (!checked.ok) {
      setServerError(locale === 'en-US' ? checked.en : checked.zh);
      return;
    }
    // the field shows the address used (with the https:// the form added)
    setServerText(checked.url);
    setServerError(null);
    setError(null);
    setBusy(true);
    try {
      // The address is remembered in the workbook (a different one switches sessions).
      const target = await setServer(checked.url);
      await target.signIn(username, password);
      setPassword('');
    } catch (e) {
      if (e instanceof ApiError && e.kind === 'blocked') {
        // about the address, and for whoever administers the add-in: both languages, zh-CN first
        setServerError(locale === 'en-US' ? e.en : `${e.zh}\n${e.en}`);
      } else {
        setError(e instanceof ApiError ? (locale === 'en-US' ? e.en : e.zh) : e instanceof Error ? e.message : String(e));
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    // noValidate: the form checks the address itself, in the pane's language (the browser's own popup is English)
    <form className={styles.form} onSubmit={(e) => void submit(e)} aria-labelledby="signin-heading" noValidate>
      <h2 id="signin-heading" className={styles.heading}>
        {t('signin.title')}
      </h2>
      <Caption1 className={styles.muted}>{t(audience === 'staff' ? 'signin.why.staff' : 'signin.why')}</Caption1>
      <Field
        label={t('signin.server')}
        hint={t('signin.serverHint')}
        validationMessage={serverError ? { children: serverError, className: styles.lines } : undefined}
      >
        {/* type="text": a bare host is valid here (https:// is added), which type="url" refuses */}
        <Input
          type="text"
          inputMode="url"
          autoCapitalize="off"
          spellCheck={false}
          value={server}
          onChange={(_, d) => {
            setServerText(d.value);
            // both errors are about the previous address: one left beside a new one misleads
            setServerError(null);
            setError(null);
          }}
          autoComplete="url"
          name="server"
        />
      </Field>
      <Field label={t('signin.username')} required>
        <Input value={username} onChange={(_, d) => setUsername(d.value)} autoComplete="username" name="username" />
      </Field>
      <Field label={t('signin.password')} required validationMessage={error ?? undefined}>
        <Input type="password" value={password} onChange={(_, d) => setPassword(d.value)} autoComplete="current-password" name="password" />
      </Field>
      <Button appearance="primary" type="submit" disabled={busy || username.trim() === '' || password === ''}>
        {busy ? t('signin.busy') : t('signin.submit')}
      </Button>
      {host?.kind === 'memory' && <Caption1 className={styles.muted}>{t(audience === 'staff' ? 'signin.demo.staff' : 'signin.demo')}</Caption1>}
      <Caption1 className={styles.muted}>{t('signin.storedHere')}</Caption1>
    </form>
  );
}

export function SessionBar({ user }: { user: SessionUser }) {
  const styles = useStyles();
  const t = useStrings(SIGNIN_STRINGS);
  const { session } = useSession();
  const [busy, setBusy] = useState(false);
  return (
    <div className={styles.bar}>
      <Body1 className={styles.who} title={`${user.username} · ${user.unit.name} (${user.unit.code})`}>
        {t('signin.as', { user: user.username, unit: user.unit.name })}
      </Body1>
      <Button
        size="small"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          void session?.signOut().finally(() => setBusy(false));
        }}
      >
        {busy ? t('signin.signingOut') : t('signin.signOut')}
      </Button>
    </div>
  );
}

/**
 * What a pane that needs the server wraps its content in: the session for this workbook's server,
 * the sign-in form while signed out, the signed-in bar and `children(user)` once signed in.
 */
export function SignedIn({ children, audience }: { children: (user: SessionUser) => ReactNode; audience?: SignInAudience }) {
  return (
    <SessionProvider>
      <SignInGate audience={audience}>{children}</SignInGate>
    </SessionProvider>
  );
}

/** The form while signed out; the bar and `children(user)` once signed in. */
export function SignInGate({ children, audience }: { children: (user: SessionUser) => ReactNode; audience?: SignInAudience }) {
  const { state } = useSession();
  if (!state) return null;
  if (state.status === 'signedOut') return <SignInForm audience={audience} />;
  return (
    <>
      <SessionBar user={state.user} />
      {children(state.user)}
    </>
  );
}
