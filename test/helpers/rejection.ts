import { expect } from 'vitest';
import { TesseraError, type ErrorCode } from '../../agent-sdk/errors.js';

/** Resolves with the TesseraError `promise` rejects with, after checking its code and message. */
export async function expectRejection(promise: Promise<unknown>, code: ErrorCode, message: RegExp): Promise<TesseraError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TesseraError);
  expect((err as TesseraError).code).toBe(code);
  expect((err as TesseraError).message).toMatch(message);
  return err as TesseraError;
}
