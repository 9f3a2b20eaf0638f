import { Type } from '@sinclair/typebox';

/** A role as a spec or the configuration writes it. */
export const RoleSchema = Type.Union([Type.Literal('read'), Type.Literal('write'), Type.Literal('admin')]);

/** How JWT bearer tokens are checked (a listener's `auth.jwt`, the configuration's `auth.jwt`): a shared secret or a JWKS URL, exactly one. */
export const JwtSchema = Type.Object(
  {
    secret: Type.Optional(Type.String({ minLength: 32, description: 'Shared secret for HS256/384/512 (at least 32 characters; use {{ values.NAME }} with a secret value).' })),
    jwks: Type.Optional(Type.String({ pattern: '^https?://', description: 'URL of a JSON Web Key Set (RS/PS/ES/EdDSA keys), fetched and cached.' })),
    issuer: Type.Optional(Type.String({ minLength: 1, description: 'Required `iss` claim.' })),
    audience: Type.Optional(Type.Union([Type.String({ minLength: 1 }), Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })], { description: 'Required `aud` claim (one of them).' })),
    roleClaim: Type.Optional(Type.String({ minLength: 1, description: 'The claim holding the role (a role, a list or a space-separated string of roles); default "role".' })),
    defaultRole: Type.Optional(RoleSchema),
    algorithms: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: 'Accepted algorithms (default: HS* with a secret, asymmetric ones with a JWKS).' })),
  },
  { additionalProperties: false },
);
