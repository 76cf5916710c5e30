import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { LabResult } from "../../shared/src/records";
import { createGenerator } from "../src/generator";
import { GatewayClient, GatewayRequestError } from "../src/gateway-client";

const TOKEN = "test-token-0123456789";

interface ReceivedRequest {
  method: string | undefined;
  url: string | undefined;
  authorization: string | undefined;
  contentType: string | undefined;
  body: string;
}

describe("GatewayClient", () => {
  let server: Server;
  let baseUrl: string;
  let status = 202;
  const received: ReceivedRequest[] = [];

  before(async () => {
    server = createServer(async (request: IncomingMessage, response) => {
      let body = "";
      for await (const chunk of request) {
        body += String(chunk);
      }
      received.push({
        method: request.method,
        url: request.url,
        authorization: request.headers.authorization,
        contentType: request.headers["content-type"],
        body,
      });
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify({ status }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    received.length = 0;
    status = 202;
  });

  const generator = createGenerator({ seed: "client", patientCount: 5, now: () => 0 });
  const labResults: LabResult[] = [];
  while (labResults.length < 3) {
    const generated = generator.next();
    if (generated.destination === "gateway") {
      labResults.push(generated.record);
    }
  }

  it("posts the batch as JSON with the bearer token", async () => {
    await new GatewayClient({ baseUrl, token: TOKEN }).submitBatch(labResults);

    assert.equal(received.length, 1);
    assert.equal(received[0].method, "POST");
    assert.equal(received[0].url, "/v1/lab-results/batch");
    assert.equal(received[0].authorization, `Bearer ${TOKEN}`);
    assert.equal(received[0].contentType, "application/json");
    assert.deepEqual(JSON.parse(received[0].body), labResults);
  });

  const failures: [status: number, retryable: boolean][] = [
    [400, false],
    [401, false],
    [403, false],
    [429, true],
    [500, true],
    [503, true],
  ];
  for (const [failureStatus, retryable] of failures) {
    it(`treats ${failureStatus} as ${retryable ? "retryable" : "not retryable"}`, async () => {
      status = failureStatus;
      const client = new GatewayClient({ baseUrl, token: TOKEN });
      await assert.rejects(client.submitBatch(labResults), (error: unknown) => {
        assert.ok(error instanceof GatewayRequestError);
        assert.equal(error.status, failureStatus);
        assert.equal(error.retryable, retryable);
        assert.match(error.message, new RegExp(`returned ${failureStatus}: `));
        return true;
      });
    });
  }

  it("treats a refused connection as retryable", async () => {
    // A port that was just released has no listener, so the connection is refused.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const client = new GatewayClient({ baseUrl: `http://127.0.0.1:${port}`, token: TOKEN });
    await assert.rejects(client.submitBatch(labResults), (error: unknown) => {
      assert.ok(error instanceof GatewayRequestError);
      assert.equal(error.status, undefined);
      assert.equal(error.retryable, true);
      return true;
    });
  });

  it("checks health with GET /health", async () => {
    status = 200;
    const healthy = new GatewayClient({ baseUrl, token: TOKEN });
    await healthy.checkHealth();
    assert.equal(received[0].url, "/health");
    status = 503;
    const client = new GatewayClient({ baseUrl, token: TOKEN });
    await assert.rejects(client.checkHealth(), /returned 503/);
  });
});
