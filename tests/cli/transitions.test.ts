import * as assert from "node:assert/strict";

import { LEVEL_KEYS, type LevelState, type LevelStates } from "../../levels/model";
import {
  completeLevelStates,
  confirmationFor,
  decideConfirmation,
  planTransition,
  restartRejection,
  startRejection,
  type Confirmation,
  type ConfirmationDecision,
  type LevelChange,
  type TransitionCommand,
} from "../../cli/transitions";

/** Every level, so the cases do not depend on which levels the program declares today. */
const ALL_LEVELS = [0, 1, 2, 3, 4, 5] as const;

const R = "running";
const S = "stopped";
const A = "absent";

/** Builds a state map from six states in level order 0 to 5. */
function states(...values: LevelState[]): LevelStates {
  assert.equal(values.length, LEVEL_KEYS.length);
  return Object.fromEntries(LEVEL_KEYS.map((key, index) => [key, values[index]])) as LevelStates;
}

function change(level: number, from: LevelState, to: LevelState, reason: LevelChange["reason"]) {
  return { level, from, to, reason };
}

interface Case {
  readonly name: string;
  readonly from: LevelStates;
  readonly command: TransitionCommand;
  readonly to: LevelStates;
  readonly changes: ReturnType<typeof change>[];
  readonly notes?: string[];
}

const CASES: Case[] = [
  {
    name: "start-level 0 from nothing",
    from: states(A, A, A, A, A, A),
    command: { kind: "start-level", level: 0 },
    to: states(R, A, A, A, A, A),
    changes: [change(0, A, R, "requested")],
  },
  {
    name: "start-level 5 starts 0 and 5 only",
    from: states(A, A, A, A, A, A),
    command: { kind: "start-level", level: 5 },
    to: states(R, A, A, A, A, R),
    changes: [change(0, A, R, "dependency"), change(5, A, R, "requested")],
  },
  {
    name: "start-level 4 starts the chain 0 to 4",
    from: states(A, A, A, A, A, A),
    command: { kind: "start-level", level: 4 },
    to: states(R, R, R, R, R, A),
    changes: [
      change(0, A, R, "dependency"),
      change(1, A, R, "dependency"),
      change(2, A, R, "dependency"),
      change(3, A, R, "dependency"),
      change(4, A, R, "requested"),
    ],
  },
  {
    name: "start-level 2 restarts a stopped dependency",
    from: states(R, S, A, A, A, A),
    command: { kind: "start-level", level: 2 },
    to: states(R, R, R, A, A, A),
    changes: [change(1, S, R, "dependency"), change(2, A, R, "requested")],
  },
  {
    name: "start-level of a running level",
    from: states(R, A, A, A, A, A),
    command: { kind: "start-level", level: 0 },
    to: states(R, A, A, A, A, A),
    changes: [],
    notes: ["Level 0 (Infrastructure) is already running; the update repairs drift."],
  },
  {
    name: "start-level leaves unrelated levels alone",
    from: states(R, A, A, A, S, R),
    command: { kind: "start-level", level: 3 },
    to: states(R, R, R, R, S, R),
    changes: [
      change(1, A, R, "dependency"),
      change(2, A, R, "dependency"),
      change(3, A, R, "requested"),
    ],
  },
  {
    name: "start-full from mixed states",
    from: states(R, S, A, S, A, R),
    command: { kind: "start-full" },
    to: states(R, R, R, R, R, R),
    changes: [
      change(1, S, R, "requested"),
      change(2, A, R, "requested"),
      change(3, S, R, "requested"),
      change(4, A, R, "requested"),
    ],
  },
  {
    name: "stop-level 2 stops running dependents 3 and 4",
    from: states(R, R, R, R, R, R),
    command: { kind: "stop-level", level: 2 },
    to: states(R, R, S, S, S, R),
    changes: [
      change(2, R, S, "requested"),
      change(3, R, S, "dependent"),
      change(4, R, S, "dependent"),
    ],
    notes: [
      "Also stopping level 3 (Feature Engineering) and level 4 (ML Pipeline), which depend on level 2; their volumes are kept.",
    ],
  },
  {
    name: "stop-level 0 stops every running level",
    from: states(R, S, A, A, A, R),
    command: { kind: "stop-level", level: 0 },
    to: states(S, S, A, A, A, S),
    changes: [change(0, R, S, "requested"), change(5, R, S, "dependent")],
    notes: [
      "Also stopping level 5 (Observability), which depends on level 0; their volumes are kept.",
    ],
  },
  {
    name: "stop-level 5 keeps its dependency running",
    from: states(R, A, A, A, A, R),
    command: { kind: "stop-level", level: 5 },
    to: states(R, A, A, A, A, S),
    changes: [change(5, R, S, "requested")],
  },
  {
    name: "stop-level of a stopped level with a running dependent",
    from: states(R, S, R, A, A, A),
    command: { kind: "stop-level", level: 1 },
    to: states(R, S, S, A, A, A),
    changes: [change(2, R, S, "dependent")],
    notes: [
      "Level 1 (Data Ingestion) is already stopped.",
      "Also stopping level 2 (Data Processing), which depends on level 1; their volumes are kept.",
    ],
  },
  {
    name: "stop-level of an absent level stays absent",
    from: states(R, A, A, A, A, A),
    command: { kind: "stop-level", level: 3 },
    to: states(R, A, A, A, A, A),
    changes: [],
    notes: ["Level 3 (Feature Engineering) is absent, so there is nothing to stop."],
  },
  {
    name: "stop-level-full 3 stops dependent 4",
    from: states(R, R, R, R, R, R),
    command: { kind: "stop-level-full", level: 3 },
    to: states(R, R, R, A, S, R),
    changes: [change(3, R, A, "requested"), change(4, R, S, "dependent")],
    notes: [
      "Also stopping level 4 (ML Pipeline), which depends on level 3; their volumes are kept.",
    ],
  },
  {
    name: "stop-level-full keeps stopped dependents stopped",
    from: states(R, R, S, S, A, A),
    command: { kind: "stop-level-full", level: 2 },
    to: states(R, R, A, S, A, A),
    changes: [change(2, S, A, "requested")],
  },
  {
    name: "stop-level-full of an absent level",
    from: states(R, A, A, A, A, A),
    command: { kind: "stop-level-full", level: 1 },
    to: states(R, A, A, A, A, A),
    changes: [],
  },
  {
    name: "stop-full keeps absent levels absent",
    from: states(R, S, A, R, R, A),
    command: { kind: "stop-full" },
    to: states(S, S, A, S, S, A),
    changes: [
      change(0, R, S, "requested"),
      change(3, R, S, "requested"),
      change(4, R, S, "requested"),
    ],
  },
  {
    name: "stop-full with nothing running",
    from: states(A, A, A, A, A, A),
    command: { kind: "stop-full" },
    to: states(A, A, A, A, A, A),
    changes: [],
    notes: ["No level is running."],
  },
  {
    name: "clean-all makes every level absent",
    from: states(R, S, A, A, A, R),
    command: { kind: "clean-all" },
    to: states(A, A, A, A, A, A),
    changes: [
      change(0, R, A, "requested"),
      change(1, S, A, "requested"),
      change(5, R, A, "requested"),
    ],
  },
];

