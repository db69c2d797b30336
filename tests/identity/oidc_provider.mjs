// A loopback OpenID Connect provider that behaves like FranceConnect v2 and ProConnect, for the
// test suite (and like any OpenID Connect provider for allauth's generic one).
//
// oidc-provider (frontend/package.json) serves /authorize, /token, /userinfo, /jwks and
// /session/end under /api/v2, signs ID tokens and the userinfo (a JWT) with ES256 or RS256 as
// each client registered, requires a nonce, and answers acr_values=eidas1. Clients register
// themselves (dynamic registration), so each test names its own redirect URIs.
//
// The person logging in types a login on the provider's page; some logins make the provider
// misbehave the way an attacker or a broken provider would, still over real HTTP with real JOSE:
//   other-key       the ID token is signed by a key the JWKS does not hold (same kid)
//   userinfo-other-key  the same for the signed userinfo
//   expired         the ID token expired an hour ago
//   wrong-aud       the ID token is meant for another client
//   wrong-iss       the ID token names another issuer (signed with the right key)
//   unsigned        the ID token is unsigned (alg "none", same kid)
//   wrong-nonce     the ID token carries a nonce the client never sent
//   replay…         the ID token of this login's previous authentication is sent again (each
//                   login starting with replay remembers its own)
//   low-acr         the authentication is at a level below eidas1
// Any other login is a well-behaved authentication of a person of that name, whose e-mail
// address <login>@fc.example the provider says it verified, unless the login starts with
// "unverified".
//
// Prints one JSON line {"issuer": …} once listening on a free loopback port.

import http from 'node:http';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const frontend = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../frontend/package.json');
const resolve = createRequire(frontend).resolve;
const load = async (name) => import(pathToFileURL(resolve(name)).href);
const { default: Provider } = await load('oidc-provider');
const jose = await load('jose');

const PREFIX = '/api/v2';
const CLAIMS = ['given_name', 'family_name', 'birthdate', 'gender', 'birthplace', 'birthcountry', 'email'];
const PROCONNECT_CLAIMS = ['usual_name', 'uid', 'siret', 'idp_id'];

async function signingKey(alg, kid) {
  const { privateKey } = await jose.generateKeyPair(alg, { extractable: true });
  return { ...(await jose.exportJWK(privateKey)), alg, use: 'sig', kid };
}

const keys = [await signingKey('ES256', 'es256-key'), await signingKey('RS256', 'rs256-key')];
const impostors = Object.fromEntries(
  await Promise.all(keys.map(async (key) => [key.kid, await signingKey(key.alg, key.kid)])),
);
const lastIdTokens = new Map(); // login -> the ID token issued at its previous authentication

function person(login) {
  return {
    given_name: 'Angela Claire Louise',
    family_name: 'DUBOIS',
    birthdate: '1962-08-24',
    gender: 'female',
    birthplace: '75107',
    birthcountry: '99100',
    email: `${login}@fc.example`,
    email_verified: !login.startsWith('unverified'),
    usual_name: 'DUBOIS',
    uid: `agent-${login}`,
    siret: '21750001600019',
    idp_id: 'fia1v2',
    phone_number: '+33 1 23 45 67 89',
  };
}

async function resign(jwt, kid, change, { impostor = false } = {}) {
  const payload = { ...jose.decodeJwt(jwt), ...change };
  const jwk = impostor ? impostors[kid] : keys.find((key) => key.kid === kid);
  const key = await jose.importJWK(jwk, jwk.alg);
  return new jose.SignJWT(payload).setProtectedHeader({ alg: jwk.alg, kid, typ: 'JWT' }).sign(key);
}

async function misbehave(route, body) {
  const jwt = route === 'token' ? body.id_token : body;
  if (!jwt || typeof jwt !== 'string') return body;
  const { kid } = jose.decodeProtectedHeader(jwt);
  const login = jose.decodeJwt(jwt).sub;
  let changed = jwt;
  if (route === 'userinfo') {
    if (login === 'userinfo-other-key') changed = await resign(jwt, kid, {}, { impostor: true });
    return changed;
  }
  const now = Math.floor(Date.now() / 1000);
  if (login === 'other-key') changed = await resign(jwt, kid, {}, { impostor: true });
  if (login === 'expired') changed = await resign(jwt, kid, { iat: now - 7200, exp: now - 3600 });
  if (login === 'wrong-aud') changed = await resign(jwt, kid, { aud: 'another-service' });
  if (login === 'wrong-iss') changed = await resign(jwt, kid, { iss: 'https://another-issuer.example/api/v2' });
  if (login === 'unsigned') changed = `${jose.base64url.encode(JSON.stringify({ alg: 'none', kid }))}.${jwt.split('.')[1]}.`;
  if (login === 'wrong-nonce') changed = await resign(jwt, kid, { nonce: 'a-nonce-never-sent' });
  if (login.startsWith('replay') && lastIdTokens.has(login)) changed = lastIdTokens.get(login);
  lastIdTokens.set(login, jwt);
  return { ...body, id_token: changed };
}

