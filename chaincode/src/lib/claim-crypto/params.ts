/** Network-wide parameters of the claim eligibility protocol (DESIGN.md §7). */

/** Smallest and largest ICD-10 category code: A00 → 1, Z99 → 2600. */
export const CATEGORY_MIN = 1;
export const CATEGORY_MAX = 2600;

/** Default K: the hospital stores E(x)…E(x^K); a product may list at most K categories. */
export const K_DEFAULT = 32;
/** Hard ceiling for K (and hence for the number of categories of a product). */
export const K_MAX = 64;

/** Default insurer modulus size. */
export const DEFAULT_KEY_BITS = 2048;
/**
 * Sanity bounds on the insurer modulus accepted by every function. 512 bits is only good for
 * tests; the chaincode's key registration should enforce its own policy (2048 by default).
 * The upper bound caps the work an endorser can be made to do.
 */
export const MIN_MODULUS_BITS = 512;
export const MAX_MODULUS_BITS = 4096;

/** Longest decimal string parsed (an n² of a 4096-bit n has 2467 digits): bounds parsing cost. */
export const MAX_DECIMAL_DIGITS = 2500;
