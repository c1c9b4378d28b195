/**
 * redis-server settings for the Redis that Taba starts itself (`taba up`, tests, benchmarks),
 * and the ones docs/operations.md recommends for any Redis holding Taba's States.
 *
 * A State is one hash whose fields are its buckets and sketch bins, and a commit reads and
 * writes most of them. Redis keeps a hash of up to `hash-max-listpack-entries` fields
 * (default 128) as a listpack, searched linearly on every field access: States of 64–128
 * fields then cost a commit about 1.4× the Redis CPU of hash tables (`npm run bench:commit`).
 * States past 128 fields are hash tables anyway, so this only moves the boundary.
 */
export const REDIS_SERVER_TUNING: readonly string[] = ['--hash-max-listpack-entries', '64'];
