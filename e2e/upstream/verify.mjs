// Verifies one keygate identity assertion with the npm package jose, the way
// a Node upstream would: against the JWKS URL keygate publishes, with the
// issuer and audience it expects. Prints the claims as JSON, or exits 1.
//
//   node verify.mjs <jwksUrl> <issuer> <audience>   (the assertion on stdin)
import { createRemoteJWKSet, jwtVerify } from "jose";

const [jwksUrl, issuer, audience] = process.argv.slice(2);
let token = "";
for await (const chunk of process.stdin) token += chunk;

const jwks = createRemoteJWKSet(new URL(jwksUrl));
try {
  const { payload, protectedHeader } = await jwtVerify(token.trim(), jwks, {
    issuer,
    audience,
    algorithms: ["EdDSA"],
  });
  console.log(JSON.stringify({ header: protectedHeader, claims: payload }));
} catch (err) {
  console.error(`${err.code ?? "ERROR"}: ${err.message}`);
  process.exit(1);
}
