// samlify as a SAML 2.0 identity provider for the gateway's tests: an independent implementation of the
// Web Browser SSO profile (HTTP-Redirect in, HTTP-POST out), started by fakes/saml_idp/process.py.
//
//   node server.js --port 0 --sp-metadata FILE [--sign assertion|response|both] [--nameid-format URN]
//                  [--want-signed-requests]   (AuthnRequests must carry a valid HTTP-Redirect signature)
//                  [--encrypt]                (assertions encrypted to the SP metadata's encryption certificate)
//
// Environment: SAML_IDP_KEY and SAML_IDP_CERT (PEM, made by the test), SAML_IDP_ACCOUNTS (JSON:
// {"login": {"nameid": "...", "attributes": {"Name URI": ["value", ...]}}}).
// Prints one JSON line when listening: {"base": "http://127.0.0.1:PORT", "port": PORT}.
// Pages: GET /metadata (the IdP's metadata), GET /sso (the AuthnRequest; a login form), POST /login (the
// auto-posting form that carries the signed SAMLResponse to the service provider's ACS URL).
'use strict';

const fs = require('fs');
const http = require('http');
const saml = require('samlify');

// samlify asks for an XSD validator; the gateway is what is under test here, not this IdP's input.
saml.setSchemaValidator({ validate: () => Promise.resolve('skipped') });

function argument(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : fallback;
}

const REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';
const sign = argument('sign', 'assertion');
const nameIdFormat = argument('nameid-format', 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress');
const accounts = JSON.parse(process.env.SAML_IDP_ACCOUNTS || '{}');
const escape = (text) => String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

let idp;
const sp = saml.ServiceProvider({
  metadata: fs.readFileSync(argument('sp-metadata'), 'utf8'),
  wantAssertionsSigned: sign !== 'response',
  wantMessageSigned: sign !== 'assertion',
});

function attributeStatement(attributes) {
  const items = Object.entries(attributes || {}).map(([name, values]) =>
    `<saml:Attribute Name="${escape(name)}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri">` +
    values.map((value) => `<saml:AttributeValue xsi:type="xs:string">${escape(value)}</saml:AttributeValue>`).join('') +
    '</saml:Attribute>');
  return items.length ? `<saml:AttributeStatement>${items.join('')}</saml:AttributeStatement>` : '';
}

// samlify's own template and tag values, with the AuthnStatement Profiles §4.1.4.2 requires and the attributes.
function responseTemplate(account, requestId) {
  return (template) => {
    const now = new Date();
    const later = new Date(now.getTime() + 5 * 60 * 1000).toISOString();
    const id = idp.entitySetting.generateID();
    const authn = `<saml:AuthnStatement AuthnInstant="${now.toISOString()}" SessionIndex="${id}"><saml:AuthnContext>` +
      '<saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef>' +
      '</saml:AuthnContext></saml:AuthnStatement>';
    const acs = sp.entityMeta.getAssertionConsumerService('post');
    const filled = saml.SamlLib.replaceTagsByValue(template, {
      ID: id, AssertionID: idp.entitySetting.generateID(), Destination: acs, Audience: sp.entityMeta.getEntityID(),
      SubjectRecipient: acs, Issuer: idp.entityMeta.getEntityID(), IssueInstant: now.toISOString(),
      StatusCode: 'urn:oasis:names:tc:SAML:2.0:status:Success', ConditionsNotBefore: now.toISOString(),
      ConditionsNotOnOrAfter: later, SubjectConfirmationDataNotOnOrAfter: later, NameIDFormat: nameIdFormat,
      NameID: account.nameid, InResponseTo: requestId, AuthnStatement: '@@AUTHN@@', AttributeStatement: '@@ATTRS@@',
    });
    return { id, context: filled.replace('@@AUTHN@@', authn).replace('@@ATTRS@@', attributeStatement(account.attributes)) };
  };
}

function page(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8' });
  res.end(`<!doctype html><html><head><title>Test SAML IdP</title></head><body>${body}</body></html>`);
}

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString());
}

async function handle(req, res) {
  const url = new URL(req.url, 'http://127.0.0.1');
  if (req.method === 'GET' && url.pathname === '/metadata') {
    res.writeHead(200, { 'Content-Type': 'application/samlmetadata+xml' });
    return res.end(idp.getMetadata());
  }
  if (req.method === 'GET' && url.pathname === '/sso') {
    const query = Object.fromEntries(url.searchParams);
    // The signed octets are the query's parameters as sent, up to (not including) the Signature (Bindings §3.4.4.1).
    const rawQuery = req.url.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : '';
    const octetString = rawQuery.split('&').filter((part) => !part.startsWith('Signature=')).join('&');
    const parsed = await idp.parseLoginRequest(sp, 'redirect', { query, octetString });
    const requestId = parsed.extract.request.id;
    return page(res, 200, `<h1>Sign in</h1><form method="post" action="/login">
      <input type="hidden" name="request_id" value="${escape(requestId)}">
      <input type="hidden" name="RelayState" value="${escape(query.RelayState || '')}">
      <label>Login <input name="login"></label><button type="submit">Sign in</button></form>`);
  }
  if (req.method === 'POST' && url.pathname === '/login') {
    const form = await readForm(req);
    const account = accounts[form.get('login')];
    if (!account) return page(res, 401, '<p>Unknown login.</p>');
    const { context, entityEndpoint } = await idp.createLoginResponse(sp, { extract: { request: { id: form.get('request_id') } } },
      'post', { email: account.nameid }, responseTemplate(account, form.get('request_id')));
    return page(res, 200, `<form method="post" action="${escape(entityEndpoint)}">
      <input type="hidden" name="SAMLResponse" value="${escape(context)}">
      <input type="hidden" name="RelayState" value="${escape(form.get('RelayState') || '')}">
      <button type="submit">Continue</button></form><script>document.forms[0].submit()</script>`);
  }
  page(res, 404, '<p>Not found.</p>');
}

const server = http.createServer((req, res) => {
  handle(req, res).catch((error) => {
    process.stderr.write(`error: ${error && error.stack ? error.stack : error}\n`);
    page(res, 400, `<p>${escape(error && error.message ? error.message : error)}</p>`);
  });
});

server.listen(Number(argument('port', '0')), '127.0.0.1', () => {
  const { port } = server.address();
  const base = `http://127.0.0.1:${port}`;
  idp = saml.IdentityProvider({
    entityID: `${base}/metadata`,
    privateKey: process.env.SAML_IDP_KEY,
    signingCert: process.env.SAML_IDP_CERT,
    nameIDFormat: [nameIdFormat],
    singleSignOnService: [{ Binding: REDIRECT, Location: `${base}/sso` }],
    requestSignatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    wantAuthnRequestsSigned: process.argv.includes('--want-signed-requests'),
    isAssertionEncrypted: process.argv.includes('--encrypt'),
  });
  process.stdout.write(JSON.stringify({ base, port }) + '\n');
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
