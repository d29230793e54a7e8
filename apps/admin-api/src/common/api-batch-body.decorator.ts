import { applyDecorators, type Type } from '@nestjs/common';
import { ApiBody, ApiExtraModels, getSchemaPath } from '@nestjs/swagger';
import { MAX_BATCH_ITEMS } from './batch-body';

/** Documents a write body that is one `item` or an array of up to {@link MAX_BATCH_ITEMS} of them. */
export const ApiBatchBody = (item: Type) =>
  applyDecorators(
    ApiExtraModels(item),
    ApiBody({
      schema: {
        oneOf: [
          { $ref: getSchemaPath(item) },
          { type: 'array', maxItems: MAX_BATCH_ITEMS, items: { $ref: getSchemaPath(item) } },
        ],
      },
    }),
  );
