/**
 * `npm run dev`: the server over HTTPS on https://localhost:3000 (the manifest's default base URL),
 * so Excel (desktop, Mac, on the web) can load the panes while you develop. The certificate comes
 * from office-addin-dev-certs: on first run it creates a local CA in ~/.office-addin-dev-certs and
 * asks the system to trust it (Windows: a confirmation dialog; macOS: your password; Linux: sudo).
 * README.md, "Trying it in Excel", says how to trust or remove that CA by hand on each system.
 *
 * DEV_CERTS_NO_INSTALL=1 only creates the certificate files and skips the trust step (CI, or when
 * you install the CA yourself).
 */
// First: sizes libuv's threadpool before anything queues work on it (see threadpool.ts).
import './threadpool';
import { readFileSync } from 'fs';
import { caCertificatePath, localhostCertificatePath, localhostKeyPath } from 'office-addin-dev-certs/lib/defaults';
import { generateCertificates, getHttpsServerOptions, verifyCertificates } from 'office-addin-dev-certs';
import { main } from './main';

async function devTls(): Promise<{ key: Buffer; cert: Buffer }> {
  if (process.env.DEV_CERTS_NO_INSTALL === '1') {
    if (!verifyCertificates()) await generateCertificates();
    process.stdout.write(`开发证书 / Dev certificate: ${localhostCertificatePath}（CA: ${caCertificatePath}，未安装为受信任 / not installed as trusted)\n`);
    return { key: readFileSync(localhostKeyPath), cert: readFileSync(localhostCertificatePath) };
  }
  const options = await getHttpsServerOptions();
  return { key: options.key, cert: options.cert };
}

if (require.main === module) {
  devTls()
    .then((tls) => main({ tls }))
    .catch((error: unknown) => {
      process.stderr.write(`启动失败 / Failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    });
}
