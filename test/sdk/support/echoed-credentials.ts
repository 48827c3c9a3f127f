// The credentials the echoing-gateway tests give their clients, and the Basic encodings of each pair:
// what no error, log event or rendering of the SDK may ever show (echoed-secrets, redactor-variants).

export const ORG = "5e2211c17a3e5a48f5497de3";
export const PUBLIC_KEY = "pubkeyab";
export const PRIVATE_KEY = "0d9b3c4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e";
export const CLIENT_ID = "mdb_sa_id_0123456789abcdef";
export const CLIENT_SECRET = "mdb_sa_sk_9f8e7d6c5b4a39281706";
export const KEY_BASIC = Buffer.from(`${PUBLIC_KEY}:${PRIVATE_KEY}`).toString("base64");
export const ACCOUNT_BASIC = Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString("base64");
