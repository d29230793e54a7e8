import { ApiException } from './api-error';

/**
 * The pg driver's errors on the COPY path are not TypeORM's QueryFailedError, so the global filter
 * cannot read them: a rejection handler that turns the ones caused by the rows into the error body
 * (a duplicate key is a 409 naming `field`, another refused value a 400) and rethrows the rest.
 */
export function refusedRows(field: string): (error: unknown) => never {
  return (error) => {
    const code = (error as { code?: unknown }).code;
    if (code === '23505')
      throw new ApiException(409, `${field} is already recorded`, [
        { field, message: 'is already recorded' },
      ]);
    if (typeof code === 'string' && /^2[23]/.test(code)) {
      throw new ApiException(400, 'The database refused a value of the body', [
        { field: 'body', message: 'was refused by the database' },
      ]);
    }
    throw error;
  };
}
