import type { LabResult } from "../../shared/src/records";

/** Destination of generated lab results: the data gateway in production, a fake in tests. */
export interface LabResultSink {
  submitBatch(results: readonly LabResult[]): Promise<void>;
}

/** A failed gateway request. `retryable` is false for responses that a retry cannot change. */
export class GatewayRequestError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = "GatewayRequestError";
  }
}

export interface GatewayClientOptions {
  /** Base URL of the data gateway, for example `http://data-gateway:8080`. */
  baseUrl: string;
  /** Bearer token the gateway expects. */
  token: string;
  /** Time allowed for one request, in ms. Defaults to 10 s. */
  timeoutMs?: number;
  /** Defaults to the global `fetch`. */
  fetch?: typeof fetch;
}

/** Submits lab results to the data gateway's batch endpoint, as a lab system would. */
export class GatewayClient implements LabResultSink {
  private readonly fetch: typeof fetch;

  constructor(private readonly options: GatewayClientOptions) {
    this.fetch = options.fetch ?? fetch;
  }

  /**
   * Posts the batch and resolves on 202. Rejects with a `GatewayRequestError` that is retryable
   * for network errors, timeouts, 429 and 5xx, and not retryable for other statuses such as 400
   * (a generator bug) or 401/403 (a wrong token).
   */
  async submitBatch(results: readonly LabResult[]): Promise<void> {
    const url = new URL("/v1/lab-results/batch", this.options.baseUrl);
    let response: Response;
    try {
      response = await this.fetch(url, {
        method: "POST",
        headers: {
          authorization: `Bearer ${this.options.token}`,
          "content-type": "application/json",
        },
        body: JSON.stringify(results),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new GatewayRequestError(`POST ${url.href} failed: ${reason}`, undefined, true);
    }

    if (response.status === 202) {
      await response.body?.cancel();
      return;
    }

    const body = (await response.text()).slice(0, 500);
    const retryable = response.status === 429 || response.status >= 500;
    throw new GatewayRequestError(
      `POST ${url.href} returned ${response.status}: ${body}`,
      response.status,
      retryable,
    );
  }

  /** Resolves when `GET /health` returns 200; rejects otherwise. */
  async checkHealth(): Promise<void> {
    const url = new URL("/health", this.options.baseUrl);
    const response = await this.fetch(url, { signal: AbortSignal.timeout(5_000) });
    await response.body?.cancel();
    if (response.status !== 200) {
      const message = `GET ${url.href} returned ${response.status}`;
      throw new GatewayRequestError(message, response.status, true);
    }
  }
}
