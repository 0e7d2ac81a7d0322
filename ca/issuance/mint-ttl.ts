// The lifetimes an operator may mint service credentials for: apart from the
// minting code, so the CLI's --ttl parsers read them without loading issuance.

/** `x509 mint`: the lifetimes an operator may mint for, and the default (spire-server's `x509 mint` default too). */
export const MINT_X509_TTL = { minMs: 60_000, maxMs: 86_400_000, defaultMs: 3_600_000 } as const;

/** `jwt mint`: the lifetimes an operator may mint a service's JWT-SVID for, and the default (spire-server's JWT default too). */
export const MINT_JWT_TTL = { minMs: 60_000, maxMs: 3_600_000, defaultMs: 300_000 } as const;