describe("planTransition", () => {
  for (const testCase of CASES) {
    it(testCase.name, () => {
      const plan = planTransition(testCase.from, testCase.command, ALL_LEVELS);
      assert.deepEqual(plan.target, testCase.to);
      assert.deepEqual(plan.changes, testCase.changes);
      assert.deepEqual(plan.notes, testCase.notes ?? []);
    });
  }

  it("clean-all destroys and deletes every level's volumes", () => {
    const plan = planTransition(states(R, R, A, A, A, A), { kind: "clean-all" }, ALL_LEVELS);
    assert.equal(plan.operation, "destroy");
    assert.deepEqual(plan.volumeDeletionLevels, [0, 1, 2, 3, 4, 5]);
  });

  it("stop-level-full deletes only its own level's volumes", () => {
    const plan = planTransition(
      states(R, R, R, R, R, R),
      { kind: "stop-level-full", level: 3 },
      ALL_LEVELS,
    );
    assert.equal(plan.operation, "update");
    assert.deepEqual(plan.volumeDeletionLevels, [3]);
  });

  it("no other command deletes volumes", () => {
    const commands: TransitionCommand[] = [
      { kind: "start-level", level: 2 },
      { kind: "start-full" },
      { kind: "stop-level", level: 0 },
      { kind: "stop-full" },
    ];
    for (const command of commands) {
      const plan = planTransition(states(R, R, R, S, A, R), command, ALL_LEVELS);
      assert.deepEqual(plan.volumeDeletionLevels, [], command.kind);
      assert.equal(plan.operation, "update", command.kind);
    }
  });
});

