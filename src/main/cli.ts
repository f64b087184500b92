// `mlens <verb>`: every verb opens the Project, calls the same core function the app's services
// call, and prints (cli/*_verb.ts). Every verb has --json; its keys are snake_case
// (cli/json_keys.ts, applied once in cli/verb.ts print()).
import { DatasetError } from './core/datasets/dataset.js';
import { appVersion } from './core/io/app_version.js';
import { parseArgs, UsageError } from './cli/args.js';
import { json, type Verb } from './cli/verb.js';
import { openVerb } from './cli/open_verb.js';
import { sampleVerb } from './cli/sample_verb.js';
import { exportVerb } from './cli/export_verb.js';
import { importVerb } from './cli/import_verb.js';
import { spacesVerb } from './cli/spaces_verb.js';
import { metricsVerb } from './cli/metrics_verb.js';
import { encodeVerb } from './cli/encode_verb.js';
import { trainVerb } from './cli/train_verb.js';
import { mineVerb } from './cli/mine_verb.js';
import { evalVerb } from './cli/eval_verb.js';
import { partnersVerb } from './cli/partners_verb.js';
import { projectVerb } from './cli/project_verb.js';
import { exportSpaceVerb } from './cli/export_space_verb.js';
import { serveVerb, doctorVerb } from './cli/app_verbs.js';

const verbs: Record<string, Verb> = {
  open: openVerb,
  sample: sampleVerb,
  export: exportVerb,
  import: importVerb,
  spaces: spacesVerb,
  metrics: metricsVerb,
  encode: encodeVerb,
  train: trainVerb,
  mine: mineVerb,
  eval: evalVerb,
  partners: partnersVerb,
  project: projectVerb,
  'export-space': exportSpaceVerb,
  serve: serveVerb,
  doctor: doctorVerb,
};

function help(): void {
  console.log(`mlens ${appVersion()}: Multiplicity Lens on the command line\n\nUsage: mlens <verb> [options]\n\nVerbs:`);
  for (const [name, v] of Object.entries(verbs)) console.log(`  ${name.padEnd(8)} ${v.summary}\n           ${v.usage}`);
  console.log('\nEvery verb takes --json for machine-readable output. `mlens <verb> --help` shows one verb.');
}

async function main(argv: string[]): Promise<number> {
  const [verbName, ...rest] = argv;
  if (!verbName || verbName === '--help' || verbName === '-h' || verbName === 'help') {
    help();
    return 0;
  }
  if (verbName === '--version') {
    console.log(appVersion());
    return 0;
  }
  const verb = verbs[verbName];
  if (!verb) {
    console.error(`mlens: unknown verb ${JSON.stringify(verbName)}\n`);
    help();
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(`${verb.summary}\n\nUsage: ${verb.usage}`);
    return 0;
  }
  let a: ReturnType<typeof parseArgs> | null = null;
  try {
    a = parseArgs(rest, verb.flags ?? []);
    await verb.run(a);
    return 0;
  } catch (e) {
    const err = e as Error;
    const tag = e instanceof UsageError ? 'usage' : e instanceof DatasetError ? 'dataset error' : 'error';
    if (a ? json(a) : rest.includes('--json')) process.stdout.write(`${JSON.stringify({ error: { name: err.name, message: err.message } })}\n`);
    console.error(`mlens ${verbName}: ${tag}: ${err.message}${e instanceof UsageError ? `\nUsage: ${verb.usage}` : ''}`);
    if (process.env.MLENS_DEBUG && err.stack) console.error(err.stack);
    return e instanceof UsageError ? 2 : 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
