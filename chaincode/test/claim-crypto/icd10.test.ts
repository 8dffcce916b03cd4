import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CATEGORY_MAX,
  CATEGORY_MIN,
  ClaimCryptoError,
  categoryCode,
  icd10Category,
  isValidCategory,
} from '../../src/lib/claim-crypto';

const isIcdError = (err: unknown): boolean => err instanceof ClaimCryptoError && err.code === 'INVALID_ICD10';
const isCategoryError = (err: unknown): boolean =>
  err instanceof ClaimCryptoError && err.code === 'INVALID_CATEGORY';

describe('icd10Category', () => {
  it('maps the edge categories and known codes', () => {
    assert.equal(icd10Category('A00'), 1);
    assert.equal(icd10Category('A01'), 2);
    assert.equal(icd10Category('A99'), 100);
    assert.equal(icd10Category('B00'), 101);
    assert.equal(icd10Category('J45'), 9 * 100 + 45 + 1);
    assert.equal(icd10Category('Z99'), 2600);
    assert.equal(CATEGORY_MIN, 1);
    assert.equal(CATEGORY_MAX, 2600);
  });

  it('accepts lower case, dotted and undotted subcategories, ignoring them', () => {
    assert.equal(icd10Category('a01.4'), icd10Category('A01'));
    assert.equal(icd10Category('J45.909'), icd10Category('J45'));
    assert.equal(icd10Category('J45909'), icd10Category('J45'));
    assert.equal(icd10Category('S72.001A'), icd10Category('S72'));
    assert.equal(icd10Category('t36.0x1a'), icd10Category('T36'));
  });

  it('rejects malformed codes with a clear error', () => {
    const bad = [
      '',
      'A',
      'A0',
      'A0.1',
      '00A',
      '1A00',
      'AA0',
      'C4A',
      'A00.',
      'A00..1',
      'A00.12345',
      ' A00',
      'A00 ',
      'Ä00',
      'A-00',
      'A00/1',
      'A１２',
    ];
    for (const code of bad) {
      assert.throws(() => icd10Category(code), isIcdError, `should reject ${JSON.stringify(code)}`);
    }
    assert.throws(() => icd10Category('x'), /malformed ICD-10 code "x"/);
    assert.throws(() => icd10Category(42 as unknown as string), isIcdError);
  });
});

describe('categoryCode', () => {
  it('round-trips every category 1..2600', () => {
    const seen = new Set<string>();
    for (let x = CATEGORY_MIN; x <= CATEGORY_MAX; x++) {
      const code = categoryCode(x);
      assert.match(code, /^[A-Z][0-9]{2}$/);
      assert.equal(icd10Category(code), x);
      seen.add(code);
    }
    assert.equal(seen.size, 2600);
    assert.equal(categoryCode(1), 'A00');
    assert.equal(categoryCode(101), 'B00');
    assert.equal(categoryCode(2600), 'Z99');
  });

  it('rejects out-of-range and non-integer numbers', () => {
    for (const x of [0, -1, 2601, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(() => categoryCode(x), isCategoryError, `should reject ${x}`);
    }
    assert.equal(isValidCategory(1), true);
    assert.equal(isValidCategory(2600), true);
    assert.equal(isValidCategory(0), false);
    assert.equal(isValidCategory('5'), false);
  });
});