describe("start commands with levels the program lacks", () => {
  it("start-full starts only levels with services and says so", () => {
    const plan = planTransition(states(A, A, A, A, A, S), { kind: "start-full" }, [0, 1]);
    assert.deepEqual(plan.target, states(R, R, A, A, A, S));
    assert.deepEqual(plan.notes, [
      "Level 2 (Data Processing), level 3 (Feature Engineering), level 4 (ML Pipeline) and level 5 (Observability) have no services in this version of the program, so they stay as they are.",
    ]);
  });

  it("start-full with one level missing", () => {
    const plan = planTransition(states(A, A, A, A, A, A), { kind: "start-full" }, [0, 1, 2, 3, 4]);
    assert.deepEqual(plan.notes, [
      "Level 5 (Observability) has no services in this version of the program, so it stays as it is.",
    ]);
  });

  const rejections: [TransitionCommand, readonly (0 | 1 | 2 | 3 | 4 | 5)[], string | undefined][] =
    [
      [{ kind: "start-level", level: 1 }, [0, 1], undefined],
      [
        { kind: "start-level", level: 5 },
        [0, 1],
        "Cannot start level 5 (Observability): this version of the program has no services for level 5 (Observability). Levels that can run: 0, 1.",
      ],
      [
        { kind: "start-level", level: 3 },
        [0, 1],
        "Cannot start level 3 (Feature Engineering): this version of the program has no services for level 2 (Data Processing) and level 3 (Feature Engineering). Levels that can run: 0, 1.",
      ],
      [{ kind: "start-full" }, [0], undefined],
      [{ kind: "stop-level", level: 4 }, [0], undefined],
    ];
  for (const [command, implemented, expected] of rejections) {
    it(`startRejection ${command.kind} ${"level" in command ? command.level : ""} with ${implemented.join(",")}`, () => {
      assert.equal(startRejection(command, implemented), expected);
    });
  }
});

describe("confirmationFor", () => {
  const cases: [string, LevelStates, TransitionCommand, number, Confirmation][] = [
    ["clean-all with volumes", states(R, A, A, A, A, A), { kind: "clean-all" }, 3, "type-yes"],
    ["clean-all without volumes", states(A, A, A, A, A, A), { kind: "clean-all" }, 0, "type-yes"],
    [
      "stop-level-full of a running level",
      states(R, R, A, A, A, A),
      { kind: "stop-level-full", level: 1 },
      0,
      "confirm",
    ],
    [
      "stop-level-full of an absent level with leftover volumes",
      states(R, A, A, A, A, A),
      { kind: "stop-level-full", level: 1 },
      2,
      "confirm",
    ],
    [
      "stop-level-full with nothing to delete",
      states(R, A, A, A, A, A),
      { kind: "stop-level-full", level: 1 },
      0,
      "none",
    ],
    ["stop-level", states(R, R, A, A, A, A), { kind: "stop-level", level: 0 }, 0, "none"],
    ["stop-full", states(R, R, A, A, A, A), { kind: "stop-full" }, 0, "none"],
    ["start-level", states(A, A, A, A, A, A), { kind: "start-level", level: 4 }, 0, "none"],
    ["start-full", states(A, A, A, A, A, A), { kind: "start-full" }, 0, "none"],
  ];
  for (const [name, from, command, volumes, expected] of cases) {
    it(name, () => {
      assert.equal(confirmationFor(planTransition(from, command, ALL_LEVELS), volumes), expected);
    });
  }
});

describe("decideConfirmation", () => {
  const cases: [Confirmation, boolean, boolean, boolean, ConfirmationDecision][] = [
    // confirmation, --yes, --preview, terminal, decision
    ["none", false, false, false, "proceed"],
    ["confirm", true, false, false, "proceed"],
    ["confirm", false, true, false, "proceed"],
    ["confirm", false, false, true, "prompt"],
    ["confirm", false, false, false, "reject"],
    ["type-yes", true, false, false, "proceed"],
    ["type-yes", false, true, false, "proceed"],
    ["type-yes", false, false, true, "prompt"],
    ["type-yes", false, false, false, "reject"],
  ];
  for (const [confirmation, yes, preview, interactive, expected] of cases) {
    it(`${confirmation} yes=${yes} preview=${preview} terminal=${interactive}`, () => {
      assert.equal(decideConfirmation(confirmation, { yes, preview, interactive }), expected);
    });
  }
});

describe("restartRejection", () => {
  it("allows a running level", () => {
    assert.equal(restartRejection(states(R, A, A, A, A, A), 0), undefined);
  });

  it("rejects a stopped level", () => {
    assert.equal(
      restartRejection(states(R, S, A, A, A, A), 1),
      "Cannot restart level 1 (Data Ingestion): its desired state is stopped. Start it with `pipeline --start-level 1`.",
    );
  });

  it("rejects an absent level", () => {
    assert.equal(
      restartRejection(states(R, A, A, A, A, A), 5),
      "Cannot restart level 5 (Observability): its desired state is absent. Start it with `pipeline --start-level 5`.",
    );
  });
});

describe("completeLevelStates", () => {
  it("treats missing keys as absent", () => {
    assert.deepEqual(completeLevelStates({ features: "stopped" }), states(A, A, A, S, A, A));
  });

  it("returns all absent for an empty map", () => {
    assert.deepEqual(completeLevelStates({}), states(A, A, A, A, A, A));
  });
});
