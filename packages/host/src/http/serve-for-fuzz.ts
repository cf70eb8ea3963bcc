// A throwaway server for the fuzzer (scripts/fuzz/schemathesis.sh): the in-memory host running
// by itself, a bootstrap admin, a small shop, generous rate limits. Prints `ready <url> <admin
// token> <customer token>` on one line once it listens; stops on SIGTERM / SIGINT.
import { createInMemoryHost } from '../composition/in-memory-host';
import { createScryptPasswordHasher } from '../identity/scrypt-password-hasher';
import { createHttpServer } from './create-http-server';

const port = Number(process.env.PORT ?? 0);
const admin = { email: 'admin@fuzz.test', password: 'fuzz-admin-password' };
const host = await createInMemoryHost({ run: 'auto', passwordHasher: createScryptPasswordHasher({ N: 1024 }) });
const server = await createHttpServer(host, {
  port,
  auth: { jwtSecret: 'fuzzing-only-secret-0123456789abcdef', bootstrapAdmin: admin },
  rateLimit: { max: 1_000_000, authMax: 1_000_000, timeWindowMs: 60_000 },
});
const url = await server.listen();
const call = async (method: string, path: string, body: unknown, token?: string) => {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify(body),
  });
  return (await response.json()) as Record<string, unknown>;
};
const adminToken = String((await call('POST', '/auth/token', admin)).access_token);
for (const sku of ['mug', 'tea']) {
  await call('POST', '/catalog/products', { sku, name: sku, price: 500, currency: 'EUR' }, adminToken);
  await call('POST', `/inventory/${sku}/receipts`, { quantity: 1_000_000 }, adminToken);
}
await call('POST', '/customers', { email: 'ann@fuzz.test', password: 'fuzz-customer-password', customerId: 'ann' });
const customerToken = String(
  (await call('POST', '/auth/token', { email: 'ann@fuzz.test', password: 'fuzz-customer-password' })).access_token,
);
process.stdout.write(`ready ${url} ${adminToken} ${customerToken}\n`);

const stop = async () => {
  await server.close();
  await host.stop({ deadlineMs: 2000 });
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
