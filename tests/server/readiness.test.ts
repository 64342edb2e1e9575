/** /healthz says the process runs; /readyz also asks the database (what a load balancer in front of several instances polls). */
import { startTestServer, TEST_ENGINE } from './helpers';

describe('health and readiness', () => {
  it('/readyz answers 200 with the engine while the database answers, 503 once it does not; /healthz stays 200', async () => {
    const server = await startTestServer({ seed: false });
    try {
      const ready = await server.request('GET', '/readyz');
      expect(ready.status).toBe(200);
      expect(ready.body).toEqual({ status: 'ready', engine: TEST_ENGINE });
      await server.deps.db.close();
      const gone = await server.request('GET', '/readyz');
      expect(gone.status).toBe(503);
      expect(gone.body).toEqual({ status: 'unavailable', engine: TEST_ENGINE });
      expect(server.logText()).toMatch(/readiness: the database does not answer/);
      expect((await server.request('GET', '/healthz')).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
