import * as assert from "node:assert/strict";

import { colorsEnabled, createStyle, redactUrl } from "../../cli/output";

describe("colorsEnabled", () => {
  const cases: [string, boolean, NodeJS.ProcessEnv, boolean][] = [
    ["terminal", true, {}, true],
    ["pipe", false, {}, false],
    ["terminal with NO_COLOR", true, { NO_COLOR: "1" }, false],
    ["terminal with empty NO_COLOR", true, { NO_COLOR: "" }, true],
  ];
  for (const [name, isTTY, env, expected] of cases) {
    it(name, () => {
      assert.equal(colorsEnabled({ write: () => true, isTTY }, env), expected);
    });
  }

  it("paints only when enabled", () => {
    assert.equal(createStyle(true).paint("red", "x"), "\u001b[31mx\u001b[39m");
    assert.equal(createStyle(false).paint("red", "x"), "x");
  });
});

describe("redactUrl", () => {
  const cases: [string, string][] = [
    ["http://admin:secret@127.0.0.1:8000", "http://admin@127.0.0.1:8000/"],
    ["ssh://deploy:pw@host", "ssh://deploy@host"],
    ["http://localhost:9001", "http://localhost:9001"],
    ["localhost:16379", "localhost:16379"],
  ];
  for (const [url, expected] of cases) {
    it(`redacts ${url}`, () => {
      assert.equal(redactUrl(url), expected);
    });
  }
});
