/** Runs a pipeline and returns its values in order, throwing the first command error. */
import type { ChainableCommander } from 'ioredis';

export class PipelineFailedError extends Error {
  override name = 'PipelineFailedError';
}

export async function pipelineValues(p: ChainableCommander): Promise<unknown[]> {
  const results = await p.exec();
  if (!results) throw new PipelineFailedError('Redis returned no pipeline results; retry');
  return results.map(([err, v]) => {
    if (err) throw err;
    return v;
  });
}
