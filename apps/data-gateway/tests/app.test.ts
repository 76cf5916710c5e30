import assert from "node:assert/strict";
import type { FastifyInstance } from "fastify";
import { Registry } from "prom-client";
import { createLogger } from "../../shared/src/logger";
import type { LabResult } from "../../shared/src/records";
import { buildGatewayApp } from "../src/app";
import { PublisherUnavailableError, type LabResultPublisher } from "../src/publisher";
import { INVALID_RESULTS, VALID_RESULT, VALID_RESULT_2 } from "./fixtures/lab-results";

const TOKEN = "gateway-test-token-0123456789";
const AUTH = { authorization: `Bearer ${TOKEN}` };

/** Stores published batches; `ready` and `failure` control its behaviour. */
class FakePublisher implements LabResultPublisher {
  readonly published: LabResult[][] = [];
  ready = true;
  failure: Error | undefined;

  isReady(): boolean {
    return this.ready;
  }

  async publish(results: readonly LabResult[]): Promise<void> {
    if (this.failure) {
      throw this.failure;
    }
    this.published.push([...results]);
  }
}

describe("data gateway API", () => {
  let app: FastifyInstance;
  let publisher: FakePublisher;

  beforeEach(() => {
    publisher = new FakePublisher();
    app = buildGatewayApp({
      token: TOKEN,
      publisher,
      logger: createLogger({ service: "test", level: "silent" }),
      registry: new Registry(),
      maxBatchSize: 3,
    });
  });
  afterEach(() => app.close());

  describe("POST /v1/lab-results", () => {
    it("publishes a valid result and returns 202", async () => {
      const response = await app.inject({
        method: "POST",
        url: "/v1/lab-results",
        headers: AUTH,
        payload: VALID_RESULT,
      });
      assert.equal(response.statusCode, 202);
      assert.deepEqual(response.json(), { accepted: 1, recordIds: [VALID_RESULT.recordId] });
      assert.deepEqual(publisher.published, [[VALID_RESULT]]);
    });

    for (const { name, payload, field } of INVALID_RESULTS) {
      it(`returns 400 naming ${field} for ${name}`, async () => {
        const response = await app.inject({
          method: "POST",
          url: "/v1/lab-results",
          headers: AUTH,
          payload: payload as object,
        });
        assert.equal(response.statusCode, 400);
        const body = response.json() as { error: string; issues: { field: string }[] };
        assert.equal(body.error, "invalid-payload");
        assert.equal(body.issues[0].field, field);
        assert.equal(publisher.published.length, 0);
      });
    }

    it("returns 400 for malformed JSON", async () => {
      const response = await app.inject({
        method: "POST",
        url: "/v1/lab-results",
        headers: { ...AUTH, "content-type": "application/json" },
        payload: '{"recordId": ',
      });
      assert.equal(response.statusCode, 400);
      assert.equal((response.json() as { error: string }).error, "invalid-request");
    });

    it("returns 415 for a body that is not JSON", async () => {
      const response = await app.inject({
        method: "POST",
        url: "/v1/lab-results",
        headers: { ...AUTH, "content-type": "text/plain" },
        payload: JSON.stringify(VALID_RESULT),
      });
      assert.equal(response.statusCode, 415);
      assert.equal((response.json() as { error: string }).error, "invalid-request");
      assert.equal(publisher.published.length, 0);
    });
  });

  it("returns 413 for a body over the limit", async () => {
    const small = buildGatewayApp({
      token: TOKEN,
      publisher,
      logger: createLogger({ service: "test", level: "silent" }),
      registry: new Registry(),
      maxBatchSize: 3,
      bodyLimitBytes: 512,
    });
    const response = await small.inject({
      method: "POST",
      url: "/v1/lab-results/batch",
      headers: AUTH,
      payload: [VALID_RESULT, VALID_RESULT, VALID_RESULT],
    });
    await small.close();
    assert.equal(response.statusCode, 413);
    assert.equal(publisher.published.length, 0);
  });

  describe("POST /v1/lab-results/batch", () => {
    it("publishes the batch in order", async () => {
      const response = await app.inject({
        method: "POST",
        url: "/v1/lab-results/batch",
        headers: AUTH,
        payload: [VALID_RESULT, VALID_RESULT_2],
      });
      assert.equal(response.statusCode, 202);
      assert.deepEqual(response.json(), {
        accepted: 2,
        recordIds: [VALID_RESULT.recordId, VALID_RESULT_2.recordId],
      });
      assert.deepEqual(publisher.published, [[VALID_RESULT, VALID_RESULT_2]]);
    });

    it("rejects the whole batch when one item is invalid", async () => {
      const response = await app.inject({
        method: "POST",
        url: "/v1/lab-results/batch",
        headers: AUTH,
        payload: [VALID_RESULT, { ...VALID_RESULT_2, analyte: "" }],
      });
      assert.equal(response.statusCode, 400);
      const body = response.json() as { message: string; issues: { field: string }[] };
      assert.deepEqual(
        body.issues.map((issue) => issue.field),
        ["[1].analyte"],
      );
      assert.match(body.message, /^invalid lab result: \[1\]\.analyte: /);
      assert.equal(publisher.published.length, 0);
    });

    it("rejects more results than the maximum batch size", async () => {
      const response = await app.inject({
        method: "POST",
        url: "/v1/lab-results/batch",
        headers: AUTH,
        payload: [VALID_RESULT, VALID_RESULT, VALID_RESULT, VALID_RESULT],
      });
      assert.equal(response.statusCode, 400);
      assert.equal(
        (response.json() as { message: string }).message,
        "invalid lab result: (body): expected 1 to 3 lab results, got 4",
      );
    });
  });

  describe("authentication", () => {
    type AuthCase = [name: string, headers: Record<string, string>, status: number, error: string];
    const cases: AuthCase[] = [
      ["no header", {}, 401, "unauthorized"],
      ["basic auth", { authorization: `Basic ${TOKEN}` }, 401, "unauthorized"],
      ["wrong token", { authorization: "Bearer not-the-token" }, 403, "forbidden"],
      ["token with a suffix", { authorization: `Bearer ${TOKEN}0` }, 403, "forbidden"],
    ];
    for (const [name, headers, status, error] of cases) {
      for (const url of ["/v1/lab-results", "/v1/lab-results/batch"]) {
        it(`returns ${status} for ${name} on ${url}`, async () => {
          const payload = VALID_RESULT;
          const response = await app.inject({ method: "POST", url, headers, payload });
          assert.equal(response.statusCode, status);
          assert.equal((response.json() as { error: string }).error, error);
          assert.equal(publisher.published.length, 0);
          if (status === 401) {
            assert.equal(response.headers["www-authenticate"], 'Bearer realm="data-gateway"');
          }
        });
      }
    }

    it("checks the token before the body", async () => {
      const response = await app.inject({
        method: "POST",
        url: "/v1/lab-results",
        headers: { "content-type": "application/json" },
        payload: "not json",
      });
      assert.equal(response.statusCode, 401);
    });
  });

  describe("Clinical MQ outage", () => {
    it("returns 503 when the publisher cannot publish", async () => {
      publisher.failure = new PublisherUnavailableError("the Clinical MQ is not connected");
      const response = await app.inject({
        method: "POST",
        url: "/v1/lab-results",
        headers: AUTH,
        payload: VALID_RESULT,
      });
      assert.equal(response.statusCode, 503);
      assert.equal(response.headers["retry-after"], "5");
      assert.deepEqual(response.json(), {
        error: "unavailable",
        message: "the Clinical MQ is not connected; retry later",
      });
    });

    it("reports 503 on /health while the publisher is not ready", async () => {
      publisher.ready = false;
      const down = await app.inject({ method: "GET", url: "/health" });
      assert.equal(down.statusCode, 503);
      assert.deepEqual(down.json(), { status: "unavailable", dependencies: { mq: false } });

      publisher.ready = true;
      const up = await app.inject({ method: "GET", url: "/health" });
      assert.equal(up.statusCode, 200);
      assert.deepEqual(up.json(), { status: "ok", dependencies: { mq: true } });
    });
  });

  it("counts requests, published and rejected results in /metrics", async () => {
    const url = "/v1/lab-results";
    await app.inject({ method: "POST", url, headers: AUTH, payload: VALID_RESULT });
    await app.inject({ method: "POST", url, payload: VALID_RESULT });
    await app.inject({
      method: "POST",
      url,
      headers: AUTH,
      payload: { ...VALID_RESULT, value: "x" },
    });

    const response = await app.inject({ method: "GET", url: "/metrics" });
    assert.equal(response.statusCode, 200);
    const text = response.body;
    assert.match(text, /^gateway_lab_results_published_total 1$/m);
    assert.match(text, /^gateway_lab_results_rejected_total\{reason="unauthorized"\} 1$/m);
    assert.match(text, /^gateway_lab_results_rejected_total\{reason="invalid"\} 1$/m);
    const accepted =
      'gateway_http_requests_total{route="/v1/lab-results",method="POST",status_code="202"} 1';
    assert.ok(text.split("\n").includes(accepted), `no line ${accepted}`);
  });
});