const configuration = {
  jwks: { keys },
  acrValues: ['eidas0', 'eidas1', 'eidas2', 'eidas3'],
  scopes: ['openid', 'profile', 'phone', ...CLAIMS, ...PROCONNECT_CLAIMS],
  claims: Object.fromEntries([
    ['openid', ['sub']],
    ['profile', ['given_name', 'family_name']],
    ...[...CLAIMS, ...PROCONNECT_CLAIMS].map((claim) => [claim, [claim]]),
    ['email', ['email', 'email_verified']],
    ['phone', ['phone_number']], // ProConnect's phone scope gives phone_number
  ]),
  conformIdTokenClaims: false, // claims in the ID token too, as FranceConnect sends them
  features: {
    devInteractions: { enabled: false },
    registration: { enabled: true },
    jwtUserinfo: { enabled: true },
    rpInitiatedLogout: {
      enabled: true,
      // FranceConnect signs out at once; the confirmation form submits itself.
      async logoutSource(ctx, form) {
        ctx.body = `<!DOCTYPE html><html lang="fr"><head><title>Déconnexion</title></head><body>
          ${form}<button type="submit" form="op.logoutForm" name="logout" value="yes">Me déconnecter</button>
          <script>document.forms['op.logoutForm'].requestSubmit(document.querySelector('button'));</script>
          </body></html>`;
      },
    },
  },
  pkce: { required: () => false },
  routes: { authorization: '/authorize', userinfo: '/userinfo', end_session: '/session/end' },
  clientDefaults: {
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
    id_token_signed_response_alg: 'ES256',
  },
  async findAccount(ctx, sub) {
    return {
      accountId: sub,
      async claims() {
        return { sub, ...person(sub) };
      },
    };
  },
  async loadExistingGrant(ctx) {
    // No consent screen: the person consented on FranceConnect's side.
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope(ctx.oidc.requestParamScopes ? [...ctx.oidc.requestParamScopes].join(' ') : 'openid');
    await grant.save();
    return grant;
  },
  interactions: { url: (ctx, interaction) => `${PREFIX}/interaction/${interaction.uid}` },
  ttl: { Session: 3600, Interaction: 600, Grant: 3600, AccessToken: 600, AuthorizationCode: 60, IdToken: 600 },
};

const port = Number(process.env.PORT || 0);
const issuer = () => `http://127.0.0.1:${server.address().port}${PREFIX}`;
let provider;
let handle;

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

async function interaction(req, res) {
  const details = await provider.interactionDetails(req, res);
  if (req.method === 'GET') {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(`<!DOCTYPE html><html lang="fr"><head><title>Fournisseur d'identité de test</title></head><body>
      <main><h1>Connexion</h1>
      <form method="post" action="${PREFIX}/interaction/${escape(details.uid)}">
      <label for="login">Identifiant</label> <input id="login" name="login" autocomplete="username">
      <button type="submit">Valider</button></form></main></body></html>`);
    return;
  }
  const body = new URLSearchParams(await new Promise((done) => {
    let data = '';
    req.on('data', (chunk) => { data += chunk; });
    req.on('end', () => done(data));
  }));
  const login = body.get('login') || 'anonymous';
  const acr = login === 'low-acr' ? 'eidas0' : 'eidas1';
  await provider.interactionFinished(req, res, { login: { accountId: login, acr } }, { mergeWithLastSubmission: false });
}

const server = http.createServer(async (req, res) => {
  try {
    if (!req.url.startsWith(PREFIX)) {
      res.statusCode = 404;
      res.end();
      return;
    }
    if (req.url.startsWith(`${PREFIX}/interaction/`)) {
      await interaction(req, res);
      return;
    }
    req.originalUrl = req.url;
    req.url = req.url.slice(PREFIX.length) || '/';
    handle(req, res);
  } catch (error) {
    process.stderr.write(`${error.stack}\n`);
    res.statusCode = 500;
    res.end(String(error));
  }
});

server.listen(port, '127.0.0.1', () => {
  provider = new Provider(issuer(), configuration);
  provider.use(async (ctx, next) => {
    await next();
    const route = ctx.oidc?.route;
    if ((route === 'token' || route === 'userinfo') && ctx.status === 200) {
      ctx.body = await misbehave(route, ctx.body);
    }
  });
  handle = provider.callback();
  process.stdout.write(`${JSON.stringify({ issuer: issuer() })}\n`);
});
process.on('SIGTERM', () => process.exit(0)); // a browser's keep-alive connections would hold close()
