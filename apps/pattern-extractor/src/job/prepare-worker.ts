/** The worker thread of `RowPreparer`: prepares each batch it is sent (see `row-preparer.ts`). */
import { parentPort } from 'node:worker_threads';
import { prepareRows } from './pattern-miners';
import { type PrepareRequest, type PrepareResponse, TOKEN_SEPARATOR } from './row-preparer';

parentPort?.on('message', ({ id, rows, codeForEveryRow }: PrepareRequest) => {
  let response: PrepareResponse;
  try {
    const prepared = prepareRows(rows, { codeForEveryRow });
    response = {
      id,
      tokens: prepared.map((row) => row.promptTokens.join(TOKEN_SEPARATOR)),
      code: prepared.map((row) => row.code),
    };
  } catch (error) {
    response = { id, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort?.postMessage(response);
});
