import { AppError } from '../errors.ts';

/**
 * A model that cannot be fitted from the data given (the cases where metafor's rma.uni / escalc stop), or a
 * data value escalc refuses. The user's data is at fault: HTTP 422, exit 1 (src/errors.ts).
 */
export class MetaError extends AppError {
  constructor(message: string, field?: string) {
    super(message, { field, status: 422 });
  }
}
