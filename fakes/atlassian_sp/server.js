// A SAML service provider configured the way Atlassian's customer SSO is, for the gateway's end-to-end tests.
//
//   ATLASSIAN_SP_IDP_CERTS='["-----BEGIN CERTIFICATE-----..."]' node server.js --port 0 \
//       --connection 7d3c... --idp-sso-url http://testserver/acme/idp/saml/sso/ --idp-entity-id http://...
//
// Its entity id has Atlassian's shape, https://auth.atlassian.com/saml/<connection>; its ACS is
// http://127.0.0.1:<port>/login/callback?connection=saml-<connection> (Atlassian's path and query, on a
// local port). Binds 127.0.0.1; with port 0 the OS picks a free port. When it listens it prints one JSON
// line: {"entity_id": ..., "acs_url": ..., "port": ...}.
//
// Validation is @node-saml/node-saml's, strict: the Response and the Assertion each signed with one of the
// published certificates (ATLASSIAN_SP_IDP_CERTS), Audience = the entity id, InResponseTo = a request this
// SP sent (always, and only once), NotBefore/NotOnOrAfter with no skew allowed beyond 1 s. node-saml leaves
// Destination, Recipient and the Issuer to the caller; they are checked here, with the NameID being an
// emailAddress-format email, as Atlassian needs.
//
//   GET  /login[?relay=...&force=1&passive=1&binding=post]  starts a sign-in: redirect (or a POST form) to the IdP
//   POST /login/callback?connection=saml-<id>               the ACS: 200 {"ok": true, "profile": ...} or 403 {"ok": false, "error": ...}

'use strict';

const { createServer } = require('node:http');
const { parseArgs } = require('node:util');
const { SAML } = require('@node-saml/node-saml');
const { InMemoryCacheProvider } = require('@node-saml/node-saml/lib/in-memory-cache-provider');
const { DOMParser } = require('@xmldom/xmldom');

const { values: args } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    connection: { type: 'string', default: '00000000-0000-4000-8000-000000000000' },
    'idp-sso-url': { type: 'string' },
    'idp-entity-id': { type: 'string' },
  },
});
const idpCerts = JSON.parse(process.env.ATLASSIAN_SP_IDP_CERTS || '[]');
if (!args['idp-sso-url'] || !args['idp-entity-id'] || idpCerts.length === 0) {
  console.error('server.js needs --idp-sso-url, --idp-entity-id and ATLASSIAN_SP_IDP_CERTS');
  process.exit(2);
}

const SAMLP = 'urn:oasis:names:tc:SAML:2.0:protocol';
const SAML_NS = 'urn:oasis:names:tc:SAML:2.0:assertion';
const EMAIL_FORMAT = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';
const cacheProvider = new InMemoryCacheProvider({ keyExpirationPeriodMs: 10 * 60 * 1000 });
const entityId = `https://auth.atlassian.com/saml/${args.connection}`;
let acsUrl = '';

function saml(options = {}) {
  return new SAML({
    entryPoint: args['idp-sso-url'],
    issuer: entityId,
    audience: entityId,
    callbackUrl: acsUrl,
    idpCert: idpCerts,
    identifierFormat: EMAIL_FORMAT,
    wantAuthnResponseSigned: true,
    wantAssertionsSigned: true,
    validateInResponseTo: 'always',
    requestIdExpirationPeriodMs: 10 * 60 * 1000,
    acceptedClockSkewMs: 1000,
    signatureAlgorithm: 'sha256',
    disableRequestedAuthnContext: true,
    cacheProvider,
    ...options,
  });
}

// What node-saml does not check: the Response's Destination, the Recipient, both Issuers, the NameID format.
function checkAddressing(xml) {
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  const response = doc.documentElement;
  if (response.namespaceURI !== SAMLP || response.localName !== 'Response') throw new Error('not a Response');
  if (response.getAttribute('Destination') !== acsUrl) throw new Error('Destination is not the ACS URL');
  const assertions = response.getElementsByTagNameNS(SAML_NS, 'Assertion');
  if (assertions.length !== 1) throw new Error(`expected one assertion, got ${assertions.length}`);
  const issuers = response.getElementsByTagNameNS(SAML_NS, 'Issuer');
  for (let i = 0; i < issuers.length; i += 1) {
    if (issuers[i].textContent.trim() !== args['idp-entity-id']) throw new Error('Issuer is not the IdP entity id');
  }
  const data = assertions[0].getElementsByTagNameNS(SAML_NS, 'SubjectConfirmationData');
  if (data.length !== 1 || data[0].getAttribute('Recipient') !== acsUrl) throw new Error('Recipient is not the ACS URL');
  const nameId = assertions[0].getElementsByTagNameNS(SAML_NS, 'NameID')[0];
  if (!nameId || nameId.getAttribute('Format') !== EMAIL_FORMAT) throw new Error('NameID is not in emailAddress format');
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(nameId.textContent.trim())) throw new Error('NameID is not an email');
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => {
      body += chunk;
      if (body.length > 2 * 1024 * 1024) reject(new Error('body too large'));
    });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

function send(res, status, body, type = 'application/json') {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
  res.end(type === 'application/json' ? JSON.stringify(body) : body);
}

async function login(res, url) {
  const options = {
    forceAuthn: url.searchParams.get('force') === '1',
    passive: url.searchParams.get('passive') === '1',
  };
  const relay = url.searchParams.get('relay') ?? '';
  if (url.searchParams.get('binding') === 'post') {
    // The HTTP-POST binding is base64 of the XML itself (Bindings §3.5.4): node-saml deflates unless told not to.
    const post = { ...options, authnRequestBinding: 'HTTP-POST', skipRequestCompression: true };
    send(res, 200, await saml(post).getAuthorizeFormAsync(relay, undefined, {}), 'text/html');
  } else {
    res.writeHead(302, { Location: await saml(options).getAuthorizeUrlAsync(relay, undefined, {}) });
    res.end();
  }
}

async function callback(req, res) {
  const form = new URLSearchParams(await readBody(req));
  const encoded = form.get('SAMLResponse') || '';
  try {
    const xml = Buffer.from(encoded, 'base64').toString('utf8');
    const status = /StatusCode[^>]*Value="([^"]+)"/.exec(xml);
    const { profile } = await saml().validatePostResponseAsync({ SAMLResponse: encoded });
    checkAddressing(xml);
    send(res, 200, { ok: true, profile, relayState: form.get('RelayState'), status: status && status[1] });
  } catch (error) {
    send(res, 403, { ok: false, error: String(error && error.message || error), relayState: form.get('RelayState') });
  }
}

const server = createServer(async (req, res) => {
  const url = new URL(req.url, `http://${req.headers.host}`);
  try {
    if (req.method === 'GET' && url.pathname === '/login') return await login(res, url);
    if (req.method === 'POST' && url.pathname === '/login/callback'
        && url.searchParams.get('connection') === `saml-${args.connection}`) return await callback(req, res);
    return send(res, 404, { ok: false, error: 'not found' });
  } catch (error) {
    console.error(error);
    return send(res, 500, { ok: false, error: String(error) });
  }
});

server.listen(Number(args.port), '127.0.0.1', () => {
  const { port } = server.address();
  acsUrl = `http://127.0.0.1:${port}/login/callback?connection=saml-${args.connection}`;
  process.stdout.write(`${JSON.stringify({ entity_id: entityId, acs_url: acsUrl, port })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
