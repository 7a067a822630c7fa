// Imports point one way: cli → report → executor → planner / measure / drivers → playbook → util.
// `npm run deps` (part of `npm test`) fails on a cycle or on an import against that direction.
// Each layer lists the layers it must not import; files at src/ (errors.ts, version.ts) are the
// bottom and import nothing above them.
const layers = ['cli', 'report', 'executor', 'planner|measure|drivers', 'playbook', 'util'];

/** Everything above layer i, as a path pattern under src/. */
function above(i) {
  return `^src/(${layers.slice(0, i).join('|')})/`;
}

/**
 * Each driver declares the inventory keys it reads beside it (as an Ansible connection plugin
 * declares its options); the playbook loader composes those declarations. They are leaves: they
 * import schema pieces and utilities, never driver code (a rule below holds them to that).
 */
const DRIVER_OPTION_DECLARATIONS = '^src/drivers/(driver-options|driver-options-declaration|[^/]+/[^/]+-options)\\.ts$';

const upward = layers.slice(1).map((layer, k) => ({
  name: `no-upward-from-${layer.replaceAll('|', '-')}`,
  comment: `src/{${layer}} must not import the layers above it (${layers.slice(0, k + 1).join(', ')})`,
  severity: 'error',
  from: { path: `^src/(${layer})/` },
  to: { path: above(k + 1), pathNot: layer === 'playbook' ? DRIVER_OPTION_DECLARATIONS : undefined },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'An import cycle: break it by moving the shared type down to the layer that produces it',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...upward,
    {
      name: 'driver-options-are-declarations',
      comment: "A driver's option declaration imports no driver code: the playbook loader reads it without loading a driver",
      severity: 'error',
      from: { path: DRIVER_OPTION_DECLARATIONS },
      to: { path: '^src/(drivers|measure|planner|executor|report|cli)/', pathNot: DRIVER_OPTION_DECLARATIONS },
    },
    {
      name: 'no-upward-from-root',
      comment: 'src/errors.ts and src/version.ts sit below every layer',
      severity: 'error',
      from: { path: '^src/[^/]+\\.ts$' },
      to: { path: '^src/[^/]+/' },
    },
    {
      name: 'planner-is-pure',
      comment: 'The planner does no I/O and knows no driver or measurement code',
      severity: 'error',
      from: { path: '^src/planner/' },
      to: { path: '^(src/(drivers|measure)/|node:(fs|child_process|net|http|https))' },
    },
    {
      name: 'src-not-from-tests',
      comment: 'Production code never imports test or bench code',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|bench|scripts)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: 'node_modules' },
  },
};
