// panva's certified oidc-provider, configured for the gateway's end-to-end tests.
//
//   PANVA_CLIENT_SECRET=... node server.js --port 0 --client-id gateway \
//       --redirect-uri http://127.0.0.1:8000/acme/oidc/panva/callback/ [--redirect-uri ...] \
//       [--post-logout-redirect-uri http://127.0.0.1:8000/acme/]
//
// Every option can also come from the environment (PANVA_PORT, PANVA_CLIENT_ID, PANVA_REDIRECT_URIS
// space-separated, PANVA_POST_LOGOUT_REDIRECT_URIS, PANVA_ACCOUNTS as JSON {login: {claims}}). The secret
// is read from PANVA_CLIENT_SECRET only, so it never shows in a process list. Binds 127.0.0.1; with
// port 0 the OS picks a free port. When it listens it prints one JSON line: {"issuer": ..., "port": ...}.
//
// Sign-in uses the library's devInteractions: a login form where any login and any password work,
// then a consent form. The account of login `ada.lovelace` is ada.lovelace@example.com, Ada Lovelace;
// a login with an @ is the email itself. PANVA_ACCOUNTS overrides claims per login.

import { createServer } from 'node:http';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';

import Provider from 'oidc-provider';

const { values: args } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.PANVA_PORT || '0' },
    'client-id': { type: 'string', default: process.env.PANVA_CLIENT_ID || 'gateway' },
    'redirect-uri': { type: 'string', multiple: true, default: (process.env.PANVA_REDIRECT_URIS || '').split(/\s+/).filter(Boolean) },
    'post-logout-redirect-uri': { type: 'string', multiple: true, default: (process.env.PANVA_POST_LOGOUT_REDIRECT_URIS || '').split(/\s+/).filter(Boolean) },
  },
});

const clientSecret = process.env.PANVA_CLIENT_SECRET;
if (!clientSecret || args['redirect-uri'].length === 0) {
  console.error('server.js needs PANVA_CLIENT_SECRET in the environment and at least one --redirect-uri');
  process.exit(2);
}
const extraAccounts = JSON.parse(process.env.PANVA_ACCOUNTS || '{}');

function capitalize(word) {
  return word ? word[0].toUpperCase() + word.slice(1) : word;
}

// The claims of whoever typed `login` at the dev login form (OIDC Core 5.1 standard claims).
function accountClaims(login) {
  const email = login.includes('@') ? login : `${login}@example.com`;
  const words = email.split('@')[0].split(/[._-]+/).filter(Boolean).map(capitalize);
  const givenName = words[0] || 'Customer';
  const familyName = words.slice(1).join(' ') || 'Tester';
  return {
    sub: login,
    email,
    email_verified: true,
    given_name: givenName,
    family_name: familyName,
    name: `${givenName} ${familyName}`,
    ...(extraAccounts[login] || {}),
  };
}

function signingKeys() {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
  return [
    { ...rsa, kid: `rsa-${randomBytes(4).toString('hex')}`, alg: 'RS256', use: 'sig' },
    { ...ec, kid: `ec-${randomBytes(4).toString('hex')}`, alg: 'ES256', use: 'sig' },
  ];
}

const server = createServer();
server.listen(Number(args.port), '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [{
      client_id: args['client-id'],
      client_secret: clientSecret,
      redirect_uris: args['redirect-uri'],
      post_logout_redirect_uris: args['post-logout-redirect-uri'],
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['authorization_code'],
      response_types: ['code'],
    }],
    pkce: { required: () => true },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name'],
    },
    findAccount: (ctx, id) => ({ accountId: id, claims: async () => accountClaims(id) }),
    features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    jwks: { keys: signingKeys() },
  });
  provider.on('server_error', (ctx, error) => console.error('server_error', error));
  server.on('request', provider.callback());
  console.log(JSON.stringify({ issuer, port }));
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
